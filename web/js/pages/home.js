// The front page: what the registry is for, a search box, the latest
// announcements and what is in publication now (Art. 10, Art. 20).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { card, errorBox, loading, empty } from '../ui.js';
import { recordList, announcementList } from '../records.js';
import { loadIndustries } from '../ref.js';

export default async function home(main, ctx) {
  const q = h('input', { type: 'search', id: 'home-q', name: 'q', placeholder: t('home.search_ph') });
  const hero = h('section.hero', { 'aria-labelledby': 'page-title' },
    h('div.hero-text',
      h('h1', { id: 'page-title', tabindex: '-1' }, t('home.title')),
      h('p.lead', t('home.lead'))),
    h('form.hero-search', { action: '/register', role: 'search' },
      h('label', { for: 'home-q' }, t('home.search_label')),
      h('div.search-row', q, h('button.btn', { type: 'submit' }, t('common.search')))));
  hero.querySelector('form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = q.value.trim();
    ctx.navigate(v ? `/register?q=${encodeURIComponent(v)}` : '/register');
  });
  const quick = h('section.quick', { 'aria-label': t('home.quick') },
    h('ul.quick-list',
      [['/apply', 'home.q_apply', 'home.q_apply_d'], ['/publications', 'home.q_pub', 'home.q_pub_d'],
        ['/verify', 'home.q_verify', 'home.q_verify_d'], ['/objections/follow', 'home.q_follow', 'home.q_follow_d']]
        .map(([href, k, d]) => h('li', h('a.quick-item', { href }, h('span.quick-title', t(k)), h('span.quick-desc', t(d)))))));
  const annBody = h('div', loading());
  const pubBody = h('div', loading());
  main.append(hero, quick, h('div.grid-2',
    card(t('home.announcements'), annBody, h('p.more-link', h('a', { href: '/register' }, t('home.all_register')))),
    card(t('home.publications'), pubBody, h('p.more-link', h('a', { href: '/publications' }, t('home.all_publications'))))),
  card(t('home.procedure'), h('ol.steps', ['s1', 's2', 's3', 's4', 's5'].map((s) => h('li', h('strong', t(`home.${s}`)), h('span', t(`home.${s}_d`)))))));
  loadIndustries().catch(() => null);
  const [ann, pub] = await Promise.allSettled([get('/api/announcements?limit=8'), get('/api/publications?limit=6')]);
  annBody.replaceChildren(ann.status === 'fulfilled' ? (ann.value.items.length ? announcementList(ann.value.items) : empty()) : errorBox(ann.reason));
  pubBody.replaceChildren(pub.status === 'fulfilled' ? (pub.value.items.length ? recordList(pub.value.items, { publication: true }) : empty('home.no_publications')) : errorBox(pub.reason));
  return null;
}
