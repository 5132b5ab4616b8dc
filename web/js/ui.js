// ui.js - the pieces every page is built from: headings, cards, badges,
// labelled fields with their error line, upload fields with a progress bar,
// error boxes, notices and the toast line.
import { h, dv, clear, nextId, pathId } from './dom.js';
import { t, tv } from './i18n.js';
import { upload, ApiError } from './api.js';
import { fmtBytes } from './format.js';

export function pageHead(titleKey, leadKey, extra) {
  return h('div.page-head',
    h('h1', { tabindex: '-1', id: 'page-title' }, typeof titleKey === 'string' ? t(titleKey) : titleKey),
    leadKey ? h('p.lead', t(leadKey)) : null,
    extra || null);
}

export function card(title, ...body) {
  const id = nextId('card');
  return h('section.card', { 'aria-labelledby': title ? id : null },
    title ? h('h2.card-title', { id }, title) : null, ...body);
}

export function stateBadge(state) {
  return h(`span.badge.state-${state || 'unknown'}`, tv('state', state));
}

export function flagBadge(flag) {
  if (!flag) return null;
  return h(`span.flag.flag-${flag}`, { role: 'img', 'aria-label': t(`flag.${flag}`) },
    h('span.flag-dot', { 'aria-hidden': 'true' }), h('span', { 'aria-hidden': 'true' }, t(`flag.${flag}`)));
}

export function notice(kind, ...content) {
  return h(`div.notice.notice-${kind}`, { role: kind === 'error' ? 'alert' : null }, ...content);
}

// The server's own message is always shown: it names the field and the rule.
export function errorBox(err) {
  const e = err instanceof ApiError ? err : new ApiError(0, { error: { message: String(err && err.message || err) } });
  const title = e.code === 'network' ? t('err.network') : e.status === 401 ? t('err.signin') : e.status === 403 ? t('err.forbidden') : t('err.generic');
  return notice('error', h('strong', title), ' ', e.message ? dv(e.message) : null);
}

export function loading() {
  return h('p.loading', { role: 'status' }, t('common.loading'));
}

export function empty(key) {
  return h('p.empty', t(key || 'common.empty'));
}

// A labelled field: label, hint, control and an error line, tied together
// with for/id and aria-describedby so assistive technology reads all three.
export function field(opts) {
  const id = opts.id || (opts.path ? pathId(opts.path) : nextId('fld'));
  const errId = `${id}-err`;
  const hintId = opts.hint ? `${id}-hint` : null;
  let control = opts.control;
  if (!control) {
    const attrs = {
      id, name: opts.name || opts.path || id, type: opts.type || 'text',
      value: opts.value ?? '', required: !!opts.required, autocomplete: opts.autocomplete || null,
      inputmode: opts.inputmode || null, maxlength: opts.maxlength || null, min: opts.min ?? null,
      max: opts.max ?? null, placeholder: opts.placeholder || null, pattern: opts.pattern || null,
      spellcheck: opts.spellcheck === false ? 'false' : null, step: opts.step || null,
      readonly: opts.readonly || null,
    };
    if (opts.type === 'textarea') {
      delete attrs.type;
      control = h('textarea', { ...attrs, rows: opts.rows || 4 });
    } else if (opts.type === 'select') {
      delete attrs.type;
      delete attrs.value;
      control = h('select', attrs, (opts.options || []).map(([v, label]) => h('option', { value: v, selected: String(opts.value ?? '') === String(v) }, label)));
    } else {
      control = h('input', attrs);
    }
  } else {
    control.id = control.id || id;
  }
  const described = [hintId, errId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  const label = h('label', { for: control.id }, opts.label, opts.required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null,
    opts.confidential ? h('span.tag-conf', t('form.confidential')) : null);
  const wrap = h('div.field', { dataset: { path: opts.path || '' } },
    label,
    hintId ? h('p.hint', { id: hintId }, opts.hint) : null,
    control,
    h('p.field-error', { id: errId, hidden: true }));
  wrap.control = control;
  return wrap;
}

export function setFieldError(wrap, message) {
  const err = wrap.querySelector(':scope > .field-error');
  const ctl = wrap.control || wrap.querySelector('input, select, textarea');
  if (!err) return;
  clear(err);
  if (message) {
    err.append(h('span.dv', message));
    err.hidden = false;
    wrap.classList.add('has-error');
    if (ctl) ctl.setAttribute('aria-invalid', 'true');
  } else {
    err.hidden = true;
    wrap.classList.remove('has-error');
    if (ctl) ctl.removeAttribute('aria-invalid');
  }
}

// A check box with its label after it.
export function checkbox(opts) {
  const id = opts.id || (opts.path ? pathId(opts.path) : nextId('chk'));
  const input = h('input', { type: 'checkbox', id, name: opts.name || opts.path || id, checked: !!opts.checked, value: opts.value ?? 'on' });
  if (opts.onchange) input.addEventListener('change', opts.onchange);
  const wrap = h('div.field.field-check', { dataset: { path: opts.path || '' } },
    h('div.check-row', input, h('label', { for: id }, opts.label)),
    opts.hint ? h('p.hint', opts.hint) : null,
    h('p.field-error', { id: `${id}-err`, hidden: true }));
  input.setAttribute('aria-describedby', `${id}-err`);
  wrap.control = input;
  return wrap;
}

// An upload field: choose a file, see it go up with a progress bar, keep its
// SHA-256.  value() gives the SHA-256 (or '' when none).
export function uploadField(opts) {
  const id = opts.id || (opts.path ? pathId(opts.path) : nextId('up'));
  let sha = opts.value || '';
  const input = h('input', { type: 'file', id, name: opts.path || id, accept: opts.accept || '.pdf,.png,.jpg,.jpeg,.zip,.csv,.txt,.json' });
  const bar = h('progress', { max: '100', value: '0', hidden: true, 'aria-label': t('upload.progress') });
  const status = h('p.upload-status', { 'aria-live': 'polite' });
  const show = () => {
    clear(status);
    if (sha) status.append(h('span.ok-mark', { 'aria-hidden': 'true' }, '✓ '), t('upload.stored'), ' ', h('code.dv.sha', `${sha.slice(0, 16)}…`));
  };
  show();
  const wrap = field({ ...opts, id, control: input, hint: opts.hint || t('upload.hint') });
  wrap.insertBefore(h('div.upload-extra', bar, status), wrap.querySelector('.field-error'));
  input.addEventListener('change', async () => {
    const f = input.files && input.files[0];
    if (!f) return;
    setFieldError(wrap, '');
    bar.hidden = false;
    bar.value = 0;
    clear(status).append(t('upload.sending', { name: f.name, size: fmtBytes(f.size) }));
    wrap.busy = true;
    try {
      const r = await upload(f, (p) => { bar.value = Math.round(p * 100); });
      sha = r.sha256;
      show();
      if (opts.onUploaded) opts.onUploaded(r);
    } catch (e) {
      bar.hidden = true;
      clear(status);
      setFieldError(wrap, e.message || t('upload.failed'));
    } finally {
      wrap.busy = false;
    }
  });
  wrap.value = () => sha;
  wrap.setValue = (v) => { sha = v || ''; show(); };
  return wrap;
}

// Several evidence files, each uploaded as it is chosen.
export function multiUpload(opts) {
  const list = h('ul.file-list');
  const hashes = [];
  const id = opts.id || nextId('mup');
  const input = h('input', { type: 'file', id, multiple: true, accept: '.pdf,.png,.jpg,.jpeg,.zip,.csv,.txt,.json' });
  const wrap = field({ ...opts, id, control: input, hint: opts.hint || t('upload.hint') });
  wrap.insertBefore(list, wrap.querySelector('.field-error'));
  wrap.pending = 0;
  input.addEventListener('change', async () => {
    setFieldError(wrap, '');
    for (const f of Array.from(input.files || [])) {
      const bar = h('progress', { max: '100', value: '0', 'aria-label': t('upload.progress_of', { name: f.name }) });
      const li = h('li', h('span.dv', f.name), ' ', bar);
      list.append(li);
      wrap.pending += 1;
      try {
        const r = await upload(f, (p) => { bar.value = Math.round(p * 100); });
        hashes.push(r.sha256);
        bar.replaceWith(h('span.ok-mark', '✓ '), h('code.dv.sha', `${r.sha256.slice(0, 12)}…`));
      } catch (e) {
        li.remove();
        setFieldError(wrap, `${f.name}: ${e.message}`);
      } finally {
        wrap.pending -= 1;
      }
    }
    input.value = '';
  });
  wrap.values = () => hashes.slice();
  return wrap;
}

let toastTimer = null;
export function toast(message, kind = 'ok') {
  const region = document.getElementById('toasts');
  if (!region) return;
  clear(region).append(h(`div.toast.toast-${kind}`, message));
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => clear(region), 6000);
}

// Definition list from [labelText, valueNode] pairs.
export function dl(rows, cls = 'facts') {
  return h(`dl.${cls}`, rows.filter(Boolean).map(([k, v]) => [h('dt', k), h('dd', v instanceof Node ? v : dv(v))]));
}

// A button that disables itself while its action runs and shows errors
// in the given box.
export function actionButton(label, fn, opts = {}) {
  const b = h(`button.btn${opts.kind ? '.btn-' + opts.kind : ''}`, { type: opts.type || 'button' }, label);
  b.addEventListener('click', async (ev) => {
    if (opts.type === 'submit') return;
    ev.preventDefault();
    if (opts.confirm && !window.confirm(opts.confirm)) return;
    b.disabled = true;
    if (b.errBox) { b.errBox.remove(); b.errBox = null; }
    try {
      await fn();
    } catch (e) {
      b.errBox = errorBox(e);
      (b.closest('.actions') || b).after(b.errBox);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

// A form whose submit runs fn(form); the form's error box shows failures.
export function form(attrs, children, fn) {
  const box = h('div.form-errors', { 'aria-live': 'assertive' });
  const f = h('form', { novalidate: true, ...attrs }, box, ...children);
  f.errorBox = box;
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(box);
    const btns = f.querySelectorAll('button[type=submit]');
    btns.forEach((b) => { b.disabled = true; });
    try {
      await fn(f, ev.submitter);
    } catch (e) {
      clear(box).append(errorBox(e));
      box.scrollIntoView({ block: 'nearest' });
    } finally {
      btns.forEach((b) => { b.disabled = false; });
    }
  });
  return f;
}

export function pager(next, onMore) {
  if (next === null || next === undefined) return null;
  return h('div.pager', actionButton(t('common.more'), onMore, { kind: 'secondary' }));
}

export function link(href, ...children) {
  return h('a', { href }, ...children);
}
