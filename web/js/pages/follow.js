// Following an objection without an account (Arts. 10, 11): the objection
// number and the token given at filing open its state, the notices sent to
// the objector, and the two acts left to the objector: adding evidence
// after the applicant's answer, and withdrawing.
import { h, clear } from '../dom.js';
import { t, tv } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { pageHead, card, field, form, notice, dl, errorBox, multiUpload, setFieldError, toast, empty } from '../ui.js';
import { fmtTime } from '../format.js';

export default async function follow(main, ctx) {
  const id0 = ctx.query.get('id') || '';
  const no = field({ label: t('follow.no'), path: 'follow-id', type: 'number', min: 1, inputmode: 'numeric', required: true, value: id0 });
  const tok = field({ label: t('follow.token'), path: 'follow-token', required: true, spellcheck: false, autocomplete: 'off', value: (id0 && sessionStorage.getItem(`dipreg.objtoken.${id0}`)) || '', hint: t('follow.token_hint') });
  const out = h('div', { id: 'follow-result' });
  const f = form({ class: 'stack narrow', id: 'follow-form' }, [no, tok, h('div.actions', h('button.btn', { type: 'submit' }, t('follow.open')))], async () => {
    setFieldError(no, '');
    setFieldError(tok, '');
    if (!/^\d+$/.test(no.control.value)) { setFieldError(no, t('form.required')); return; }
    if (!tok.control.value.trim()) { setFieldError(tok, t('form.required')); return; }
    await show(out, Number(no.control.value), tok.control.value.trim());
  });
  main.append(pageHead('follow.title', 'follow.lead'), card(null, f), out);
  if (id0 && tok.control.value) await show(out, Number(id0), tok.control.value).catch((e) => out.append(errorBox(e)));
  return t('follow.title');
}

async function show(out, id, token) {
  const hdr = { headers: { 'X-Objection-Token': token } };
  clear(out);
  let o;
  try {
    o = await api('GET', `/api/objections/${id}`, undefined, hdr);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) { out.append(notice('error', t('follow.not_found'))); return; }
    throw e;
  }
  sessionStorage.setItem(`dipreg.objtoken.${id}`, token);
  const reload = () => show(out, id, token).catch((e) => out.append(errorBox(e)));
  out.append(card(t('obj.number', { id: o.id }),
    dl([[t('follow.state'), h('span', h(`span.badge.obj-${o.state}`, tv('objstate', o.state)))],
      [t('follow.application'), h('a', { href: `/records/${o.application}` }, t('record.number', { id: o.application }))],
      [t('follow.filed_at'), fmtTime(o.filed_at)],
      [t('obj.grounds'), o.grounds],
      [t('obj.evidence'), t('follow.files', { n: (o.evidence || []).length })],
      o.answer ? [t('obj.answer_text'), o.answer] : null,
      o.supplement ? [t('obj.supplement'), o.supplement] : null,
      o.decision ? [t('obj.decision'), o.decision] : null,
      o.decided_at ? [t('obj.decided_at'), fmtTime(o.decided_at)] : null]),
    h('p.muted', t(`follow.next.${o.state}`))));
  if (o.state === 'answer_forwarded') {
    const text = field({ label: t('obj.supplement'), path: 'supp-text', type: 'textarea', rows: 4 });
    const ev = multiUpload({ label: t('obj.supplement_evidence'), id: 'supp-ev' });
    out.append(card(t('follow.supplement_title'), h('p.muted', t('follow.supplement_lead')), form({ class: 'stack' }, [text, ev, h('div.actions', h('button.btn', { type: 'submit' }, t('follow.supplement')))], async () => {
      if (ev.pending) { setFieldError(ev, t('upload.wait')); return; }
      await api('POST', `/api/objections/${id}/supplement`, { text: text.control.value.trim(), evidence: ev.values() }, hdr);
      toast(t('follow.supplemented'));
      reload();
    })));
  }
  if (['filed', 'forwarded', 'answered', 'answer_forwarded', 'awaiting_decision'].includes(o.state)) {
    const why = field({ label: t('follow.withdraw_reason'), path: 'wd-text', type: 'textarea', rows: 2 });
    out.append(h('details.panel', h('summary', t('follow.withdraw')), form({ class: 'stack' }, [why, h('div.actions', h('button.btn.btn-danger', { type: 'submit' }, t('follow.withdraw')))], async () => {
      if (!window.confirm(t('follow.withdraw_confirm'))) return;
      await api('POST', `/api/objections/${id}/withdraw`, why.control.value.trim() ? { text: why.control.value.trim() } : {}, hdr);
      toast(t('follow.withdrawn'));
      reload();
    })));
  }
  const msgs = await api('GET', `/api/objections/${id}/messages`, undefined, hdr);
  out.append(card(t('follow.messages'), msgs.items.length ? h('ul.inbox-list', msgs.items.map((m) => h('li.msg-static',
    h('div.msg-head', h('span.msg-kind', tv('msg', m.kind)), h('span.msg-subject.dv', m.subject), h('time', fmtTime(m.delivered_at))),
    h('pre.msg-text.dv', m.body)))) : empty('follow.no_messages')));
}
