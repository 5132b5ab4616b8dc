// app.js - the portal's shell and router.  dipreg serves index.html for
// every path without an extension, so the browser routes: each route names
// a page module under pages/, loaded when first needed.
import { h, clear } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { session, onSession, restoreSession, hasRole, isParty, api, setSession, get } from './api.js';
import { errorBox, toast } from './ui.js';

const routes = [
  ['/', 'home'],
  ['/register', 'register'],
  ['/publications', 'publications'],
  ['/records/:id', 'record'],
  ['/objections/follow', 'follow'],
  ['/verify', 'verify'],
  ['/stats', 'stats'],
  ['/signin', 'signin'],
  ['/signup', 'signup'],
  ['/my', 'my'],
  ['/apply', 'apply'],
  ['/apply/:id', 'apply'],
  ['/inbox', 'inbox'],
  ['/exam', 'exam'],
  ['/exam/queue', 'exam'],
  ['/exam/overdue', 'exam'],
  ['/admin', 'admin'],
  ['/help/fingerprint', 'help'],
];

function match(path) {
  for (const [pattern, page] of routes) {
    const names = [];
    const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([^/]+)'; }) + '/?$');
    const m = re.exec(path);
    if (m) {
      const params = {};
      names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { page, params, pattern };
    }
  }
  return null;
}

let registryName = '';
let renderSeq = 0;

export function navigate(href, opts = {}) {
  if (opts.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  render({ focus: true });
}

function navLink(href, label, extra) {
  const here = location.pathname === href || (href !== '/' && location.pathname.startsWith(href + '/'));
  return h('li', h('a', { href, 'aria-current': here ? 'page' : null }, label, extra || null));
}

function renderHeader() {
  const el = document.getElementById('site-header');
  clear(el);
  const other = getLang() === 'en' ? 'zh' : 'en';
  const langBtn = h('button.lang-switch', {
    type: 'button', id: 'lang-switch',
    lang: other === 'zh' ? 'zh-CN' : 'en',
    'aria-label': other === 'zh' ? '切换到中文' : 'Switch to English',
  }, other === 'zh' ? '中文' : 'English');
  langBtn.addEventListener('click', () => {
    setLang(other);
    render({ focus: false });
    document.getElementById('lang-switch')?.focus();
  });
  const acct = session.account;
  const user = acct
    ? h('div.userbox',
      h('span.user-name', h('span.visually-hidden', t('nav.signed_in_as')), h('span.dv', acct.display_name || acct.login)),
      h('button.linklike', { type: 'button', id: 'signout', onclick: signOut }, t('nav.signout')))
    : h('div.userbox', h('a', { href: '/signin' }, t('nav.signin')), h('a.btn.btn-small', { href: '/signup' }, t('nav.signup')));
  const top = h('div.topbar', h('div.wrap.topbar-inner',
    h('span.registry', registryName ? h('span.dv', registryName) : t('site.registry')),
    h('div.topbar-tools', langBtn, user)));
  const items = [
    navLink('/', t('nav.home')),
    navLink('/register', t('nav.register')),
    navLink('/publications', t('nav.publications')),
    navLink('/verify', t('nav.verify')),
    navLink('/objections/follow', t('nav.follow')),
    navLink('/stats', t('nav.stats')),
  ];
  const mine = [];
  if (isParty()) {
    mine.push(navLink('/my', t('nav.my')));
    mine.push(navLink('/apply', t('nav.apply')));
  }
  if (acct) {
    mine.push(navLink('/inbox', t('nav.inbox'), session.unread ? h('span.count', { id: 'unread-badge', 'aria-label': t('nav.unread', { n: session.unread }) }, String(session.unread)) : null));
  }
  if (hasRole('examiner')) mine.push(navLink('/exam', t('nav.exam')));
  if (hasRole('admin')) mine.push(navLink('/admin', t('nav.admin')));
  const menuBtn = h('button.menu-toggle', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'main-nav' }, t('nav.menu'));
  const nav = h('nav.main-nav', { id: 'main-nav', 'aria-label': t('nav.label') },
    h('ul', items), mine.length ? h('ul.nav-mine', mine) : null);
  menuBtn.addEventListener('click', () => {
    const open = menuBtn.getAttribute('aria-expanded') !== 'true';
    menuBtn.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  const brand = h('div.brandbar', h('div.wrap.brand-inner',
    h('a.brand', { href: '/' },
      h('img', { src: '/favicon.svg', alt: '', width: '40', height: '40' }),
      h('span.brand-text', h('span.brand-name', t('site.name')), h('span.brand-sub', t('site.sub')))),
    menuBtn));
  el.append(top, brand, h('div.navbar', h('div.wrap', nav)));
}

function renderFooter() {
  const el = document.getElementById('site-footer');
  clear(el).append(h('div.wrap.footer-inner',
    h('p', t('footer.basis')),
    h('p', t('footer.zone')),
    h('ul.footer-links',
      h('li', h('a', { href: '/help/fingerprint' }, t('nav.help_fp'))),
      h('li', h('a', { href: '/api/openapi.json' }, t('footer.api'))))));
  document.getElementById('skip-link').textContent = t('nav.skip');
}

async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } catch (e) {
    /* already ended */
  }
  setSession(null);
  toast(t('nav.signed_out'));
  navigate('/');
}

async function render(opts = {}) {
  const seq = ++renderSeq;
  shownPath = location.pathname + location.search;
  const main = document.getElementById('main');
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  const m = match(path);
  renderHeader();
  renderFooter();
  clear(main);
  delete main.dataset.ready;
  let mod;
  try {
    mod = await import(`./pages/${m ? m.page : 'notfound'}.js`);
  } catch (e) {
    main.append(errorBox(e));
    return;
  }
  if (seq !== renderSeq) return;
  const ctx = { params: m ? m.params : {}, query, path, pattern: m ? m.pattern : '', navigate, stale: () => seq !== renderSeq };
  try {
    const title = await mod.default(main, ctx);
    if (seq !== renderSeq) return;
    document.title = `${title || t('site.name')}${title ? ' - ' + t('site.name') : ''}`;
  } catch (e) {
    if (seq !== renderSeq) return;
    main.append(errorBox(e));
  }
  main.dataset.ready = m ? m.page : 'notfound';
  if (opts.focus) {
    const h1 = main.querySelector('h1');
    (h1 || main).focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }
}

// Same-origin links route in the page; downloads and the API go to the server.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || a.target || a.hasAttribute('download') || url.pathname.startsWith('/api/') || /\.[a-z0-9]+$/i.test(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  ev.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

// A link to a fragment (the skip link, the form's table of contents) fires
// popstate too: only a change of page renders again.
let shownPath = location.pathname + location.search;
window.addEventListener('popstate', () => {
  if (location.pathname + location.search === shownPath) return;
  render({ focus: true });
});

onSession(() => {
  if (document.getElementById('site-header').childElementCount) renderHeader();
});

async function boot() {
  setLang(getLang());
  await restoreSession();
  try {
    const rules = await get('/api/reference/rules');
    registryName = rules.registry || '';
  } catch (e) {
    registryName = '';
  }
  await render({ focus: false });
  document.body.dataset.ready = '1';
}

boot();
