// i18n.js - the portal speaks Chinese by default and English on request;
// the choice is remembered in localStorage.  Each language is one
// dictionary module with the same keys (test/web checks they match).
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const dicts = { zh, en };
const KEY = 'dipreg.lang';
let lang = 'zh';
try {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') lang = saved;
} catch (e) {
  /* storage may be disabled: stay with Chinese */
}

export function getLang() {
  return lang;
}

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  try {
    localStorage.setItem(KEY, lang);
  } catch (e) {
    /* not remembered, still switched */
  }
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

// t('home.title') or t('x.count', {n: 3}); an unknown key shows itself, so a
// missing translation is visible rather than silent.
export function t(key, vars) {
  let s = dicts[lang][key];
  if (s === undefined) s = dicts.zh[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

// t for an enumerated value such as a state: 'state.registered'; the raw
// value when the dictionary has no word for it.
export function tv(prefix, value) {
  const key = `${prefix}.${value}`;
  return dicts[lang][key] ?? dicts.zh[key] ?? String(value ?? '');
}

export function has(key) {
  return dicts[lang][key] !== undefined;
}
