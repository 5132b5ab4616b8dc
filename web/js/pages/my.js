// An applicant's own applications, newest first, with what each awaits;
// below them its requests after registration (Arts. 15-18).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, session, isParty } from '../api.js';
import { pageHead, card, notice, empty, pager, loading } from '../ui.js';
import { recordList } from '../records.js';
import { loadIndustries } from '../ref.js';
import { myRequests } from '../requests.js';

export default async function my(main) {
  if (!session.account) {
    main.append(pageHead('my.title'), notice('info', t('apply.signin_first'), ' ', h('a', { href: '/signin?next=/my' }, t('nav.signin'))));
    return t('my.title');
  }
  main.append(pageHead('my.title', 'my.lead', h('div.actions', isParty() ? h('a.btn', { href: '/apply', id: 'new-application' }, t('nav.apply')) : null,
    h('a.btn.btn-secondary', { href: '/inbox' }, t('nav.inbox'), session.unread ? ` (${session.unread})` : ''))));
  if (!isParty()) {
    main.append(notice('info', t('apply.parties_only')));
    return t('my.title');
  }
  await loadIndustries().catch(() => null);
  const filter = h('div.chips', { role: 'group', 'aria-label': t('my.filter') });
  const list = h('div', loading());
  const moreBox = h('div');
  const requests = myRequests();
  main.append(filter, card(null, list, moreBox), requests);
  const states = ['', 'draft', 'submitted', 'correction_requested', 'publication', 'registered', 'deemed_withdrawn'];
  let state = '';
  let next = null;
  const load = async (reset) => {
    if (reset) { next = null; list.replaceChildren(loading()); }
    const r = await get(`/api/applications?limit=50${state ? '&state=' + state : ''}${next ? '&after=' + next : ''}`);
    if (reset) list.replaceChildren();
    list.append(r.items.length ? recordList(r.items) : (reset ? empty('my.none') : ''));
    next = r.next;
    moreBox.replaceChildren(...[pager(next, () => load(false))].filter(Boolean));
  };
  for (const s of states) {
    const b = h('button.chip', { type: 'button', 'aria-pressed': String(s === state) }, s ? t(`state.${s}`) : t('my.all'));
    b.addEventListener('click', () => {
      state = s;
      filter.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      load(true);
    });
    filter.append(b);
  }
  await Promise.all([load(true), requests.ready]);
  return t('my.title');
}
