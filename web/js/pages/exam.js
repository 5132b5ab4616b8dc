// The examiner's console: open duties with their statutory deadlines and
// working days left, overdue and due-soon work flagged (the 两超期 idea),
// queues by state, and the overdue report.
import { h, dv } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, session, hasRole } from '../api.js';
import { pageHead, card, notice, flagBadge, stateBadge, empty, loading, pager } from '../ui.js';
import { fmtTime } from '../format.js';
import { recordList } from '../records.js';
import { loadIndustries } from '../ref.js';

const QUEUES = ['submitted', 'correction_requested', 'deemed_withdrawn', 'publication', 'objection', 'registered', 'refused', 'withdrawn', 'cancelled', 'revoked', 'draft'];

export default async function exam(main, ctx) {
  if (!session.account || !(hasRole('examiner') || hasRole('admin'))) {
    main.append(pageHead('exam.title'), notice('info', t('exam.only'), ' ', session.account ? null : h('a', { href: '/signin?next=/exam' }, t('nav.signin'))));
    return t('exam.title');
  }
  const tab = ctx.path.endsWith('/queue') ? 'queue' : ctx.path.endsWith('/overdue') ? 'overdue' : 'tasks';
  const tabs = h('nav.tabs', { 'aria-label': t('exam.views') }, h('ul',
    [['/exam', 'tasks'], ['/exam/queue', 'queue'], ['/exam/overdue', 'overdue']].map(([href, k]) => h('li', h('a', { href, 'aria-current': k === tab ? 'page' : null }, t(`exam.tab_${k}`))))));
  main.append(pageHead('exam.title', 'exam.lead'), tabs);
  if (tab === 'queue') await queue(main, ctx);
  else await tasks(main, tab === 'overdue');
  return t(`exam.tab_${tab}`);
}

function taskTable(items) {
  return h('div.table-wrap', { tabindex: '0' }, h('table.data.tasks', { id: 'task-table' },
    h('caption.visually-hidden', t('exam.tab_tasks')),
    h('thead', h('tr', ['exam.col_flag', 'exam.col_app', 'exam.col_duty', 'exam.col_state', 'exam.col_opened', 'exam.col_due', 'exam.col_left'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', items.map((d) => h(`tr${d.flag ? '.row-' + d.flag : ''}`, { dataset: { flag: d.flag || 'none', app: d.application } },
      h('td', flagBadge(d.flag) || h('span.muted', t('flag.none'))),
      h('td', h('a', { href: `/records/${d.application}` }, dv(d.name || t('record.number', { id: d.application }))), h('div.muted', t('record.number', { id: d.application }))),
      h('td', tv('dl', d.kind), d.binds_party ? h('div.muted', t('dl.yours_party')) : null),
      h('td', d.state ? stateBadge(d.state) : ''),
      h('td', fmtTime(d.opened_at)),
      h('td', fmtTime(d.due_at)),
      h('td.num', d.working_days_left < 0 ? t('exam.days_over', { n: -d.working_days_left }) : t('exam.days_left', { n: d.working_days_left })))))));
}

async function tasks(main, overdueOnly) {
  const body = h('div', loading());
  main.append(body);
  const r = await get('/api/tasks');
  const items = r.items.slice().sort((a, b) => (a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : 0));
  const overdue = items.filter((d) => d.flag === 'overdue');
  const soon = items.filter((d) => d.flag === 'due_soon');
  const registry = items.filter((d) => !d.binds_party);
  const tiles = h('ul.tiles', { id: 'task-summary' },
    h('li.tile.tile-overdue', h('span.tile-num', { id: 'count-overdue' }, String(r.overdue)), h('span.tile-label', t('exam.overdue'))),
    h('li.tile.tile-soon', h('span.tile-num', { id: 'count-soon' }, String(soon.length)), h('span.tile-label', t('exam.due_soon'))),
    h('li.tile', h('span.tile-num', String(items.length)), h('span.tile-label', t('exam.open'))));
  if (overdueOnly) {
    const byKind = new Map();
    for (const d of overdue) byKind.set(d.kind, (byKind.get(d.kind) || 0) + 1);
    body.replaceChildren(tiles,
      card(t('exam.report_title'), h('p.muted', t('exam.report_lead', { n: overdue.length })),
        byKind.size ? h('table.data.small', h('caption.visually-hidden', t('exam.report_by_kind')), h('thead', h('tr', h('th', { scope: 'col' }, t('exam.col_duty')), h('th', { scope: 'col' }, t('exam.count')))),
          h('tbody', [...byKind.entries()].map(([k, n]) => h('tr', h('td', tv('dl', k)), h('td.num', String(n)))))) : null,
        overdue.length ? taskTable(overdue) : empty('exam.no_overdue')),
      h('p.print-hint.muted', t('exam.report_print')));
    return;
  }
  const filter = h('div.chips', { role: 'group', 'aria-label': t('exam.filter') });
  const tableBox = h('div');
  let which = 'all';
  const draw = () => {
    const list = which === 'overdue' ? overdue : which === 'due_soon' ? soon : which === 'registry' ? registry : items;
    tableBox.replaceChildren(list.length ? taskTable(list) : empty('exam.no_tasks'));
  };
  for (const k of ['all', 'overdue', 'due_soon', 'registry']) {
    const b = h('button.chip', { type: 'button', 'aria-pressed': String(k === which), dataset: { filter: k } }, t(`exam.f_${k}`));
    b.addEventListener('click', () => {
      which = k;
      filter.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      draw();
    });
    filter.append(b);
  }
  draw();
  body.replaceChildren(tiles, overdue.length ? notice('error', h('strong', t('exam.overdue_alert', { n: overdue.length }))) : null, filter, card(null, tableBox));
}

async function queue(main, ctx) {
  await loadIndustries().catch(() => null);
  const state = ctx.query.get('state') || 'submitted';
  const chips = h('div.chips', { role: 'group', 'aria-label': t('exam.queues') },
    QUEUES.map((s) => h('a.chip', { href: `/exam/queue?state=${s}`, 'aria-current': s === state ? 'true' : null }, t(`state.${s}`))));
  const list = h('div', loading());
  const moreBox = h('div');
  main.append(chips, card(t('exam.queue_of', { state: tv('state', state) }), list, moreBox));
  let next = null;
  let first = true;
  const more = async () => {
    const r = await get(`/api/applications?state=${encodeURIComponent(state)}&limit=50${next ? '&after=' + next : ''}`);
    if (first) list.replaceChildren();
    first = false;
    list.append(r.items.length ? recordList(r.items) : empty('exam.queue_empty'));
    next = r.next;
    moreBox.replaceChildren(...[pager(next, more)].filter(Boolean));
  };
  await more();
}
