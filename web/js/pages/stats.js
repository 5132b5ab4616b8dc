// Statistics of the register, counted from the public lists (a statistics
// endpoint would make this cheaper; see the report).  Paging is bounded.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { pageHead, card, loading, notice } from '../ui.js';
import { fmtNum } from '../format.js';
import { loadIndustries } from '../ref.js';

const MAX_PAGES = 25;

async function all(path) {
  const items = [];
  let next = null;
  let pages = 0;
  let capped = false;
  do {
    const r = await get(`${path}${path.includes('?') ? '&' : '?'}limit=200${next ? '&after=' + next : ''}`);
    items.push(...r.items);
    next = r.next;
    pages += 1;
    if (next && pages >= MAX_PAGES) capped = true;
  } while (next && !capped);
  return { items, capped };
}

function bars(rows, labelOf) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return h('table.bars', h('tbody', rows.map(([k, n]) => {
    const bar = h('span.bar');
    bar.style.width = `${Math.max(2, Math.round((n / max) * 100))}%`;
    return h('tr', h('th', { scope: 'row' }, labelOf(k)), h('td.bar-cell', bar), h('td.num', fmtNum(n)));
  })));
}

export default async function stats(main) {
  const body = h('div', loading());
  main.append(pageHead('stats.title', 'stats.lead'), body);
  const [industries, reg, canc, rev, pub] = await Promise.all([loadIndustries().catch(() => []),
    all('/api/register?state=registered'), all('/api/register?state=cancelled'), all('/api/register?state=revoked'), all('/api/publications')]);
  const sectionOf = new Map(industries.map((i) => [i.code, i.section]));
  const sectionName = new Map(industries.filter((i) => i.level === 'section').map((i) => [i.code, i.name]));
  const bySection = new Map();
  const byYear = new Map();
  for (const a of reg.items) {
    const s = sectionOf.get(a.industry) || '?';
    bySection.set(s, (bySection.get(s) || 0) + 1);
  }
  for (const a of [...reg.items, ...canc.items, ...rev.items]) {
    const y = (a.registration_date || '').slice(0, 4);
    if (y) byYear.set(y, (byYear.get(y) || 0) + 1);
  }
  const tiles = [['stats.registered', reg.items.length], ['stats.publication', pub.items.length], ['stats.cancelled', canc.items.length], ['stats.revoked', rev.items.length]];
  body.replaceChildren(
    h('ul.tiles', tiles.map(([k, n]) => h('li.tile', h('span.tile-num', fmtNum(n)), h('span.tile-label', t(k))))),
    reg.capped || canc.capped ? notice('info', t('stats.capped')) : null,
    h('div.grid-2',
      card(t('stats.by_year'), bars([...byYear.entries()].sort(), (y) => y)),
      card(t('stats.by_section'), bars([...bySection.entries()].sort((a, b) => b[1] - a[1]), (s) => h('span', h('span.ind-code', s), ' ', h('span.dv', sectionName.get(s) || ''))))),
    h('p.muted', t('stats.note')));
  return t('stats.title');
}
