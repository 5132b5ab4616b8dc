// Certificate verification (Arts. 12, 21, 22): the 17-digit certificate
// number, or the QR code's link (/verify?cert=NUMBER&v=VERSION), opens the
// certificate's status now (GET /api/certificates/{number}), its versions,
// the signed document for offline checking (dipreg verify) and the PDF.
// A registry running without the certificate service (404 no_route) gets
// a plain "not yet available" and a look in the public register instead,
// which shows the registration but proves no signature.  Below, anyone
// handed a signed document (a certificate's JSON or a deposit receipt)
// has the registry check it as it is (POST /api/verify).
import { h, dv, clear } from '../dom.js';
import { t, tv } from '../i18n.js';
import { get, post, ApiError } from '../api.js';
import { pageHead, card, field, form, notice, dl, setFieldError } from '../ui.js';
import { fmtDate, fmtTime } from '../format.js';

export default async function verify(main, ctx) {
  const n0 = ctx.query.get('cert') || ctx.query.get('no') || '';
  const v0 = ctx.query.get('v') || '';
  const no = field({ label: t('verify.no'), path: 'cert-no', required: true, inputmode: 'numeric', maxlength: 17, value: n0, hint: t('verify.no_hint'), spellcheck: false, autocomplete: 'off' });
  const out = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  const f = form({ class: 'stack narrow', id: 'verify-form' }, [no, h('div.actions', h('button.btn', { type: 'submit' }, t('verify.check')))], async () => {
    setFieldError(no, '');
    const v = no.control.value.replace(/\s+/g, '');
    if (!/^\d{17}$/.test(v)) { setFieldError(no, t('verify.bad_no')); no.control.focus(); return; }
    history.replaceState(null, '', `/verify?cert=${v}`);
    await check(out, v, '');
  });
  main.append(pageHead('verify.title', 'verify.lead'), card(null, f), out, documentCheck());
  if (/^\d{17}$/.test(n0)) await check(out, n0, /^\d+$/.test(v0) ? v0 : '');
  return t('verify.title');
}

async function check(out, no, version) {
  clear(out);
  let c;
  try {
    c = await get(`/api/certificates/${no}${version ? '?version=' + version : ''}`);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    if (e.code !== 'no_route') {
      out.append(notice('error', h('strong', t('verify.not_found')), ' ', t('verify.not_found_d'), ' ', dv(e.message)));
      return;
    }
    await unavailable(out, no);
    return;
  }
  const doc = c.document || {};
  const cert = doc.certificate || {};
  const ds = cert.dataset || {};
  const q = `?version=${c.version}`;
  const ok = c.status === 'in_force';
  const box = card(t('verify.found'),
    notice(ok ? 'ok' : 'warn', h('strong', { id: 'cert-status' }, tv('certstatus', c.status)), ' ',
      c.status_since ? t('verify.since', { at: fmtTime(c.status_since) }) : null,
      c.reason ? [' ', dv(c.reason)] : null),
    c.latest_version && c.version !== c.latest_version
      ? notice('warn', t('verify.old_version', { v: c.version, latest: c.latest_version }), ' ', h('a', { href: `/verify?cert=${no}&v=${c.latest_version}` }, t('verify.see_latest')))
      : null,
    h('div.cert-grid',
      dl([[t('record.cert_no'), h('span.dv.mono', c.certificate_number)],
        c.registration_number ? [t('record.reg_no'), h('span.dv.mono', c.registration_number)] : null,
        [t('verify.version'), `${c.version} / ${c.latest_version || c.version}`],
        ds.name ? [t('field.name'), ds.name] : null,
        cert.holders ? [t('record.holders'), h('ul.parties', cert.holders.map((x) => h('li', dv(x.name), ' ', h('span.muted', tv('kind', x.kind)))))] : null,
        ds.industry ? [t('record.industry'), dv(`${ds.industry} ${cert.industry_name || ''}`)] : null,
        cert.registration_date ? [t('record.registered_on'), fmtDate(cert.registration_date)] : null,
        [t('verify.valid'), `${fmtDate(c.valid_from)} — ${fmtDate(c.valid_until)}`],
        c.issued_at ? [t('verify.issued'), fmtTime(c.issued_at)] : null,
        cert.registry ? [t('verify.registry'), cert.registry.name] : null,
        doc.signatures ? [t('verify.signatures'), h('ul.files', doc.signatures.map((s) => h('li', h('code.dv', `${s.type} ${s.key_id || s.name || ''}`))))] : null,
        doc.receipt ? [t('verify.log'), h('span', t('verify.log_index', { n: doc.receipt.index }))] : null]),
      h('img.qr', { src: `/api/certificates/${no}/qr.svg${q}`, alt: t('verify.qr'), width: '132', height: '132' })),
    h('div.actions',
      h('a.btn', { href: `/api/certificates/${no}/pdf${q}`, target: '_blank', rel: 'noopener' }, t('verify.pdf')),
      h('a.btn.btn-secondary', { href: `/api/certificates/${no}/document${q}`, target: '_blank', rel: 'noopener' }, t('verify.document')),
      c.application ? h('a.btn.btn-secondary', { href: `/records/${c.application}` }, t('verify.open_record')) : null),
    h('p.muted', t('verify.offline')),
    h('pre.cmd', { tabindex: '0' }, h('code', `curl -o certificate-${no}.json ${location.origin}/api/certificates/${no}/document\ndipreg verify certificate-${no}.json --key VERIFIER-KEY`)),
    h('p.muted', t('verify.key_hint'), ' ', h('a', { href: '/log/keys', target: '_blank', rel: 'noopener' }, '/log/keys')),
    c.versions && c.versions.length > 1 ? h('details.panel', h('summary', t('verify.versions')),
      h('ul', c.versions.map((x) => h('li', h('a', { href: `/verify?cert=${no}&v=${x.version}` }, t('verify.version_n', { v: x.version })), ' ', tv('certstatus', x.status), ' ', `${fmtDate(x.valid_from)} — ${fmtDate(x.valid_until)}`)))) : null);
  box.id = 'verify-found';
  out.append(box);
}

async function unavailable(out, no) {
  const box = card(t('verify.unavailable'), notice('info', t('verify.unavailable_d')));
  box.id = 'verify-unavailable';
  out.append(box);
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

// A document someone holds, checked by the registry byte for byte: signed
// by its log, in the log's tree, cosigned by how many witnesses, and for a
// certificate what the register says of it now.
function documentCheck() {
  const file = h('input', { type: 'file', id: 'verify-file', accept: '.json,application/json' });
  const result = h('div', { id: 'verify-doc-result', 'aria-live': 'polite' });
  const f = form({ class: 'stack', id: 'verify-doc-form' }, [
    h('div.field', h('label', { for: 'verify-file' }, t('verify.doc_file')), file, h('p.hint', t('verify.doc_hint'))),
    h('div.actions', h('button.btn.btn-secondary', { type: 'submit' }, t('verify.doc_check'))),
  ], async () => {
    clear(result);
    const chosen = file.files && file.files[0];
    if (!chosen) { result.append(notice('error', t('verify.doc_none'))); return; }
    if (chosen.size > 1024 * 1024) { result.append(notice('error', t('verify.doc_large'))); return; }
    const text = await chosen.text();
    let v;
    try {
      v = await post('/api/verify', {}, { raw: text });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status >= 500 || e.status === 0) throw e;
      result.append(notice('error', h('strong', t('verify.doc_not_ours')), ' ', dv(e.message)));
      return;
    }
    result.append(verdict(v));
  });
  const box = card(t('verify.doc_title'), h('p.muted', t('verify.doc_lead')), f, result);
  box.id = 'verify-document';
  return box;
}

function verdict(v) {
  if (!v.valid) {
    return notice('error', h('strong', { id: 'doc-verdict' }, t('verify.doc_invalid')), ' ',
      t(`verify.doc_fail_${v.failure}`), ' ', dv(v.message || ''));
  }
  const c = v.certificate || null;
  return h('div',
    notice(v.status && v.status !== 'in_force' ? 'warn' : 'ok', h('strong', { id: 'doc-verdict' }, t('verify.doc_valid')), ' ',
      c && v.status ? [tv('certstatus', v.status), v.status_since ? [' ', t('verify.since', { at: fmtTime(v.status_since) })] : null] : null),
    dl([
      [t('verify.doc_kind'), t(`verify.doc_kind_${v.kind}`)],
      c ? [t('record.cert_no'), h('span.dv.mono', c.certificate_number)] : null,
      c ? [t('verify.version'), `${c.version} / ${v.latest_version || c.version}`] : null,
      c && c.dataset ? [t('field.name'), c.dataset.name] : null,
      [t('verify.log'), t('verify.doc_entry', { n: v.index, size: v.tree_size, origin: v.origin })],
      [t('verify.doc_witnesses'), v.witnesses ? t('verify.doc_cosigned', { k: v.cosignatures, n: v.witnesses, q: v.quorum }) : t('verify.doc_no_witnesses')],
    ]));
}
