// Sign in: the session cookie is set by the server; the CSRF token it
// returns is kept in memory and restored from GET /api/session on reload.
import { h, dv } from '../dom.js';
import { t } from '../i18n.js';
import { post, setSession } from '../api.js';
import { pageHead, card, field, form, toast } from '../ui.js';

export function homeFor(account) {
  const roles = account.roles || [];
  if (roles.includes('examiner')) return '/exam';
  if (roles.includes('admin')) return '/admin';
  return '/my';
}

export default async function signin(main, ctx) {
  const login = field({ label: t('auth.login'), path: 'login', autocomplete: 'username', required: true, spellcheck: false });
  const pw = field({ label: t('auth.password'), path: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const f = form({ class: 'stack narrow', id: 'signin-form' }, [login, pw, h('div.actions', h('button.btn', { type: 'submit' }, t('auth.signin')))], async () => {
    const s = await post('/api/session', { login: login.control.value.trim(), password: pw.control.value });
    setSession(s);
    toast(h('span', t('auth.welcome'), dv(s.account.display_name || s.account.login)));
    const next = ctx.query.get('next');
    ctx.navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(s.account));
  });
  main.append(pageHead('auth.signin_title'), card(null, f, h('p', t('auth.no_account'), ' ', h('a', { href: '/signup' }, t('nav.signup')))));
  return t('auth.signin_title');
}
