// ref.js - reference data from the registry, fetched once: the Art. 5
// field labels (Chinese from the server; English from the dictionary) and
// the GB/T 4754-2017 industries.
import { get } from './api.js';
import { t, getLang, has } from './i18n.js';

let fieldsP = null;
let industriesP = null;
let fieldMap = new Map();
let industryMap = new Map();

export function loadFields() {
  if (!fieldsP) {
    fieldsP = get('/api/reference/fields').then((r) => {
      fieldMap = new Map(r.items.map((f) => [f.path, f]));
      return r.items;
    }).catch((e) => { fieldsP = null; throw e; });
  }
  return fieldsP;
}

export function loadIndustries() {
  if (!industriesP) {
    industriesP = get('/api/reference/industries').then((r) => {
      industryMap = new Map(r.items.map((i) => [i.code, i]));
      return r.items;
    }).catch((e) => { industriesP = null; throw e; });
  }
  return industriesP;
}

// The label of an Art. 5 field path in the reader's language.
export function fieldLabel(path) {
  const base = path.replace(/\[\d+\].*$/, '');
  if (getLang() === 'en' && has(`field.${base}`)) return t(`field.${base}`);
  const f = fieldMap.get(base);
  if (f) return f.label;
  return has(`field.${base}`) ? t(`field.${base}`) : path;
}

export function fieldInfo(path) {
  return fieldMap.get(path);
}

// Industry names are the standard's Chinese text (a data value).
export function industryName(code) {
  const i = industryMap.get(code);
  return i ? i.name : '';
}
