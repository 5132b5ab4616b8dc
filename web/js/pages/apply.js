// The application form: the ten items of Art. 5 and the declaration of
// Art. 23, labelled as the registry names them (GET /api/reference/fields).
// Drafts save leniently; submission (Art. 7) or a reply to a correction
// notice (Art. 8) is checked completely and every defect the registry
// finds is shown at its field at once.
import { h, dv, clear, pathId } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, post, api, ApiError, session, isParty } from '../api.js';
import { pageHead, card, notice, field, checkbox, uploadField, setFieldError, errorBox, toast } from '../ui.js';
import { loadFields, loadIndustries, fieldLabel, fieldInfo } from '../ref.js';
import { todayInZone } from '../format.js';
import { defectList } from '../party.js';
import { getPath } from '../content.js';

const SOURCE_KINDS = ['own', 'collected', 'public_authorised', 'agreement', 'purchased', 'other'];
const FREQS = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular', 'static'];
const EVIDENCE = ['deposit', 'notarisation', 'none'];

function req(path) {
  const f = fieldInfo(path);
  return !!(f && f.required);
}

function conf(path) {
  const f = fieldInfo(path);
  return !!(f && f.confidential);
}

// A text-like field for an Art. 5 path.
function f5(path, c, extra = {}) {
  const v = getPath(c, path);
  return field({ label: fieldLabel(path), path, required: req(path), confidential: conf(path), value: v ?? '', hint: extra.hintKey ? t(extra.hintKey) : null, ...extra });
}

function industryPicker(value, items) {
  const id = pathId('industry');
  const search = h('input', { type: 'search', id: `${id}-search`, placeholder: t('ind.search_ph'), autocomplete: 'off' });
  const chosen = h('p.ind-chosen', { 'aria-live': 'polite' });
  const list = h('ul.ind-list');
  let section = null;
  for (const it of items) {
    const rid = `ind-${it.code}`;
    const li = h(`li.ind-${it.level}`, { dataset: { code: it.code, section: it.section, text: `${it.code} ${it.name}`.toLowerCase() } },
      h('input', { type: 'radio', name: 'industry', id: rid, value: it.code, checked: it.code === value }),
      h('label', { for: rid }, h('span.ind-code', it.code), ' ', h('span.dv', it.name)));
    if (it.level === 'section') section = li;
    list.append(li);
    void section;
  }
  const update = () => {
    const c = list.querySelector('input:checked');
    clear(chosen);
    if (c) chosen.append(t('ind.chosen'), ' ', h('strong.dv', c.closest('li').querySelector('label').textContent));
    else chosen.append(t('ind.none'));
  };
  list.addEventListener('change', update);
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    const matchSections = new Set();
    for (const li of list.children) {
      const hit = !q || li.dataset.text.includes(q);
      li.hidden = !hit;
      if (hit) matchSections.add(li.dataset.section);
    }
    if (q) {
      // keep the section heading of every matching division visible
      for (const li of list.children) if (li.classList.contains('ind-section') && matchSections.has(li.dataset.section)) li.hidden = false;
    }
  });
  update();
  const fs = h('fieldset.field.industry-picker', { dataset: { path: 'industry' }, id },
    h('legend', fieldLabel('industry'), h('span.req', { 'aria-hidden': 'true' }, ' *')),
    h('p.hint', t('ind.hint')),
    h('label.small', { for: `${id}-search` }, t('ind.search')), search, chosen,
    h('div.ind-scroll', { tabindex: '0', role: 'group', 'aria-label': t('ind.list') }, list),
    h('p.field-error', { id: `${id}-err`, hidden: true }));
  fs.control = search;
  fs.value = () => { const c = list.querySelector('input:checked'); return c ? c.value : ''; };
  return fs;
}

function fieldsEditor(list) {
  const rows = h('div.rows');
  let n = 0;
  const addRow = (name = '', format = '') => {
    n += 1;
    const k = n;
    const nm = h('input', { type: 'text', id: `sf-name-${k}`, value: name, maxlength: 100 });
    const fm = h('input', { type: 'text', id: `sf-format-${k}`, value: format, maxlength: 100, placeholder: 'varchar(64)' });
    const row = h('div.row-pair',
      h('div', h('label.small', { for: nm.id }, t('sf.name', { n: k })), nm),
      h('div', h('label.small', { for: fm.id }, t('sf.format', { n: k })), fm),
      h('button.btn.btn-small.btn-secondary', { type: 'button', 'aria-label': t('sf.remove', { n: k }), onclick: () => row.remove() }, t('sf.remove_short')));
    rows.append(row);
    return nm;
  };
  (Array.isArray(list) && list.length ? list : [{}, {}]).forEach((f) => addRow(f.name || '', f.format || ''));
  const wrap = h('fieldset.field.fields-editor', { dataset: { path: 'structure.fields' }, id: pathId('structure.fields') },
    h('legend', fieldLabel('structure.fields'), h('span.req', { 'aria-hidden': 'true' }, ' *'), h('span.tag-conf', t('form.confidential'))),
    h('p.hint', t('sf.hint')), rows,
    h('button.btn.btn-small.btn-secondary', { type: 'button', id: 'sf-add', onclick: () => addRow().focus() }, t('sf.add')),
    h('p.field-error', { id: `${pathId('structure.fields')}-err`, hidden: true }));
  wrap.control = rows.querySelector('input');
  wrap.value = () => Array.from(rows.querySelectorAll('.row-pair')).map((r) => {
    const [a, b] = r.querySelectorAll('input');
    return { name: a.value.trim(), format: b.value.trim() };
  }).filter((x) => x.name || x.format);
  return wrap;
}

function fingerprintHelp() {
  return h('details.help', { id: 'fp-help' }, h('summary', t('fp.title')),
    h('p', t('fp.p1')),
    h('pre.cmd', { tabindex: '0' }, h('code', 'dipreg fingerprint /path/to/dataset')),
    h('p', t('fp.p2')),
    h('pre.cmd', { tabindex: '0' }, h('code', 'sha256:3f8a…c21e')),
    h('p', t('fp.p3')),
    h('p', h('a', { href: '/help/fingerprint' }, t('fp.more'))));
}

export default async function apply(main, ctx) {
  if (!session.account) {
    main.append(pageHead('apply.title'), notice('info', t('apply.signin_first'), ' ', h('a', { href: `/signin?next=${encodeURIComponent(location.pathname + location.search)}` }, t('nav.signin'))));
    return t('apply.title');
  }
  if (!isParty()) {
    main.append(pageHead('apply.title'), notice('info', t('apply.parties_only')));
    return t('apply.title');
  }
  let id = ctx.params.id ? Number(ctx.params.id) : 0;
  const mode = ctx.query.get('mode') || (id ? 'edit' : 'new');
  const [, industries] = await Promise.all([loadFields(), loadIndustries()]);
  let app = null;
  if (id) app = await get(`/api/applications/${id}`);
  const c = (app && app.content) || {};
  const titleKey = mode === 'reply' ? 'apply.reply_title' : mode === 'late' ? 'apply.late_title' : id ? 'apply.edit_title' : 'apply.title';
  main.append(pageHead(titleKey, mode === 'reply' || mode === 'late' ? 'apply.reply_lead' : 'apply.lead'));

  const summary = h('div.form-errors', { id: 'form-summary', tabindex: '-1', 'aria-live': 'assertive' });
  main.append(summary);
  // The correction notice being answered, with its defects marked below.
  let notified = [];
  if (mode === 'reply' || mode === 'late') {
    try {
      const evs = await get(`/api/applications/${id}/events`);
      const last = evs.filter((e) => e.action === 'request_correction').pop();
      notified = (last && last.detail && last.detail.defects) || [];
    } catch (e) { notified = []; }
    if (notified.length) {
      main.append(card(t('apply.notice_title'), h('p', t('apply.notice_lead')), defectList(notified)));
    }
  }
  const stored = sessionStorage.getItem(`dipreg.defects.${id}`);

  // (1)-(3)
  const name = f5('name', c, { hintKey: 'hint.name', maxlength: 100 });
  const industry = industryPicker(c.industry || '', industries);
  const scenario = f5('scenario', c, { type: 'textarea', hintKey: 'hint.scenario', rows: 4 });
  // (4)
  const srcKind = field({ label: fieldLabel('source.kind'), path: 'source.kind', type: 'select', required: true, value: getPath(c, 'source.kind') || '', options: [['', t('form.choose')], ...SOURCE_KINDS.map((k) => [k, tv('source', k)])] });
  const srcDesc = f5('source.description', c, { type: 'textarea', rows: 3, hintKey: 'hint.source' });
  const formed = f5('source.formed_on', c, { type: 'date', max: todayInZone() });
  const agrEnd = f5('source.agreement_end', c, { type: 'date', hintKey: 'hint.agreement_end' });
  const proof = uploadField({ label: fieldLabel('source.lawful_proof'), path: 'source.lawful_proof', required: true, confidential: true, value: getPath(c, 'source.lawful_proof') || '', hint: t('hint.lawful_proof') });
  const syncAgr = () => { agrEnd.hidden = !['public_authorised', 'agreement'].includes(srcKind.control.value); };
  srcKind.control.addEventListener('change', syncAgr);
  syncAgr();
  // (5)
  const sfields = fieldsEditor(getPath(c, 'structure.fields'));
  const records = f5('structure.records', c, { type: 'number', min: 1, step: 1, inputmode: 'numeric' });
  const bytes = f5('structure.bytes', c, { type: 'number', min: 1, step: 1, inputmode: 'numeric', hintKey: 'hint.bytes' });
  // (6)
  const freq = field({ label: fieldLabel('update.frequency'), path: 'update.frequency', type: 'select', required: true, value: getPath(c, 'update.frequency') || '', options: [['', t('form.choose')], ...FREQS.map((k) => [k, tv('freq', k)])] });
  const updDesc = f5('update.description', c, { hintKey: 'hint.update' });
  // (7)
  const algo = f5('algorithm.summary', c, { type: 'textarea', rows: 4, hintKey: 'hint.algorithm' });
  const personal = checkbox({ label: fieldLabel('algorithm.personal_data'), path: 'algorithm.personal_data', checked: !!getPath(c, 'algorithm.personal_data') });
  const publicD = checkbox({ label: fieldLabel('algorithm.public_data'), path: 'algorithm.public_data', checked: !!getPath(c, 'algorithm.public_data') });
  const anon = f5('algorithm.anonymisation', c, { type: 'textarea', rows: 3, hintKey: 'hint.anonymisation', required: true });
  const syncAnon = () => { anon.hidden = !(personal.control.checked || publicD.control.checked); };
  personal.control.addEventListener('change', syncAnon);
  publicD.control.addEventListener('change', syncAnon);
  syncAnon();
  // (8)
  const evKind = field({ label: fieldLabel('evidence.kind'), path: 'evidence.kind', type: 'select', required: true, value: getPath(c, 'evidence.kind') || '', options: [['', t('form.choose')], ...EVIDENCE.map((k) => [k, tv('evidence', k)])] });
  const fp = f5('evidence.fingerprint', c, { hintKey: 'hint.fingerprint', spellcheck: false, placeholder: 'sha256:…', maxlength: 71 });
  const depId = f5('evidence.deposit_id', c, { type: 'number', min: 1, step: 1, inputmode: 'numeric', hintKey: 'hint.deposit', required: true });
  const notNo = f5('evidence.notary_number', c, { required: true });
  const notDate = f5('evidence.notary_date', c, { type: 'date', max: todayInZone(), required: true });
  const notScan = uploadField({ label: fieldLabel('evidence.notary_scan'), path: 'evidence.notary_scan', required: true, confidential: true, value: getPath(c, 'evidence.notary_scan') || '' });
  const noneWarn = notice('warn', t('hint.no_evidence'));
  // Art. 9 (3): deposit the fingerprint on this platform, before submission.
  const depOut = h('p.upload-status', { 'aria-live': 'polite' });
  const depBtn = h('button.btn.btn-small.btn-secondary', { type: 'button', id: 'btn-deposit' }, t('dep.button'));
  depBtn.addEventListener('click', async () => {
    setFieldError(fp, '');
    clear(depOut);
    const v = fp.control.value.trim();
    if (!v) { setFieldError(fp, t('dep.need_fp')); fp.control.focus(); return; }
    depBtn.disabled = true;
    try {
      const r = await post('/api/deposits', { fingerprint: v });
      const newId = r.entry && r.entry.deposit;
      if (newId) depIdCtl().value = String(newId);
      depOut.append(h('span.ok-mark', '✓ '), t('dep.done', { id: newId, n: r.index }), ' ',
        h('a', { href: `/api/deposits/${newId}/receipt`, target: '_blank', rel: 'noopener' }, t('dep.receipt')));
    } catch (e) {
      setFieldError(e.field === 'fingerprint' ? fp : depBox, e.message);
    } finally {
      depBtn.disabled = false;
    }
  });
  const depBox = h('div.field.deposit-box', h('div.actions', depBtn), depOut, h('p.field-error', { hidden: true }));
  const depIdCtl = () => depId.control;
  const syncEv = () => {
    const k = evKind.control.value;
    depId.hidden = k !== 'deposit';
    depBox.hidden = k !== 'deposit';
    for (const w of [notNo, notDate, notScan]) w.hidden = k !== 'notarisation';
    noneWarn.hidden = k !== 'none';
  };
  evKind.control.addEventListener('change', syncEv);
  syncEv();
  // (9), (10), Art. 23
  const sample = uploadField({ label: fieldLabel('sample'), path: 'sample', required: true, confidential: true, value: c.sample || '', hint: t('hint.sample') });
  const other = f5('other.status', c, { type: 'textarea', rows: 3, hintKey: 'hint.other' });
  const decl = checkbox({ path: 'declaration.truthful', checked: !!getPath(c, 'declaration.truthful'), label: t('decl.text') });
  // Art. 6: joint applicants, and principals for an agency.
  const coapp = field({ label: t('apply.coapplicants'), path: 'coapplicants', hint: t('apply.coapplicants_hint'), autocomplete: 'off' });
  const principals = field({ label: t('apply.principals'), path: 'principals', hint: t('apply.principals_hint'), autocomplete: 'off' });

  const sec = (n, ...kids) => h('fieldset.item-set', { id: `item-${n}` }, h('legend', h('span.item-no', t('content.item', { n })), ' ', t(`item.${n}`)), h('p.hint', t(`itemhint.${n}`)), ...kids);
  const replyNote = field({ label: t('apply.reply_note'), path: 'reply', type: 'textarea', rows: 3, hint: t('apply.reply_note_hint') });
  const lateReason = field({ label: t('apply.late_reason'), path: 'reason', type: 'textarea', rows: 3, required: true, hint: t('apply.late_reason_hint') });

  const btnSave = h('button.btn.btn-secondary', { type: 'submit', value: 'save', id: 'btn-save' }, t('apply.save'));
  const btnSubmit = h('button.btn', { type: 'submit', value: 'submit', id: 'btn-submit' }, mode === 'reply' ? t('apply.send_reply') : mode === 'late' ? t('apply.send_late') : t('apply.submit'));
  const partiesSet = id ? (app.applicants && app.applicants.length > 1 ? h('fieldset.item-set', h('legend', t('apply.parties')), h('ul.parties', app.applicants.map((p) => h('li', dv(p.name), ' ', p.confirmed ? h('span.badge.state-registered', t('record.confirmed')) : h('span.badge.state-draft', t('record.unconfirmed')))))) : null)
    : h('fieldset.item-set', h('legend', t('apply.parties')), h('p.hint', t('apply.parties_hint')), coapp, session.account.roles.includes('agent') ? principals : null);

  const theForm = h('form.app-form', { novalidate: true, id: 'app-form' },
    h('nav.form-toc', { 'aria-label': t('apply.toc') }, h('ol', ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].map((n) => h('li', h('a', { href: `#item-${n}` }, t(`item.${n}`)))), h('li', h('a', { href: '#item-decl' }, t('item.decl'))))),
    h('div.form-body',
      partiesSet,
      sec('1', name), sec('2', industry), sec('3', scenario),
      sec('4', srcKind, srcDesc, formed, agrEnd, proof),
      sec('5', sfields, h('div.grid-2', records, bytes)),
      sec('6', freq, updDesc),
      sec('7', algo, personal, publicD, anon),
      sec('8', fingerprintHelp(), evKind, fp, depBox, depId, notNo, notDate, notScan, noneWarn),
      sec('9', sample),
      sec('10', other),
      h('fieldset.item-set', { id: 'item-decl' }, h('legend', t('item.decl')), decl),
      mode === 'late' ? lateReason : null,
      mode === 'reply' || mode === 'late' ? replyNote : null,
      h('div.actions.sticky-actions', mode === 'new' || mode === 'edit' ? btnSave : null, btnSubmit)));
  main.append(theForm);

  const wrappers = () => Array.from(theForm.querySelectorAll('[data-path]')).filter((w) => w.dataset.path);
  const wrapFor = (path) => {
    const base = path.replace(/\[\d+\].*$/, '');
    const all = wrappers();
    return all.find((w) => w.dataset.path === base) || all.find((w) => w.dataset.path.startsWith(base + '.') && !w.hidden);
  };
  const clearErrors = () => { for (const w of wrappers()) setFieldError(w, ''); clear(summary); };
  const showDefects = (defects, titleKey = 'form.defects_title') => {
    const byWrap = new Map();
    for (const d of defects) {
      const w = wrapFor(d.field);
      if (!w) continue;
      if (w.hidden) w.hidden = false;
      byWrap.set(w, (byWrap.get(w) ? byWrap.get(w) + '；' : '') + d.message);
    }
    for (const [w, m] of byWrap) setFieldError(w, m);
    clear(summary).append(notice('error', h('strong', t(titleKey, { n: defects.length })),
      h('ul.defect-links', defects.map((d) => {
        const w = wrapFor(d.field);
        const target = w ? (w.control && w.control.id) || w.id : null;
        return h('li', target ? h('a', { href: `#${target}`, onclick: (ev) => { ev.preventDefault(); const el = document.getElementById(target); if (el) { el.focus(); el.scrollIntoView({ block: 'center' }); } } }, fieldLabel(d.field)) : h('strong', fieldLabel(d.field)), ': ', h('span.dv', d.message));
      }))));
    summary.focus();
  };
  if (notified.length) {
    for (const d of notified) { const w = wrapFor(d.field); if (w) { w.classList.add('flagged'); w.append(h('p.flag-note', t('apply.flagged'), ' ', h('span.dv', d.message))); } }
  }
  if (stored) {
    try { showDefects(JSON.parse(stored)); } catch (e) { /* ignore a bad stash */ }
    sessionStorage.removeItem(`dipreg.defects.${id}`);
  }

  const collect = () => {
    const o = {};
    const put = (path, v) => {
      if (v === '' || v === null || v === undefined || (Array.isArray(v) && !v.length)) return;
      const ks = path.split('.');
      let cur = o;
      for (let i = 0; i < ks.length - 1; i++) cur = cur[ks[i]] = cur[ks[i]] || {};
      cur[ks[ks.length - 1]] = v;
    };
    const num = (w) => (w.control.value.trim() === '' ? '' : Number(w.control.value));
    put('name', name.control.value.trim());
    put('industry', industry.value());
    put('scenario', scenario.control.value.trim());
    put('source.kind', srcKind.control.value);
    put('source.description', srcDesc.control.value.trim());
    put('source.formed_on', formed.control.value);
    if (!agrEnd.hidden) put('source.agreement_end', agrEnd.control.value);
    put('source.lawful_proof', proof.value());
    put('structure.fields', sfields.value());
    put('structure.records', num(records));
    put('structure.bytes', num(bytes));
    put('update.frequency', freq.control.value);
    put('update.description', updDesc.control.value.trim());
    put('algorithm.summary', algo.control.value.trim());
    o.algorithm = o.algorithm || {};
    o.algorithm.personal_data = personal.control.checked;
    o.algorithm.public_data = publicD.control.checked;
    if (!anon.hidden) put('algorithm.anonymisation', anon.control.value.trim());
    const ek = evKind.control.value;
    put('evidence.kind', ek);
    put('evidence.fingerprint', fp.control.value.trim());
    if (ek === 'deposit') put('evidence.deposit_id', num(depId));
    if (ek === 'notarisation') {
      put('evidence.notary_number', notNo.control.value.trim());
      put('evidence.notary_date', notDate.control.value);
      put('evidence.notary_scan', notScan.value());
    }
    put('sample', sample.value());
    put('other.status', other.control.value.trim());
    if (decl.control.checked) put('declaration.truthful', true);
    return o;
  };
  const logins = (w) => w.control.value.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);
  const busy = () => [proof, notScan, sample].some((w) => w.busy);

  // Saves the draft: creates it first time, replaces its content after.
  const save = async () => {
    const content = collect();
    if (!id) {
      const body = { content };
      if (logins(coapp).length) body.coapplicants = logins(coapp);
      if (session.account.roles.includes('agent') && logins(principals).length) body.principals = logins(principals);
      const r = await post('/api/applications', body);
      id = r.id;
      history.replaceState(null, '', `/apply/${id}`);
    } else {
      await api('PUT', `/api/applications/${id}`, { content });
    }
  };

  theForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const which = ev.submitter ? ev.submitter.value : 'submit';
    clearErrors();
    if (busy()) { clear(summary).append(notice('error', t('upload.wait'))); return; }
    btnSave.disabled = btnSubmit.disabled = true;
    try {
      if (mode === 'reply' || mode === 'late') {
        if (mode === 'late' && !lateReason.control.value.trim()) { setFieldError(lateReason, t('form.required')); lateReason.control.focus(); return; }
        const body = { content: collect() };
        if (replyNote.control.value.trim()) body.reply = replyNote.control.value.trim();
        if (mode === 'late') body.reason = lateReason.control.value.trim();
        await post(`/api/applications/${id}/${mode === 'late' ? 'late-reply' : 'reply'}`, body);
        toast(mode === 'late' ? t('apply.late_sent') : t('apply.reply_sent'));
        ctx.navigate(`/records/${id}`);
        return;
      }
      await save();
      if (which === 'save') {
        toast(t('apply.saved'));
        clear(summary).append(notice('ok', t('apply.saved_long', { id })));
        return;
      }
      await post(`/api/applications/${id}/submit`);
      toast(t('apply.submitted'));
      ctx.navigate(`/records/${id}`);
    } catch (e) {
      if (e instanceof ApiError && e.defects.length) showDefects(e.defects);
      else if (e instanceof ApiError && e.field && wrapFor(e.field)) {
        setFieldError(wrapFor(e.field), e.message);
        clear(summary).append(errorBox(e));
        summary.focus();
      } else {
        clear(summary).append(errorBox(e));
        summary.focus();
      }
    } finally {
      btnSave.disabled = btnSubmit.disabled = false;
    }
  });
  return t(titleKey);
}
