// Applications in publication (公示, Art. 10): anyone may read them and
// object during the ten working days.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { pageHead, loading, empty, pager } from '../ui.js';
import { recordList } from '../records.js';
import { loadIndustries } from '../ref.js';

export default async function publications(main) {
  const list = h('div', loading());
  const moreBox = h('div');
  main.append(pageHead('pub.title', 'pub.lead'), list, moreBox);
  await loadIndustries().catch(() => null);
  let next = null;
  let first = true;
  const more = async () => {
    const r = await get(`/api/publications?limit=50${next ? '&after=' + next : ''}`);
    if (first) clear(list);
    first = false;
    list.append(r.items.length ? recordList(r.items, { publication: true }) : empty('home.no_publications'));
    next = r.next;
    moreBox.replaceChildren(...[pager(next, more)].filter(Boolean));
  };
  await more();
  return t('pub.title');
}
