// requests.js - requests after registration (Arts. 15-18) as the parties
// see them: the joint transfers waiting for this account to confirm or
// decline (Art. 16), and every request the account filed, or that concerns
// a registration it holds, with a withdrawal while the registry has not
// decided.
import { h, dv, nextId } from './dom.js';
import { t, tv } from './i18n.js';
import { get, post } from './api.js';
import { card, dl, empty, loading, errorBox, field, form, pager, actionButton, toast, notice } from './ui.js';
import { fmtTime, fmtDate, fmtList } from './format.js';

const PAGE = 50;
const OPEN = ['awaiting_party', 'pending'];

// GET /api/requests?{query} page after page into list; load(true) starts
// again from the newest and resolves to the first page.
function pagedList(query, list, moreBox, item, emptyKey) {
  let next = null;
  const load = async (reset) => {
    if (reset) { next = null; list.replaceChildren(h('li', loading())); }
    const r = await get(`/api/requests?${query}${query ? '&' : ''}limit=${PAGE}${next ? '&after=' + next : ''}`);
    if (reset) list.replaceChildren();
    if (!r.items.length && reset) list.append(h('li', empty(emptyKey)));
    for (const q of r.items) list.append(item(q));
    next = r.next;
    moreBox.replaceChildren(...[pager(next, () => load(false))].filter(Boolean));
    return r;
  };
  return load;
}

function datasetLink(q) {
  return h('a', { href: `/records/${q.application}` }, dv(q.name || t('record.untitled')));
}

// An act that ends a request, with its optional reason, in a panel as the
// portal's other withdrawals are; its errors (a 403 included) show in the
// form.
function reasonPanel(q, o) {
  const reason = field({ label: t('req.reason'), id: `${o.act}-${q.id}-reason`, type: 'textarea', rows: 2, hint: o.hint });
  const f = form({ class: 'stack' }, [reason, h('div.actions', h('button.btn.btn-danger', { type: 'submit' }, o.submit))], async () => {
    if (!window.confirm(o.prompt)) return;
    const why = reason.control.value.trim();
    const r = await post(`/api/requests/${q.id}/${o.act}`, why ? { reason: why } : {});
    toast(o.done(r));
    await o.after();
  });
  const summary = h('summary', o.label);
  if (o.describedBy) summary.setAttribute('aria-describedby', o.describedBy);
  return h('details.panel.compact', { id: `${o.act}-${q.id}` }, summary, f);
}

// After an act the list is drawn again and the button that was pressed is
// gone: the reader is put back at the card's title.
async function afterAct(box, refresh) {
  await refresh();
  const title = box.querySelector('.card-title');
  if (title) {
    title.setAttribute('tabindex', '-1');
    title.focus();
  }
}

// ---- the transferee: transfers awaiting its confirmation (Art. 16) ----

function awaitingItem(q, refresh) {
  const head = nextId('req');
  const confirm = actionButton(t('inbox.transfer_confirm'), async () => {
    const r = await post(`/api/requests/${q.id}/confirm`);
    toast(t('inbox.transfer_done', { id: r.id }));
    await refresh();
  }, { confirm: t('inbox.confirm_prompt') });
  confirm.setAttribute('aria-describedby', head);
  return h('li.request', { dataset: { id: q.id } },
    h('h3', { id: head }, datasetLink(q), ' ', h('span.muted', t('req.number', { id: q.id }))),
    dl([
      [t('record.reg_no'), q.registration_number ? h('span.dv.mono', q.registration_number) : dv('')],
      q.certificate_number ? [t('record.cert_no'), h('span.dv.mono', q.certificate_number)] : null,
      [t('req.holders'), dv(fmtList(q.holders || []))],
      [t('req.filed_at'), h('time', { datetime: q.filed_at }, fmtTime(q.filed_at))],
    ]),
    h('div.actions', confirm),
    reasonPanel(q, {
      act: 'decline', label: t('inbox.transfer_decline'), submit: t('inbox.decline_submit'), hint: t('inbox.decline_hint'),
      prompt: t('inbox.decline_prompt'), done: (r) => t('inbox.transfer_declined', { id: r.id }), after: refresh, describedBy: head,
    }));
}

// The card "Transfers awaiting your confirmation": hidden while none
// waits; once shown it stays, so that the reader sees the list empty
// after acting.  box.ready settles when the first page is in.
export function awaitingTransfers() {
  const list = h('ul.request-list', { id: 'awaiting-list' });
  const moreBox = h('div');
  const box = card(t('inbox.awaiting_title'), h('p.muted', t('inbox.awaiting_lead')), list, moreBox);
  box.id = 'awaiting-transfers';
  box.hidden = true;
  const fail = (e) => { box.hidden = false; list.replaceChildren(h('li', errorBox(e))); };
  const load = pagedList('awaiting=true', list, moreBox, (q) => awaitingItem(q, () => afterAct(box, () => load(true).catch(fail))), 'inbox.awaiting_none');
  box.ready = load(true).then((r) => { box.hidden = !r.items.length; }, fail);
  return box;
}

// ---- the account's own requests ----

function requestItem(q, awaiting, refresh) {
  const head = nextId('req');
  let act = null;
  if (awaiting.has(q.id)) {
    act = h('p', t('req.awaiting_you'), ' ', h('a', { href: '/inbox' }, t('req.awaiting_open')));
  } else if (OPEN.includes(q.state) && q.you !== 'transferee') {
    act = reasonPanel(q, {
      act: 'withdraw', label: t('req.withdraw'), submit: t('req.withdraw_submit'), hint: t('req.withdraw_hint'),
      prompt: t('req.withdraw_prompt'), done: (r) => t('req.withdrawn', { id: r.id }), after: refresh, describedBy: head,
    });
  }
  return h('li.request', { dataset: { id: q.id, state: q.state } },
    h('h3', { id: head }, tv('req', q.kind), ' ', h('span.muted', t('req.number', { id: q.id })), ' ',
      h(`span.badge.req-${q.state}`, tv('reqstate', q.state)), q.late ? [' ', h('span.badge.flag-warn', t('req.late'))] : null),
    dl([
      [t('req.dataset'), datasetLink(q)],
      q.registration_number ? [t('record.reg_no'), h('span.dv.mono', q.registration_number)] : null,
      [t('req.filed_at'), h('time', { datetime: q.filed_at }, fmtTime(q.filed_at))],
      q.act_date ? [t('req.act_date'), fmtDate(q.act_date)] : null,
      q.decided_at ? [t('req.decided_at'), h('time', { datetime: q.decided_at }, fmtTime(q.decided_at))] : null,
      // a withdrawal or a decline keeps its reason where a decision would be
      q.decision ? [q.state === 'withdrawn' || q.state === 'declined' ? t('req.reason') : t('req.decision'), q.decision] : null,
    ]),
    act);
}

// The card of the account's requests, newest first; the transfers it is
// asked to confirm point to the inbox instead of offering a withdrawal
// (the transferee declines there).  box.ready settles when the first page
// is in.
export function myRequests() {
  const list = h('ul.request-list', { id: 'request-list' });
  const moreBox = h('div');
  const note = h('div');
  const box = card(t('my.requests_title'), h('p.muted', t('my.requests_lead')), note, list, moreBox);
  box.id = 'my-requests';
  let awaiting = new Set();
  const fail = (e) => list.replaceChildren(h('li', errorBox(e)));
  const load = pagedList('', list, moreBox, (q) => requestItem(q, awaiting, () => afterAct(box, () => refresh().catch(fail))), 'my.requests_none');
  const refresh = async () => {
    const w = await get(`/api/requests?awaiting=true&limit=200`);
    awaiting = new Set(w.items.map((q) => q.id));
    note.replaceChildren(...(awaiting.size ? [notice('info', t('my.awaiting_notice', { n: awaiting.size }), ' ', h('a', { href: '/inbox' }, t('my.awaiting_open')))] : []));
    await load(true);
  };
  box.ready = refresh().catch(fail);
  return box;
}
