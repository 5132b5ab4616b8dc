// Administration: accounts and roles, the holiday calendar, the scheduler,
// and the audit log of every act and every read of confidential material.
import { h, dv, clear } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, post, api, session, hasRole } from '../api.js';
import { pageHead, card, notice, field, form, checkbox, toast, empty, pager, setFieldError, errorBox } from '../ui.js';
import { fmtTime } from '../format.js';

const ROLES = ['applicant', 'agent', 'examiner', 'admin'];

export default async function admin(main, ctx) {
  if (!hasRole('admin')) {
    main.append(pageHead('admin.title'), notice('info', t('admin.only'), ' ', session.account ? null : h('a', { href: '/signin?next=/admin' }, t('nav.signin'))));
    return t('admin.title');
  }
  const tab = ctx.query.get('tab') || 'accounts';
  main.append(pageHead('admin.title'), h('nav.tabs', { 'aria-label': t('admin.views') }, h('ul',
    ['accounts', 'calendar', 'scheduler', 'audit'].map((k) => h('li', h('a', { href: `/admin?tab=${k}`, 'aria-current': k === tab ? 'page' : null }, t(`admin.tab_${k}`)))))));
  if (tab === 'calendar') await calendar(main);
  else if (tab === 'scheduler') scheduler(main);
  else if (tab === 'audit') await audit(main, ctx);
  else await accounts(main);
  return t(`admin.tab_${tab}`);
}

function rolesBox(prefix, current) {
  return h('fieldset.roles', h('legend', t('admin.roles')),
    ROLES.map((r) => checkbox({ id: `${prefix}-role-${r}`, name: `${prefix}-roles`, value: r, checked: current.includes(r), label: tv('role', r) })));
}

const picked = (root) => Array.from(root.querySelectorAll('fieldset.roles input:checked')).map((i) => i.value);

async function accounts(main) {
  const tbody = h('tbody');
  const moreBox = h('div');
  let next = null;
  const row = (a) => {
    const tr = h('tr', { dataset: { login: a.login } },
      h('td', h('span.dv.mono', a.login)), h('td', dv(a.display_name)), h('td', tv('kind', a.kind)),
      h('td', (a.roles || []).map((r) => tv('role', r)).join(', ')), h('td', a.disabled ? t('admin.disabled') : t('admin.active')),
      h('td', editPanel(a, (b) => tr.replaceWith(row(b)))));
    return tr;
  };
  const more = async () => {
    const r = await get(`/api/admin/accounts${next ? '?after=' + next : ''}`);
    for (const a of r.items) tbody.append(row(a));
    next = r.next;
    moreBox.replaceChildren(...[pager(next, more)].filter(Boolean));
  };
  const create = createForm(async () => { clear(tbody); next = null; await more(); });
  main.append(card(t('admin.accounts'), h('div.table-wrap', { tabindex: '0' }, h('table.data', h('caption.visually-hidden', t('admin.accounts')),
    h('thead', h('tr', ['admin.login', 'admin.name', 'admin.kind', 'admin.roles', 'admin.status', 'admin.edit'].map((k) => h('th', { scope: 'col' }, t(k))))), tbody)), moreBox),
  card(t('admin.create'), create));
  await more();
}

function editPanel(a, done) {
  const roles = rolesBox(`acct-${a.id}`, a.roles || []);
  const disabled = checkbox({ id: `acct-${a.id}-disabled`, label: t('admin.disable'), checked: !!a.disabled });
  const pw = field({ label: t('admin.reset_pw'), id: `acct-${a.id}-pw`, type: 'password', autocomplete: 'new-password', hint: t('admin.reset_pw_hint') });
  const f = form({ class: 'stack' }, [roles, disabled, pw, h('div.actions', h('button.btn.btn-small', { type: 'submit' }, t('admin.save')))], async () => {
    const body = { roles: picked(f), disabled: disabled.control.checked };
    if (pw.control.value) body.password = pw.control.value;
    const r = await api('PATCH', `/api/admin/accounts/${a.id}`, body);
    toast(t('admin.saved'));
    done(r);
  });
  return h('details.panel.compact', h('summary', h('span', t('admin.edit')), h('span.visually-hidden', ` ${a.login}`)), f);
}

function createForm(after) {
  const login = field({ label: t('auth.login'), id: 'new-login', required: true, spellcheck: false });
  const name = field({ label: t('admin.name'), id: 'new-name', required: true });
  const kind = field({ label: t('admin.kind'), id: 'new-kind', type: 'select', options: ['natural', 'legal', 'org'].map((k) => [k, tv('kind', k)]) });
  const idn = field({ label: t('admin.id_number'), id: 'new-idn', required: true, spellcheck: false });
  const pw = field({ label: t('auth.password'), id: 'new-pw', type: 'password', autocomplete: 'new-password', required: true, hint: t('auth.password_hint') });
  const roles = rolesBox('new', ['examiner']);
  const all = { login, display_name: name, id_number: idn, password: pw };
  const f = form({ class: 'stack', id: 'create-account' }, [login, name, kind, idn, pw, roles, h('div.actions', h('button.btn', { type: 'submit' }, t('admin.create_btn')))], async () => {
    Object.values(all).forEach((w) => setFieldError(w, ''));
    try {
      await post('/api/admin/accounts', { login: login.control.value.trim(), display_name: name.control.value.trim(), kind: kind.control.value, id_number: idn.control.value.trim(), password: pw.control.value, roles: picked(f) });
    } catch (e) {
      if (e.field && all[e.field]) setFieldError(all[e.field], e.message);
      throw e;
    }
    toast(t('admin.created'));
    f.reset();
    await after();
  });
  return f;
}

async function calendar(main) {
  const r = await get('/api/admin/calendar');
  const text = field({ label: t('admin.cal_text'), id: 'cal-text', type: 'textarea', rows: 18, value: r.text, hint: t('admin.cal_hint'), spellcheck: false });
  text.control.classList.add('mono');
  main.append(card(t('admin.tab_calendar'), form({ class: 'stack', id: 'calendar-form' }, [text, h('div.actions', h('button.btn', { type: 'submit' }, t('admin.cal_save')))], async () => {
    const out = await api('PUT', '/api/admin/calendar', { text: text.control.value });
    text.control.value = out.text;
    toast(t('admin.cal_saved'));
  })));
}

function scheduler(main) {
  const out = h('div', { 'aria-live': 'polite' });
  main.append(card(t('admin.tab_scheduler'), h('p', t('admin.tick_lead')), form({ class: 'stack', id: 'tick-form' }, [h('div.actions', h('button.btn', { type: 'submit' }, t('admin.tick')))], async () => {
    const r = await post('/api/admin/tick');
    clear(out).append(notice('ok', t('admin.tick_done', { n: r.applied })));
  }), out));
}

async function audit(main, ctx) {
  const actor = field({ label: t('admin.audit_actor'), id: 'audit-actor', type: 'number', min: 1, value: ctx.query.get('actor') || '' });
  const object = field({ label: t('admin.audit_object'), id: 'audit-object', value: ctx.query.get('object') || '', hint: t('admin.audit_object_hint') });
  const f = form({ class: 'filters', id: 'audit-filter' }, [actor, object, h('div.actions', h('button.btn', { type: 'submit' }, t('common.filter')))], async () => {
    const p = new URLSearchParams({ tab: 'audit' });
    if (actor.control.value) p.set('actor', actor.control.value);
    if (object.control.value.trim()) p.set('object', object.control.value.trim());
    ctx.navigate(`/admin?${p}`);
  });
  const tbody = h('tbody');
  const moreBox = h('div');
  main.append(card(t('admin.tab_audit'), f, h('div.table-wrap', { tabindex: '0' }, h('table.data', h('caption.visually-hidden', t('admin.tab_audit')),
    h('thead', h('tr', ['admin.a_at', 'admin.a_actor', 'admin.a_action', 'admin.a_object', 'admin.a_detail', 'admin.a_addr'].map((k) => h('th', { scope: 'col' }, t(k))))), tbody)), moreBox));
  let next = null;
  const q = new URLSearchParams();
  if (ctx.query.get('actor')) q.set('actor', ctx.query.get('actor'));
  if (ctx.query.get('object')) q.set('object', ctx.query.get('object'));
  const more = async () => {
    const p = new URLSearchParams(q);
    if (next) p.set('after', next);
    const r = await get(`/api/admin/audit?${p}`);
    if (!r.items.length && !next) tbody.append(h('tr', h('td', { colspan: '6' }, empty())));
    for (const a of r.items) {
      tbody.append(h('tr', h('td', fmtTime(a.at)), h('td', a.actor ? h('span.dv', `#${a.actor}`) : t('actor.system')), h('td', h('code.dv', a.action)), h('td', h('code.dv', a.object)), h('td', dv(a.detail)), h('td', h('span.dv.mono', a.addr))));
    }
    next = r.next;
    moreBox.replaceChildren(...[pager(next, more)].filter(Boolean));
  };
  await more().catch((e) => moreBox.append(errorBox(e)));
}

