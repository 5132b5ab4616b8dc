// The public register (Art. 20): browse announced registrations, or search
// them with GET /api/search (docs/search.md).  Against a registry without
// it (404 no_route) the page filters the register list itself by name,
// certificate number and industry, and says so.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get, ApiError } from '../api.js';
import { pageHead, errorBox, loading, empty, notice, pager } from '../ui.js';
import { recordList } from '../records.js';
import { loadIndustries, industryName } from '../ref.js';

const SCAN_PAGES = 10; // at most 2,000 records filtered in the browser

export default async function register(main, ctx) {
  const q0 = ctx.query.get('q') || '';
  const st0 = ctx.query.get('state') || '';
  const qIn = h('input', { type: 'search', id: 'reg-q', name: 'q', value: q0, placeholder: t('reg.q_ph') });
  const stSel = h('select', { id: 'reg-state', name: 'state' },
    [['', t('reg.state_any')], ['registered', t('state.registered')], ['cancelled', t('state.cancelled')], ['revoked', t('state.revoked')]]
      .map(([v, l]) => h('option', { value: v, selected: v === st0 }, l)));
  const f = h('form.search-bar', { role: 'search', action: '/register' },
    h('div.sb-field', h('label', { for: 'reg-q' }, t('reg.q')), qIn),
    h('div.sb-field', h('label', { for: 'reg-state' }, t('reg.state')), stSel),
    h('button.btn', { type: 'submit' }, t('common.search')));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (qIn.value.trim()) p.set('q', qIn.value.trim());
    if (stSel.value) p.set('state', stSel.value);
    ctx.navigate(`/register${p.toString() ? '?' + p : ''}`);
  });
  const info = h('div.search-info', { 'aria-live': 'polite' });
  const results = h('div.results', loading());
  main.append(pageHead('reg.title', 'reg.lead'), f, info, results);
  await loadIndustries().catch(() => null);

  const stateQ = st0 ? `&state=${encodeURIComponent(st0)}` : '';
  if (!q0) {
    let next = null;
    const list = h('div');
    const more = async () => {
      const r = await get(`/api/register?limit=50${stateQ}${next ? '&after=' + next : ''}`);
      list.append(r.items.length ? recordList(r.items) : (next ? '' : empty('reg.none')));
      next = r.next;
      moreBox.replaceChildren(...[pager(next, more)].filter(Boolean));
    };
    const moreBox = h('div');
    clear(results).append(list, moreBox);
    await more();
    return t('reg.title');
  }

  try {
    // The register page searches the register: publications have a page
    // of their own.
    const status = st0 || 'registered,cancelled,revoked';
    const r = await get(`/api/search?q=${encodeURIComponent(q0)}&status=${encodeURIComponent(status)}`);
    const items = (r.items || []).map((x) => ({
      id: x.application, state: x.status, name: x.name, certificate_number: x.certificate_number,
      industry: x.industry, registration_date: x.registration_date,
    }));
    info.replaceChildren(h('p', t('reg.found', { n: r.total ?? items.length, q: q0 })));
    clear(results).append(items.length ? recordList(items) : empty('reg.no_match'));
    return t('reg.title');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404 && e.code === 'no_route')) {
      clear(results).append(errorBox(e));
      return t('reg.title');
    }
  }
  // The registry has no search service yet: filter the register here.
  const needle = q0.toLowerCase();
  const hits = [];
  let next = null;
  let pages = 0;
  do {
    const r = await get(`/api/register?limit=200${stateQ}${next ? '&after=' + next : ''}`);
    for (const a of r.items) {
      const hay = `${a.name} ${a.certificate_number || ''} ${a.registration_number || ''} ${a.industry || ''} ${industryName(a.industry)}`.toLowerCase();
      if (hay.includes(needle)) hits.push(a);
    }
    next = r.next;
    pages += 1;
  } while (next && pages < SCAN_PAGES);
  info.replaceChildren(notice('info', t('reg.fallback')), h('p', t('reg.found', { n: hits.length, q: q0 })));
  clear(results).append(hits.length ? recordList(hits) : empty('reg.no_match'));
  return t('reg.title');
}
