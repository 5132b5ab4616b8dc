// Statistics of the register from /api/stats: the figures the registry
// counts from its own events (registrations, Art. 15 filings, the
// trading-activity index of docs/index.md), its SVG charts in the reader's
// language, and the CSV tables behind them.
import { h } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { get } from '../api.js';
import { pageHead, card, loading } from '../ui.js';
import { fmtNum } from '../format.js';

const CHARTS = ['registrations', 'sections', 'holders', 'filings', 'amounts', 'index'];
const TABLES = ['summary', 'registrations', 'filings', 'index'];

function shown(ind) {
  const v = ind.value;
  if (v === null || v === undefined) return '—';
  if (ind.indicator === 'late_share') return `${fmtNum(Math.round(v * 1000) / 10)}%`;
  if (typeof v === 'number') return fmtNum(v);
  return String(v);
}

export default async function stats(main) {
  const body = h('div', loading());
  main.append(pageHead('stats.title', 'stats.lead'), body);
  const lang = getLang() === 'en' ? 'en' : 'zh';
  const [sum, idx] = await Promise.all([get(`/api/stats/summary?lang=${lang}`), get('/api/stats/index')]);
  const label = (ind) => (lang === 'en' ? ind.label_en : ind.label);
  body.replaceChildren(
    h('p.muted', t('stats.period', { from: sum.from, to: sum.to, as_of: (sum.as_of || '').slice(0, 10) })),
    h('ul.tiles', sum.indicators.map((ind) =>
      h('li.tile', { 'data-indicator': ind.indicator }, h('span.tile-num', shown(ind)), h('span.tile-label', label(ind))))),
    h('div.charts', CHARTS.map((c) => card(t(`stats.chart.${c}`),
      h('img.chart', { src: `/api/stats/charts/${c}.svg?lang=${lang}`, alt: t(`stats.chart.${c}`), width: '880', height: '400', loading: 'lazy' })))),
    card(t('stats.downloads'),
      h('ul.downloads', TABLES.map((n) => h('li', h('a', { href: `/api/stats/${n}.csv?lang=${lang}`, download: '' }, t(`stats.csv.${n}`))))),
      h('p.muted', t('stats.csv_note')),
      h('p', t('stats.index_formula', { base: idx.base || '—' }), ' ', h('code', idx.formula.expression))),
    h('p.muted', t('stats.note')));
  return t('stats.title');
}
