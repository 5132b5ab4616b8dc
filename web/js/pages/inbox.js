// Documents delivered to the account (送达, Art. 7): receipts, correction
// notices, decisions.  Opening one marks it read; the badge follows.  Above
// them, the transfers waiting for this account to confirm or decline
// (Art. 16).
import { h, clear } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, post, session, setUnread, hasRole } from '../api.js';
import { pageHead, notice, empty, pager, loading, errorBox } from '../ui.js';
import { fmtTime } from '../format.js';
import { awaitingTransfers } from '../requests.js';

export default async function inbox(main) {
  if (!session.account) {
    main.append(pageHead('inbox.title'), notice('info', t('apply.signin_first'), ' ', h('a', { href: '/signin?next=/inbox' }, t('nav.signin'))));
    return t('inbox.title');
  }
  const onlyUnread = h('input', { type: 'checkbox', id: 'only-unread' });
  const list = h('ul.inbox-list', { id: 'inbox-list' });
  const moreBox = h('div');
  // Only an applicant account is ever the transferee.
  const awaiting = hasRole('applicant') ? awaitingTransfers() : null;
  main.append(pageHead('inbox.title', 'inbox.lead'), ...[awaiting].filter(Boolean), h('div.check-row.toolbar', onlyUnread, h('label', { for: 'only-unread' }, t('inbox.only_unread'))),
    h('div.card', list, moreBox));
  let next = null;
  const load = async (reset) => {
    if (reset) { next = null; list.replaceChildren(h('li', loading())); }
    const r = await get(`/api/inbox?${onlyUnread.checked ? 'unread=true&' : ''}${next ? 'after=' + next : ''}`);
    if (reset) clear(list);
    setUnread(r.unread);
    if (!r.items.length && reset) list.append(h('li', empty('inbox.none')));
    for (const m of r.items) list.append(message(m));
    next = r.items.length >= 50 ? r.items[r.items.length - 1].id : null;
    moreBox.replaceChildren(...[pager(next, () => load(false))].filter(Boolean));
  };
  onlyUnread.addEventListener('change', () => load(true));
  await Promise.all([load(true), awaiting && awaiting.ready]);
  return t('inbox.title');
}

function message(m) {
  const unread = !m.read_at;
  const body = h('div.msg-body',
    h('pre.msg-text.dv', m.body || ''),
    m.application ? h('p', h('a', { href: `/records/${m.application}` }, t('inbox.open_app', { id: m.application }))) : null,
    m.kind === 'transfer_confirm' ? h('p.muted', t('inbox.transfer_see_list')) : null);
  const det = h(`details.msg${unread ? '.unread' : ''}`, { dataset: { id: m.id } },
    h('summary',
      unread ? h('span.dot', { role: 'img', 'aria-label': t('inbox.unread') }) : null,
      h('span.msg-kind', tv('msg', m.kind)),
      h('span.msg-subject.dv', m.subject),
      h('time', { datetime: m.delivered_at }, fmtTime(m.delivered_at))),
    body);
  det.addEventListener('toggle', async () => {
    if (!det.open || !det.classList.contains('unread')) return;
    try {
      await post(`/api/inbox/${m.id}/read`);
      det.classList.remove('unread');
      det.querySelector('.dot')?.remove();
      const u = await get('/api/inbox/unread');
      setUnread(u.unread);
    } catch (e) {
      body.append(errorBox(e));
    }
  });
  return h('li', det);
}
