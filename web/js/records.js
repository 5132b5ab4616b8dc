// records.js - lists of applications and log entries as the public and the
// parties see them, shared by the home page, the register and the consoles.
import { h, dv } from './dom.js';
import { t, tv } from './i18n.js';
import { fmtDate, fmtTime } from './format.js';
import { stateBadge } from './ui.js';
import { industryName } from './ref.js';
import { get } from './api.js';

export function recordList(items, opts = {}) {
  return h('ul.record-list', items.map((a) => h('li.record',
    h('div.record-main',
      h('a.record-name', { href: `/records/${a.id}` }, dv(a.name || t('record.untitled'))),
      h('div.record-meta',
        stateBadge(a.state),
        a.certificate_number ? h('span', t('record.cert_no'), ' ', h('span.dv.mono', a.certificate_number)) : null,
        a.industry ? h('span', t('record.industry'), ' ', h('span.dv', `${a.industry} ${industryName(a.industry)}`.trim())) : null)),
    h('div.record-dates',
      opts.publication
        ? h('span', t('record.published_at'), ' ', fmtTime(a.published_at))
        : a.registration_date
          ? [h('span', t('record.registered_on'), ' ', fmtDate(a.registration_date)), h('span', t('record.valid_until'), ' ', fmtDate(a.valid_until))]
          : h('span', t('record.submitted_at'), ' ', fmtTime(a.submitted_at))))));
}

// Filings, transfers and cancellations are logged without the dataset's
// name; the public record supplies it.
const names = new Map();
function nameLink(id, name) {
  const a = h('a', { href: `/records/${id}` }, name ? dv(name) : t('record.number', { id }));
  if (!name) {
    if (!names.has(id)) names.set(id, get(`/api/applications/${id}`).then((r) => r.name || (r.content && r.content.name) || '').catch(() => ''));
    names.get(id).then((n) => { if (n) a.replaceChildren(dv(n)); });
  }
  return a;
}

// A log entry (公告/公示) of GET /api/announcements.
export function announcementName(e) {
  return (e.certificate && e.certificate.dataset && e.certificate.dataset.name) || (e.content && e.content.name) || e.name || '';
}

export function announcementList(items) {
  return h('ul.ann-list', items.map((e) => {
    const cert = (e.certificate && e.certificate.certificate_number) || e.certificate_number;
    const name = announcementName(e);
    return h('li.ann',
      h('div.ann-head', h(`span.ann-type.ann-${e.type}`, tv('ann', e.type)), h('time', { datetime: e.time }, fmtTime(e.time))),
      nameLink(e.application, name),
      cert ? h('div.ann-meta', t('record.cert_no'), ' ', h('span.dv.mono', cert)) : null,
      e.reason ? h('div.ann-meta', tv('close', e.reason)) : null);
  }));
}
