// How to fingerprint a dataset locally (DESIGN.md §4): the data never
// leaves the holder's machine; only its Merkle root goes into the
// application as evidence.fingerprint.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHead, card } from '../ui.js';

export default async function help(main) {
  main.append(pageHead('fp.title', 'fp.page_lead'),
    card(t('fp.how'), h('ol.steps-plain',
      h('li', t('fp.step1')),
      h('li', t('fp.step2'), h('pre.cmd', { tabindex: '0' }, h('code', 'dipreg fingerprint /data/my-dataset'))),
      h('li', t('fp.step3'), h('pre.cmd', { tabindex: '0' }, h('code', 'sha256:9c1185a5c5e9fc54612808977ee8f548b2258d31a1f0b3c4e1d2b7a1f3c0e9d2'))),
      h('li', t('fp.step4')))),
    card(t('fp.why'), h('p', t('fp.p1')), h('p', t('fp.p3')), h('p', t('fp.sm3')),
      h('pre.cmd', { tabindex: '0' }, h('code', 'dipreg fingerprint --algo sm3 /data/my-dataset'))));
  return t('fp.title');
}
