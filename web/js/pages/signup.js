// Sign up as a natural person, legal person or unincorporated organisation
// (Art. 6).  The identity number is checked here with the server's rules
// (GB 11643-1999, GB 32100-2015); the server's own message always wins.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post, setSession, ApiError } from '../api.js';
import { pageHead, card, field, form, setFieldError, toast } from '../ui.js';
import { checkIdNumber } from '../idnum.js';

export default async function signup(main, ctx) {
  const kinds = ['natural', 'legal', 'org'];
  const kindSet = h('fieldset.field.kind-choice', { dataset: { path: 'kind' } }, h('legend', t('auth.kind')),
    kinds.map((k) => h('div.check-row', h('input', { type: 'radio', name: 'kind', id: `kind-${k}`, value: k, checked: k === 'natural' }), h('label', { for: `kind-${k}` }, t(`kind.${k}`), h('span.muted', ` — ${t(`kind.${k}_d`)}`)))),
    h('p.field-error', { hidden: true }));
  const login = field({ label: t('auth.login'), path: 'login', autocomplete: 'username', required: true, hint: t('auth.login_hint'), spellcheck: false, maxlength: 64 });
  const name = field({ label: t('auth.display_name_natural'), path: 'display_name', autocomplete: 'name', required: true, maxlength: 100 });
  const idn = field({ label: t('auth.id_natural'), path: 'id_number', required: true, autocomplete: 'off', spellcheck: false, maxlength: 18, hint: t('auth.id_natural_hint') });
  const email = field({ label: t('auth.email'), path: 'email', type: 'email', autocomplete: 'email' });
  const phone = field({ label: t('auth.phone'), path: 'phone', type: 'tel', autocomplete: 'tel' });
  const pw = field({ label: t('auth.password'), path: 'password', type: 'password', autocomplete: 'new-password', required: true, hint: t('auth.password_hint') });
  const pw2 = field({ label: t('auth.password2'), path: 'password2', type: 'password', autocomplete: 'new-password', required: true });
  const kind = () => kindSet.querySelector('input:checked').value;
  const relabel = () => {
    const k = kind();
    name.querySelector('label').firstChild.textContent = t(k === 'natural' ? 'auth.display_name_natural' : 'auth.display_name_org');
    idn.querySelector('label').firstChild.textContent = t(k === 'natural' ? 'auth.id_natural' : 'auth.id_org');
    idn.querySelector('.hint').textContent = t(k === 'natural' ? 'auth.id_natural_hint' : 'auth.id_org_hint');
    if (idn.control.value) checkId();
  };
  const checkId = () => {
    const v = idn.control.value.trim().toUpperCase();
    const bad = v ? checkIdNumber(kind(), v) : null;
    setFieldError(idn, bad ? t(bad) : '');
    return !bad;
  };
  kindSet.addEventListener('change', relabel);
  idn.control.addEventListener('blur', checkId);
  const all = { login, display_name: name, id_number: idn, email, phone, password: pw };
  const f = form({ class: 'stack narrow', id: 'signup-form' }, [kindSet, login, name, idn, email, phone, pw, pw2,
    h('div.actions', h('button.btn', { type: 'submit' }, t('auth.signup')))], async () => {
    for (const w of [...Object.values(all), pw2]) setFieldError(w, '');
    let ok = checkId();
    for (const w of [login, name, idn, pw]) if (!w.control.value.trim()) { setFieldError(w, t('form.required')); ok = false; }
    if (pw.control.value && pw.control.value.length < 10) { setFieldError(pw, t('auth.password_short')); ok = false; }
    if (pw.control.value !== pw2.control.value) { setFieldError(pw2, t('auth.password_mismatch')); ok = false; }
    if (!ok) { f.querySelector('[aria-invalid=true]')?.focus(); return; }
    const body = { login: login.control.value.trim(), password: pw.control.value, display_name: name.control.value.trim(), kind: kind(), id_number: idn.control.value.trim().toUpperCase() };
    if (email.control.value.trim()) body.email = email.control.value.trim();
    if (phone.control.value.trim()) body.phone = phone.control.value.trim();
    try {
      await post('/api/accounts', body);
    } catch (e) {
      if (e instanceof ApiError && e.field && all[e.field]) {
        setFieldError(all[e.field], e.message);
        all[e.field].control.focus();
      }
      throw e;
    }
    const s = await post('/api/session', { login: body.login, password: body.password });
    setSession(s);
    toast(t('auth.created'));
    ctx.navigate('/my');
  });
  main.append(pageHead('auth.signup_title', 'auth.signup_lead'), card(null, f));
  return t('auth.signup_title');
}
