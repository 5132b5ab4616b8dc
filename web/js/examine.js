// examine.js - the examiner's acts on one application: the one correction
// notice listing every defect (Art. 8), refusal on the grounds of Art. 9,
// publication (Art. 10), objection handling (Art. 11), registration
// (Art. 12), request decisions (Art. 17), cancellation (Art. 18) and
// revocation (Art. 23).
import { h, dv, clear, pathId } from './dom.js';
import { t, tv } from './i18n.js';
import { get, post } from './api.js';
import { card, form, field, checkbox, setFieldError, actionButton, toast, errorBox, notice, dl } from './ui.js';
import { loadFields, fieldLabel } from './ref.js';
import { fmtTime } from './format.js';

export function examinerPanel(a, reload) {
  const acts = new Set(a.actions || []);
  const out = h('div.action-result', { 'aria-live': 'polite' });
  const buttons = [];
  const run = (fn, msg) => async () => {
    clear(out);
    try {
      await fn();
      toast(msg);
      reload();
    } catch (e) { out.append(errorBox(e)); }
  };
  if (acts.has('publish')) buttons.push(actionButton(t('ex.publish'), run(() => post(`/api/applications/${a.id}/publish`), t('ex.published')), { confirm: t('ex.publish_confirm') }));
  if (acts.has('register')) buttons.push(actionButton(t('ex.register'), run(() => post(`/api/applications/${a.id}/register`), t('ex.registered')), { confirm: t('ex.register_confirm') }));
  const panels = [];
  if (acts.has('request_correction')) panels.push(correctionComposer(a, reload));
  if (acts.has('refuse')) panels.push(refusalForm(a, reload));
  if (acts.has('accept_late_reply') && (a.flags || []).includes('late_reply_pending')) panels.push(lateDecision(a, reload));
  if (acts.has('cancel_by_registry')) panels.push(reasonForm(a, 'cancel', reload));
  if (acts.has('revoke')) panels.push(reasonForm(a, 'revoke', reload));
  if (!buttons.length && !panels.length) return card(t('ex.title'), h('p.muted', t('ex.nothing')));
  return card(t('ex.title'), buttons.length ? h('div.actions', buttons) : null, out, ...panels);
}

// Art. 8: one notice lists every defect; each picked field gets its message.
function correctionComposer(a, reload) {
  const rows = h('div.defect-rows');
  const note = field({ label: t('ex.note'), path: 'corr-note', type: 'textarea', rows: 2 });
  const f = form({ class: 'stack', id: 'correction-form' }, [
    h('p.muted', t('ex.corr_lead')), rows, note,
    h('div.actions', h('button.btn', { type: 'submit' }, t('ex.corr_send')))], async () => {
    const defects = [];
    let bad = false;
    for (const r of rows.querySelectorAll('.defect-row')) {
      const chk = r.querySelector('input[type=checkbox]');
      const msg = r.querySelector('textarea');
      const w = r.querySelector('.field');
      setFieldError(w, '');
      if (!chk.checked) continue;
      if (!msg.value.trim()) { setFieldError(w, t('ex.corr_need_msg')); bad = true; continue; }
      defects.push({ field: chk.value, message: msg.value.trim() });
    }
    if (bad) return;
    if (!defects.length) { f.errorBox.append(notice('error', t('ex.corr_none'))); return; }
    const body = { defects };
    if (note.control.value.trim()) body.note = note.control.value.trim();
    await post(`/api/applications/${a.id}/correction`, body);
    toast(t('ex.corr_sent', { n: defects.length }));
    reload();
  });
  loadFields().then((fields) => {
    for (const fd of fields) {
      if (['source', 'structure', 'update', 'algorithm', 'evidence', 'other', 'declaration'].includes(fd.path)) continue;
      const id = `corr-${pathId(fd.path)}`;
      const chk = h('input', { type: 'checkbox', id, value: fd.path, name: 'defect' });
      const msg = field({ label: t('ex.corr_msg_for', { field: fieldLabel(fd.path) }), id: `${id}-msg`, type: 'textarea', rows: 2 });
      msg.hidden = true;
      chk.addEventListener('change', () => {
        msg.hidden = !chk.checked;
        if (chk.checked) msg.control.focus();
      });
      rows.append(h('div.defect-row', { dataset: { field: fd.path } },
        h('div.check-row', chk, h('label', { for: id }, fieldLabel(fd.path), ' ', h('code.muted', fd.path))), msg));
    }
  }).catch((e) => rows.append(errorBox(e)));
  return h('details.panel', { id: 'correction-panel' }, h('summary', t('ex.corr_title')), f);
}

function groundsChecks(prefix) {
  return h('fieldset.grounds', h('legend', t('ex.grounds')),
    [1, 2, 3, 4, 5, 6, 7].map((n) => checkbox({ id: `${prefix}-g${n}`, name: `${prefix}-grounds`, value: String(n), label: h('span', h('strong', t('ex.ground_no', { n })), ' ', t(`art9.${n}`)) })));
}

function pickedGrounds(root) {
  return Array.from(root.querySelectorAll('fieldset.grounds input:checked')).map((i) => Number(i.value));
}

function refusalForm(a, reload) {
  const grounds = groundsChecks('refuse');
  const text = field({ label: t('ex.refuse_text'), path: 'refuse-text', type: 'textarea', rows: 4, required: true });
  const f = form({ class: 'stack', id: 'refuse-form' }, [grounds, text, h('div.actions', h('button.btn.btn-danger', { type: 'submit' }, t('ex.refuse')))], async () => {
    setFieldError(text, '');
    const g = pickedGrounds(f);
    if (!g.length) { f.errorBox.append(notice('error', t('ex.grounds_none'))); return; }
    if (!text.control.value.trim()) { setFieldError(text, t('form.required')); return; }
    if (!window.confirm(t('ex.refuse_confirm'))) return;
    await post(`/api/applications/${a.id}/refuse`, { grounds: g, text: text.control.value.trim() });
    toast(t('ex.refused'));
    reload();
  });
  return h('details.panel', { id: 'refuse-panel' }, h('summary', t('ex.refuse_title')), f);
}

function lateDecision(a, reload) {
  const reason = field({ label: t('ex.late_reason'), path: 'late-reason', type: 'textarea', rows: 2 });
  const decide = (accept) => async () => {
    await post(`/api/applications/${a.id}/late-reply/decision`, { accept, reason: reason.control.value.trim() || undefined });
    toast(accept ? t('ex.late_accepted') : t('ex.late_rejected'));
    reload();
  };
  return h('details.panel', { open: true }, h('summary', t('ex.late_title')), h('p.muted', t('ex.late_lead')), reason,
    h('div.actions', actionButton(t('ex.accept'), decide(true)), actionButton(t('ex.reject'), decide(false), { kind: 'secondary' })));
}

function reasonForm(a, what, reload) {
  const reason = field({ label: t(`ex.${what}_reason`), path: `${what}-reason`, type: 'textarea', rows: 3, required: true });
  const f = form({ class: 'stack' }, [reason, h('div.actions', h('button.btn.btn-danger', { type: 'submit' }, t(`ex.${what}`)))], async () => {
    setFieldError(reason, '');
    if (!reason.control.value.trim()) { setFieldError(reason, t('form.required')); return; }
    if (!window.confirm(t(`ex.${what}_confirm`))) return;
    await post(`/api/applications/${a.id}/${what}`, { reason: reason.control.value.trim() });
    toast(t(`ex.${what}_done`));
    reload();
  });
  return h('details.panel', h('summary', t(`ex.${what}_title`)), f);
}

function evidenceLinks(list) {
  if (!list || !list.length) return '—';
  return h('ul.files', list.map((s) => h('li', h('a.file-link', { href: `/api/uploads/${s}`, target: '_blank', rel: 'noopener' }, t('content.open_file'), ' ', h('code.dv.sha', `${s.slice(0, 12)}…`)))));
}

// Art. 11: forward to the applicant, forward the answer to the objector,
// decide (upheld refuses the application on Art. 9 grounds).
export function examinerObjection(o, reload) {
  const box = h('div.obj-handling', h('p.muted', t('common.loading')));
  get(`/api/objections/${o.id}`).then((full) => {
    const parts = [dl([
      [t('obj.objector'), full.objector], full.contact ? [t('obj.contact'), full.contact] : null,
      [t('obj.grounds'), full.grounds], [t('obj.evidence'), evidenceLinks(full.evidence)],
      full.answer ? [t('obj.answer_text'), full.answer] : null,
      full.answer ? [t('obj.answer_evidence'), evidenceLinks(full.answer_evidence)] : null,
      full.supplement !== undefined ? [t('obj.supplement'), full.supplement || '—'] : null,
      full.supplement_evidence ? [t('obj.supplement_evidence'), evidenceLinks(full.supplement_evidence)] : null,
      full.decision ? [t('obj.decision'), full.decision] : null,
      full.decided_at ? [t('obj.decided_at'), fmtTime(full.decided_at)] : null,
    ])];
    const step = (verb, label) => {
      const text = field({ label: t('ex.obj_text'), id: `obj-${o.id}-${verb}-text`, type: 'textarea', rows: 2 });
      const f = form({ class: 'stack' }, [text, h('div.actions', h('button.btn', { type: 'submit' }, label))], async () => {
        await post(`/api/objections/${o.id}/${verb}`, text.control.value.trim() ? { text: text.control.value.trim() } : {});
        toast(t('ex.obj_done'));
        reload();
      });
      return h('details.panel', h('summary', label), f);
    };
    if (full.state === 'filed') parts.push(step('forward', t('ex.obj_forward')));
    if (full.state === 'answered') parts.push(step('forward-answer', t('ex.obj_forward_answer')));
    if (full.state === 'forwarded') parts.push(h('p.muted', t('ex.obj_wait_answer')));
    if (full.state === 'answer_forwarded') parts.push(h('p.muted', t('ex.obj_wait_supplement')));
    if (full.state === 'filed' || full.state === 'awaiting_decision') {
      const upheld = field({ label: t('ex.obj_outcome'), id: `obj-${o.id}-upheld`, type: 'select', options: [['false', t('ex.obj_not_upheld')], ['true', t('ex.obj_upheld')]] });
      const grounds = groundsChecks(`obj-${o.id}`);
      const text = field({ label: t('ex.obj_decision_text'), id: `obj-${o.id}-decision`, type: 'textarea', rows: 3, required: true });
      const sync = () => { grounds.hidden = upheld.control.value !== 'true'; };
      upheld.control.addEventListener('change', sync);
      sync();
      const f = form({ class: 'stack' }, [upheld, grounds, text, h('div.actions', h('button.btn', { type: 'submit' }, t('ex.obj_decide')))], async () => {
        setFieldError(text, '');
        if (!text.control.value.trim()) { setFieldError(text, t('form.required')); return; }
        const up = upheld.control.value === 'true';
        const body = { upheld: up, text: text.control.value.trim() };
        if (up) {
          body.grounds = pickedGrounds(f);
          if (!body.grounds.length) { f.errorBox.append(notice('error', t('ex.grounds_none'))); return; }
        }
        await post(`/api/objections/${o.id}/decide`, body);
        toast(t('ex.obj_decided'));
        reload();
      });
      parts.push(h('details.panel', h('summary', t('ex.obj_decide_title')), f));
    }
    box.replaceChildren(...parts);
  }).catch((e) => box.replaceChildren(errorBox(e)));
  return box;
}

// Art. 17: approve and announce, or reject, a pending request.
export function examinerRequest(q, reload) {
  if (q.state !== 'pending') return null;
  const reason = field({ label: t('ex.req_reason'), id: `req-${q.id}-reason`, type: 'textarea', rows: 2 });
  const decide = (accept) => async () => {
    await post(`/api/requests/${q.id}/decision`, { accept, reason: reason.control.value.trim() || undefined });
    toast(accept ? t('ex.req_approved') : t('ex.req_rejected'));
    reload();
  };
  return h('details.panel', h('summary', t('ex.req_decide')), reason,
    h('div.actions', actionButton(t('ex.approve'), decide(true)), actionButton(t('ex.reject'), decide(false), { kind: 'secondary' })));
}

