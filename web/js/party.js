// party.js - what an applicant (or agency) may do with an application now:
// offered from the application's own "actions" list, so the portal never
// offers an act the registry would refuse at this stage.
import { h, dv, clear } from './dom.js';
import { t, tv } from './i18n.js';
import { post, ApiError, isParty } from './api.js';
import { card, notice, form, field, uploadField, multiUpload, setFieldError, actionButton, toast, errorBox } from './ui.js';
import { fieldLabel } from './ref.js';
import { fmtDate, todayInZone } from './format.js';

export function defectList(defects, id) {
  return h('ul.defects', defects.map((d) => h('li',
    h('strong', fieldLabel(d.field)), ' ', h('code.muted', d.field), h('br'), dv(d.message))));
}

export function partyPanel(a, reload) {
  const acts = new Set(a.actions || []);
  if (!isParty() || !acts.size) return h('div');
  const box = h('div.action-grid');
  const out = h('div.action-result', { 'aria-live': 'polite' });
  const links = [];
  if (acts.has('reply_correction')) links.push(h('a.btn', { href: `/apply/${a.id}?mode=reply`, id: 'act-reply' }, t('act.reply')));
  if (acts.has('late_reply')) links.push(h('a.btn', { href: `/apply/${a.id}?mode=late`, id: 'act-late' }, t('act.late_reply')));
  if (acts.has('edit')) links.push(h('a.btn.btn-secondary', { href: `/apply/${a.id}`, id: 'act-edit' }, t('act.edit')));
  if (acts.has('confirm')) {
    links.push(actionButton(t('act.confirm'), async () => {
      try {
        await post(`/api/applications/${a.id}/confirm`);
        toast(t('act.confirmed'));
        reload();
      } catch (e) { clear(out).append(errorBox(e)); }
    }, { kind: 'secondary' }));
  }
  if (acts.has('submit')) {
    links.push(actionButton(t('act.submit'), async () => {
      clear(out);
      try {
        await post(`/api/applications/${a.id}/submit`);
        toast(t('act.submitted'));
        reload();
      } catch (e) {
        if (e instanceof ApiError && e.defects.length) {
          sessionStorage.setItem(`dipreg.defects.${a.id}`, JSON.stringify(e.defects));
          out.append(notice('error', h('strong', t('form.defects_title', { n: e.defects.length }))), defectList(e.defects),
            h('p', h('a.btn', { href: `/apply/${a.id}` }, t('act.fix'))));
        } else out.append(errorBox(e));
      }
    }));
  }
  if (acts.has('renew')) {
    links.push(actionButton(t('act.renew'), async () => {
      clear(out);
      try {
        await post(`/api/applications/${a.id}/renew`);
        toast(t('act.renewed'));
        reload();
      } catch (e) { out.append(errorBox(e)); }
    }, { kind: 'secondary', confirm: t('act.renew_confirm') }));
  }
  box.append(h('div.actions', links));
  const panels = [];
  if (acts.has('withdraw')) panels.push(withdrawForm(a, reload));
  if (acts.has('file_request')) panels.push(requestForm(a, reload));
  const hint = a.state === 'registered' && a.valid_until ? h('p.muted', t('act.renew_hint', { date: fmtDate(a.valid_until) })) : null;
  return card(t('act.title'), h('p.muted', t('act.lead')), box, hint, out, ...panels);
}

function withdrawForm(a, reload) {
  const reason = field({ label: t('act.withdraw_reason'), path: 'withdraw-reason', type: 'textarea', rows: 3, hint: t('act.withdraw_hint') });
  const f = form({ class: 'stack' }, [reason, h('div.actions', h('button.btn.btn-danger', { type: 'submit' }, t('act.withdraw')))], async () => {
    if (!window.confirm(t('act.withdraw_confirm'))) return;
    await post(`/api/applications/${a.id}/withdraw`, reason.control.value.trim() ? { reason: reason.control.value.trim() } : {});
    toast(t('act.withdrawn'));
    reload();
  });
  return h('details.panel', h('summary', t('act.withdraw')), f);
}

const HOLDER_EVENTS = ['merger', 'split', 'dissolution', 'bankruptcy', 'death', 'rename'];
const FREQS = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular', 'static'];

// Arts. 15, 16, 18: changes, filings of transactions, pledges and licences,
// transfers and cancellation, each with the fields it needs.
function requestForm(a, reload) {
  const c = a.content || {};
  const kind = field({ label: t('req.kind'), path: 'req-kind', type: 'select', options: ['change', 'transaction', 'pledge', 'licence', 'transfer', 'cancel'].map((k) => [k, tv('req', k)]) });
  // change
  const holderEvent = field({ label: t('req.holder_event'), path: 'req-holder-event', type: 'select', options: [['', t('req.holder_none')], ...HOLDER_EVENTS.map((k) => [k, tv('holder', k)])] });
  const freq = field({ label: fieldLabel('update.frequency'), path: 'req-freq', type: 'select', value: (c.update || {}).frequency, options: FREQS.map((k) => [k, tv('freq', k)]) });
  const updDesc = field({ label: fieldLabel('update.description'), path: 'req-upd-desc', value: (c.update || {}).description || '' });
  const srcDesc = field({ label: fieldLabel('source.description'), path: 'req-src-desc', type: 'textarea', rows: 3, value: (c.source || {}).description || '' });
  const other = field({ label: fieldLabel('other.status'), path: 'req-other', type: 'textarea', rows: 2, value: (c.other || {}).status || '' });
  const changeBox = h('fieldset.sub', h('legend', t('req.change_legend')), holderEvent, srcDesc, freq, updDesc, other);
  // filings
  const actDate = field({ label: t('req.act_date'), path: 'req-act-date', type: 'date', max: todayInZone(), hint: t('req.act_hint') });
  const cp = field({ label: t('req.counterparty'), path: 'req-counterparty', maxlength: 600 });
  const amount = field({ label: t('req.amount'), path: 'req-amount', type: 'number', min: 0, step: 1, inputmode: 'numeric' });
  const filingBox = h('fieldset.sub', h('legend', t('req.filing_legend')), actDate, cp, amount);
  // transfer
  const toLogin = field({ label: t('req.to_login'), path: 'req-to', autocomplete: 'off', hint: t('req.to_hint') });
  const uni = field({ label: t('req.unilateral'), path: 'req-unilateral', type: 'select', options: [0, 1, 2, 3, 4].map((n) => [String(n), t(`art16.${n}`)]) });
  const doc = uploadField({ label: t('req.legal_doc'), path: 'req-doc' });
  const transferBox = h('fieldset.sub', h('legend', t('req.transfer_legend')), toLogin, uni, doc);
  // cancel
  const why = field({ label: t('req.cancel_reason'), path: 'req-cancel-reason', type: 'textarea', rows: 2 });
  const cancelBox = h('fieldset.sub', h('legend', t('req.cancel_legend')), why);
  const show = () => {
    const k = kind.control.value;
    changeBox.hidden = k !== 'change';
    filingBox.hidden = !['transaction', 'pledge', 'licence'].includes(k);
    transferBox.hidden = k !== 'transfer';
    cancelBox.hidden = k !== 'cancel';
  };
  kind.control.addEventListener('change', show);
  show();
  const f = form({ class: 'stack', id: 'request-form' }, [kind, changeBox, filingBox, transferBox, cancelBox,
    h('div.actions', h('button.btn', { type: 'submit' }, t('req.file')))], async () => {
    const k = kind.control.value;
    const body = { kind: k };
    if (k === 'change') {
      const changes = {};
      const src = { ...(c.source || {}) };
      if (srcDesc.control.value.trim() !== (src.description || '')) changes.source = { ...src, description: srcDesc.control.value.trim() };
      const upd = { ...(c.update || {}) };
      if (freq.control.value !== upd.frequency || updDesc.control.value.trim() !== (upd.description || '')) {
        changes.update = { ...upd, frequency: freq.control.value };
        if (updDesc.control.value.trim()) changes.update.description = updDesc.control.value.trim();
        else delete changes.update.description;
      }
      if (other.control.value.trim() !== ((c.other || {}).status || '')) changes.other = { status: other.control.value.trim() };
      body.payload = {};
      if (Object.keys(changes).length) body.payload.changes = changes;
      if (holderEvent.control.value) body.payload.holder_event = holderEvent.control.value;
    } else if (k === 'transfer') {
      body.counterparty = toLogin.control.value.trim();
      body.unilateral = Number(uni.control.value);
      if (doc.value()) body.legal_document = doc.value();
    } else if (k === 'cancel') {
      body.payload = why.control.value.trim() ? { reason: why.control.value.trim() } : {};
    } else {
      body.act_date = actDate.control.value;
      body.payload = { counterparty: cp.control.value.trim() };
      if (amount.control.value !== '') body.payload.amount = Number(amount.control.value);
    }
    const r = await post(`/api/applications/${a.id}/requests`, body);
    toast(t('req.filed', { id: r.id }) + (r.late ? ' ' + t('req.late_note') : ''));
    reload();
  });
  return h('details.panel', { id: 'request-panel' }, h('summary', t('req.title')), h('p.muted', t('req.lead')), f);
}

// Art. 11: the applicant answers a forwarded objection with evidence.
export function objectionAnswer(o, reload) {
  if (!isParty() || o.state !== 'forwarded') return null;
  const text = field({ label: t('obj.answer_text'), path: `ans-${o.id}`, type: 'textarea', rows: 4, required: true });
  const ev = multiUpload({ label: t('obj.answer_evidence'), id: `ans-ev-${o.id}` });
  const f = form({ class: 'stack' }, [text, ev, h('div.actions', h('button.btn', { type: 'submit' }, t('obj.answer')))], async () => {
    setFieldError(text, '');
    if (!text.control.value.trim()) { setFieldError(text, t('form.required')); return; }
    if (ev.pending) { setFieldError(ev, t('upload.wait')); return; }
    await post(`/api/objections/${o.id}/answer`, { text: text.control.value.trim(), evidence: ev.values() });
    toast(t('obj.answered'));
    reload();
  });
  return h('details.panel', { open: true }, h('summary', t('obj.answer_title')), h('p.muted', t('obj.answer_lead')), f);
}

