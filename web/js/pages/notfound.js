import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHead } from '../ui.js';

export default async function notfound(main) {
  main.append(pageHead('nf.title', 'nf.lead'), h('p', h('a', { href: '/' }, t('nf.home'))));
  return t('nf.title');
}
