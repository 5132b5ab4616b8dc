// Certificate verification (Arts. 12, 21): enter the 17-digit certificate
// number.  GET /api/certificates/{number} answers when the registry runs
// the certificate service; until then (404 no_route) the page says so and
// looks the number up in the public register instead, which shows the
// registration but is no proof of the certificate's signature.
import { h, clear } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, ApiError } from '../api.js';
import { pageHead, card, field, form, notice, dl, setFieldError } from '../ui.js';
import { fmtDate } from '../format.js';

export default async function verify(main, ctx) {
  const n0 = ctx.query.get('no') || '';
  const no = field({ label: t('verify.no'), path: 'cert-no', required: true, inputmode: 'numeric', maxlength: 17, value: n0, hint: t('verify.no_hint'), spellcheck: false, autocomplete: 'off' });
  const out = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  const f = form({ class: 'stack narrow', id: 'verify-form' }, [no, h('div.actions', h('button.btn', { type: 'submit' }, t('verify.check')))], async () => {
    setFieldError(no, '');
    const v = no.control.value.replace(/\s+/g, '');
    if (!/^\d{17}$/.test(v)) { setFieldError(no, t('verify.bad_no')); no.control.focus(); return; }
    history.replaceState(null, '', `/verify?no=${v}`);
    await check(out, v);
  });
  main.append(pageHead('verify.title', 'verify.lead'), card(null, f), out);
  if (/^\d{17}$/.test(n0)) await check(out, n0);
  return t('verify.title');
}

async function check(out, no) {
  clear(out);
  try {
    const c = await get(`/api/certificates/${no}`);
    const cert = c.certificate || c;
    const ds = cert.dataset || {};
    out.append(card(t('verify.found'), notice(c.status && c.status !== 'in_force' ? 'warn' : 'ok', h('strong', c.status ? tv('certstatus', c.status) : t('verify.valid'))),
      dl([[t('record.cert_no'), cert.certificate_number || no], ds.name ? [t('field.name'), ds.name] : null,
        cert.holders ? [t('record.holders'), cert.holders.map((x) => x.name).join('、')] : null,
        cert.registration_date ? [t('record.registered_on'), fmtDate(cert.registration_date)] : null,
        cert.valid_until ? [t('record.valid_until'), fmtDate(cert.valid_until)] : null]),
      c.application || cert.application ? h('p', h('a', { href: `/records/${c.application || cert.application}` }, t('verify.open_record'))) : null));
    return;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    if (e.code !== 'no_route') {
      out.append(notice('error', h('strong', t('verify.not_found')), ' ', t('verify.not_found_d')));
      return;
    }
  }
  const box = card(t('verify.unavailable'), notice('info', t('verify.unavailable_d')));
  box.id = 'verify-unavailable';
  out.append(box);
  // A look in the register, clearly labelled as not a signature check.
  let next = null;
  let pages = 0;
  let hit = null;
  do {
    const r = await get(`/api/register?limit=200${next ? '&after=' + next : ''}`);
    hit = r.items.find((a) => a.certificate_number === no) || null;
    next = r.next;
    pages += 1;
  } while (!hit && next && pages < 10);
  box.append(hit
    ? h('div', h('p', t('verify.in_register')), dl([[t('field.name'), hit.name], [t('record.state'), tv('state', hit.state)],
      [t('record.registered_on'), fmtDate(hit.registration_date)], [t('record.valid_until'), fmtDate(hit.valid_until)]]),
    h('p', h('a', { href: `/records/${hit.id}` }, t('verify.open_record'))))
    : h('p', t('verify.not_in_register')));
}
