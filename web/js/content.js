// content.js - the ten items of Art. 5 and the Art. 23 declaration shown
// as a reader sees them.  Uploads (proof of lawful acquisition, sample,
// notarial scan) are confidential: only the examiner's view links them, and
// each of those reads is audited by the registry.
import { h, dv } from './dom.js';
import { t, tv } from './i18n.js';
import { fmtDate, fmtNum, fmtBytes } from './format.js';
import { fieldLabel, industryName } from './ref.js';

const ITEMS = [
  ['1', ['name']],
  ['2', ['industry']],
  ['3', ['scenario']],
  ['4', ['source.kind', 'source.description', 'source.formed_on', 'source.agreement_end', 'source.lawful_proof']],
  ['5', ['structure.fields', 'structure.records', 'structure.bytes']],
  ['6', ['update.frequency', 'update.description']],
  ['7', ['algorithm.summary', 'algorithm.personal_data', 'algorithm.public_data', 'algorithm.anonymisation']],
  ['8', ['evidence.kind', 'evidence.fingerprint', 'evidence.deposit_id', 'evidence.notary_number', 'evidence.notary_date', 'evidence.notary_scan']],
  ['9', ['sample']],
  ['10', ['other.status']],
];
const UPLOADS = new Set(['source.lawful_proof', 'evidence.notary_scan', 'sample']);

export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function value(path, v, opts) {
  if (UPLOADS.has(path)) {
    if (opts.examiner) {
      return h('a.file-link', { href: `/api/uploads/${v}`, target: '_blank', rel: 'noopener' }, t('content.open_file'), ' ', h('code.dv.sha', `${String(v).slice(0, 12)}…`));
    }
    return h('span', t('content.uploaded'), ' ', h('code.dv.sha', `${String(v).slice(0, 12)}…`));
  }
  switch (path) {
    case 'industry': return dv(`${v} ${industryName(v)}`.trim());
    case 'source.kind': return h('span', tv('source', v));
    case 'update.frequency': return h('span', tv('freq', v));
    case 'evidence.kind': return h('span', tv('evidence', v));
    case 'algorithm.personal_data':
    case 'algorithm.public_data': return h('span', v ? t('common.yes') : t('common.no'));
    case 'structure.records': return dv(fmtNum(v));
    case 'structure.bytes': return h('span', h('span.dv', fmtNum(v)), ` (${fmtBytes(v)})`);
    case 'source.formed_on':
    case 'source.agreement_end':
    case 'evidence.notary_date': return dv(fmtDate(v));
    case 'evidence.fingerprint': return h('code.dv.fp', v);
    case 'structure.fields':
      return h('table.mini',
        h('thead', h('tr', h('th', { scope: 'col' }, t('content.col_name')), h('th', { scope: 'col' }, t('content.col_format')))),
        h('tbody', (Array.isArray(v) ? v : []).map((f) => h('tr', h('td', dv(f.name)), h('td', dv(f.format))))));
    default: return dv(v, 'div');
  }
}

// content: the Art. 5 object; opts.examiner links uploads.
export function contentView(content, opts = {}) {
  const sections = [];
  for (const [n, paths] of ITEMS) {
    const rows = [];
    for (const p of paths) {
      const v = getPath(content, p);
      if (v === undefined || v === null || v === '') continue;
      rows.push(h('dt', fieldLabel(p)), h('dd', value(p, v, opts)));
    }
    if (!rows.length) continue;
    sections.push(h('section.item', h('h3', h('span.item-no', t('content.item', { n })), ' ', t(`item.${n}`)), h('dl.facts', rows)));
  }
  if (content && content.declaration && content.declaration.truthful) {
    sections.push(h('section.item', h('h3', t('item.decl')), h('p', '✓ ', t('content.declared'))));
  }
  return h('div.content-view', sections);
}
