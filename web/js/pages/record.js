// One application: the public record (Art. 10 during publication, Art. 20
// after announcement) for everyone, the whole file for its parties and the
// examiners, with the acts each may take now.
import { h, dv, clear } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, post, ApiError, hasRole } from '../api.js';
import { card, stateBadge, flagBadge, errorBox, notice, dl, form, field, multiUpload, setFieldError, loading, empty } from '../ui.js';
import { fmtTime, fmtDate } from '../format.js';
import { contentView } from '../content.js';
import { loadFields, loadIndustries, industryName } from '../ref.js';
import { partyPanel, objectionAnswer } from '../party.js';
import { examinerPanel, examinerObjection, examinerRequest } from '../examine.js';

export default async function record(main, ctx) {
  const id = ctx.params.id;
  if (!/^\d+$/.test(id)) {
    main.append(notice('error', t('record.not_found')));
    return t('record.title');
  }
  await Promise.all([loadFields().catch(() => null), loadIndustries().catch(() => null)]);
  let a;
  try {
    a = await get(`/api/applications/${id}`);
  } catch (e) {
    main.append(h('div.page-head', h('h1', { tabindex: '-1' }, t('record.title'))),
      e instanceof ApiError && e.status === 404 ? notice('error', t('record.not_found')) : errorBox(e));
    return t('record.title');
  }
  const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });
  const inside = Array.isArray(a.actions);
  const name = a.name || (a.content && a.content.name) || '';
  const head = h('div.page-head.record-head',
    h('p.crumbs', h('a', { href: inside && hasRole('examiner') ? '/exam' : inside ? '/my' : a.state === 'publication' ? '/publications' : '/register' },
      inside && hasRole('examiner') ? t('nav.exam') : inside ? t('nav.my') : a.state === 'publication' ? t('nav.publications') : t('nav.register'))),
    h('h1', { tabindex: '-1' }, name ? dv(name) : t('record.untitled')),
    h('div.record-meta', stateBadge(a.state), h('span', t('record.number', { id: a.id })),
      a.certificate_number ? h('span', t('record.cert_no'), ' ', h('span.dv.mono', a.certificate_number)) : null,
      a.registration_number ? h('span', t('record.reg_no'), ' ', h('span.dv.mono', a.registration_number)) : null));
  main.append(head);
  if (!inside) {
    publicView(main, a);
    return name || t('record.title');
  }
  insideView(main, a, reload);
  return name || t('record.title');
}

function partiesList(list) {
  return h('ul.parties', (list || []).map((p) => h('li',
    dv(p.name), ' ', h('span.muted', tv('kind', p.kind)), ' ', h('span.dv.mono', p.id_number),
    p.confirmed === false ? h('span.badge.state-draft', t('record.unconfirmed')) : null)));
}

function publicView(main, a) {
  const facts = [];
  if (a.state === 'publication') facts.push([t('record.published_at'), fmtTime(a.published_at)]);
  if (a.registration_date) facts.push([t('record.registered_on'), fmtDate(a.registration_date)]);
  if (a.valid_until) facts.push([t('record.valid_until'), fmtDate(a.valid_until)]);
  if (a.industry) facts.push([t('record.industry'), dv(`${a.industry} ${a.industry_name || industryName(a.industry)}`)]);
  if (a.closed_at) facts.push([t('record.closed_at'), fmtTime(a.closed_at)]);
  const who = a.holders || a.applicants;
  if (who) facts.push([a.holders ? t('record.holders') : t('record.applicants'), partiesList(who)]);
  main.append(card(t('record.summary'), dl(facts), certLinks(a)));
  if (a.state === 'publication') main.append(notice('info', t('record.pub_notice')));
  main.append(card(a.state === 'publication' ? t('record.pub_content') : t('record.reg_content'), contentView(a.content || {})));
  if (a.state === 'publication') main.append(objectionForm(a));
}

// Art. 10: anyone may object during publication, with evidence.  The answer
// carries a token: the only key to follow the objection without an account.
function objectionForm(a) {
  const name = field({ label: t('obj.name'), path: 'obj-name', required: true, autocomplete: 'name', maxlength: 100 });
  const contact = field({ label: t('obj.contact'), path: 'obj-contact', required: true, hint: t('obj.contact_hint'), maxlength: 200 });
  const grounds = field({ label: t('obj.grounds'), path: 'obj-grounds', type: 'textarea', required: true, rows: 6, hint: t('obj.grounds_hint') });
  const evidence = multiUpload({ label: t('obj.evidence'), id: 'obj-evidence', required: true });
  const result = h('div');
  const f = form({ class: 'stack', id: 'objection-form' }, [
    name, contact, grounds, evidence,
    h('div.actions', h('button.btn', { type: 'submit' }, t('obj.submit'))),
  ], async () => {
    for (const w of [name, contact, grounds, evidence]) setFieldError(w, '');
    let bad = false;
    for (const w of [name, contact, grounds]) {
      if (!w.control.value.trim()) { setFieldError(w, t('form.required')); bad = true; }
    }
    if (evidence.pending) { setFieldError(evidence, t('upload.wait')); bad = true; }
    else if (!evidence.values().length) { setFieldError(evidence, t('obj.evidence_required')); bad = true; }
    if (bad) return;
    try {
      const r = await post(`/api/applications/${a.id}/objections`, {
        name: name.control.value.trim(), contact: contact.control.value.trim(),
        grounds: grounds.control.value.trim(), evidence: evidence.values(),
      });
      sessionStorage.setItem(`dipreg.objtoken.${r.id}`, r.token);
      f.replaceWith(h('div.token-box', { id: 'objection-filed', role: 'status' },
        h('h3', t('obj.filed_title')),
        h('p', t('obj.filed_no'), ' ', h('strong.dv.mono', { id: 'objection-id' }, String(r.id))),
        h('label', { for: 'objection-token' }, t('obj.token')),
        h('input.token', { id: 'objection-token', readonly: true, value: r.token, spellcheck: 'false' }),
        notice('warn', t('obj.keep_token')),
        h('p', h('a.btn', { href: `/objections/follow?id=${r.id}` }, t('obj.follow_now')))));
    } catch (e) {
      if (e instanceof ApiError && e.field) {
        const map = { name, contact, grounds, evidence };
        const w = map[e.field.replace(/\[.*$/, '')];
        if (w) setFieldError(w, e.message);
      }
      throw e;
    }
  });
  return card(t('obj.title'), h('p', t('obj.lead')), f, result);
}

// Arts. 12, 21: the electronic certificate of a registration.
function certLinks(a) {
  if (!a.certificate_number) return null;
  return h('div.actions.cert-links',
    h('a.btn.btn-secondary', { href: `/verify?cert=${a.certificate_number}` }, t('record.verify_cert')),
    h('a.btn.btn-secondary', { href: `/api/certificates/${a.certificate_number}/pdf`, target: '_blank', rel: 'noopener' }, t('record.cert_pdf')));
}

function deadlinesList(list) {
  if (!list || !list.length) return null;
  return h('ul.deadlines', list.map((d) => h(`li.deadline${d.flag ? '.is-' + d.flag : ''}`,
    h('span.dl-kind', tv('dl', d.kind)),
    h('span', t('dl.due', { at: fmtTime(d.due_at) })),
    h('span', t('dl.left', { n: d.working_days_left })),
    d.binds_party ? h('span.muted', t('dl.yours')) : h('span.muted', t('dl.registry')),
    flagBadge(d.flag))));
}

function insideView(main, a, reload) {
  const examiner = hasRole('examiner') || hasRole('admin');
  const facts = [
    [t('record.created_at'), fmtTime(a.created_at)],
    a.submitted_at ? [t('record.submitted_at'), fmtTime(a.submitted_at)] : null,
    a.published_at ? [t('record.published_at'), fmtTime(a.published_at)] : null,
    a.registration_date ? [t('record.registered_on'), fmtDate(a.registration_date)] : null,
    a.valid_until ? [t('record.valid_until'), fmtDate(a.valid_until)] : null,
    a.closed_at ? [t('record.closed_at'), fmtTime(a.closed_at)] : null,
    a.close_reason ? [t('record.close_reason'), tv('close', a.close_reason)] : null,
    a.withdraw_reason ? [t('record.withdraw_reason'), a.withdraw_reason] : null,
    a.refusal_grounds ? [t('record.refusal'), h('ul', a.refusal_grounds.map((g) => h('li', t(`art9.${g}`))))] : null,
    a.corrections ? [t('record.corrections'), String(a.corrections)] : null,
    [t('record.applicants'), partiesList(a.applicants)],
  ];
  main.append(card(t('record.summary'), dl(facts),
    a.flags && a.flags.length ? h('p.flags', a.flags.map((f) => h('span.badge.flag-warn', tv('appflag', f)))) : null,
    deadlinesList(a.deadlines), certLinks(a)));
  if (examiner) main.append(examinerPanel(a, reload));
  else main.append(partyPanel(a, reload));
  main.append(card(t('record.content'), contentView(a.content || {}, { examiner })));
  if (a.objections && a.objections.length) {
    const box = h('div');
    for (const o of a.objections) {
      box.append(h('div.objection', { id: `objection-${o.id}` },
        h('h3', t('obj.number', { id: o.id }), ' ', h(`span.badge.obj-${o.state}`, tv('objstate', o.state)), ' ', h('span.muted', fmtTime(o.filed_at))),
        o.objector ? dl([[t('obj.objector'), o.objector], [t('obj.grounds'), o.grounds], o.decision ? [t('obj.decision'), o.decision] : null]) : null,
        examiner ? examinerObjection(o, reload) : objectionAnswer(o, reload)));
    }
    main.append(card(t('record.objections'), box));
  }
  if (a.requests && a.requests.length) {
    main.append(card(t('record.requests'), h('div', a.requests.map((q) => h('div.request', { id: `request-${q.id}` },
      h('h3', tv('req', q.kind), ' ', h('span.muted', t('req.number', { id: q.id })), ' ', h(`span.badge.req-${q.state}`, tv('reqstate', q.state)), q.late ? h('span.badge.flag-warn', t('req.late')) : null),
      dl([[t('req.filed_at'), fmtTime(q.filed_at)], q.act_date ? [t('req.act_date'), fmtDate(q.act_date)] : null,
        q.decided_at ? [t('req.decided_at'), fmtTime(q.decided_at)] : null, q.decision ? [t('req.decision'), q.decision] : null,
        Object.keys(q.payload || {}).length ? [t('req.payload'), h('code.dv.json', JSON.stringify(q.payload))] : null]),
      examiner ? examinerRequest(q, reload) : null)))));
  }
  main.append(eventsCard(a.id));
}

function eventsCard(id) {
  const body = h('div', loading());
  const det = h('details.events', { id: 'events' }, h('summary', t('events.title')), body);
  let loaded = false;
  det.addEventListener('toggle', async () => {
    if (!det.open || loaded) return;
    loaded = true;
    try {
      const evs = await get(`/api/applications/${id}/events`);
      clear(body).append(evs.length ? h('div.table-wrap', { tabindex: '0' }, h('table.data',
        h('caption.visually-hidden', t('events.title')),
        h('thead', h('tr', ['events.at', 'events.actor', 'events.action', 'events.state', 'events.reason', 'events.deadline'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', evs.map((e) => h('tr',
          h('td', fmtTime(e.at)),
          h('td', tv('actor', e.actor_role), e.actor ? h('span.muted', ` #${e.actor}`) : null),
          h('td', tv('action', e.action)),
          h('td', e.from && e.to && e.from !== e.to ? [tv('state', e.from), ' → ', tv('state', e.to)] : e.to ? tv('state', e.to) : ''),
          h('td', e.reason ? dv(e.reason) : e.detail && e.detail.defects ? h('ul', e.detail.defects.map((d) => h('li.dv', d.message))) : ''),
          h('td', e.deadline ? [tv('dl', e.deadline), h('br'), fmtTime(e.deadline_due)] : '')))))) : empty());
    } catch (err) {
      clear(body).append(errorBox(err));
    }
  });
  return card(t('events.card'), h('p.muted', t('events.lead')), det);
}

