// Validity (Art. 13), renewal and expiry (Art. 14) over HTTP: the renewal
// window of one month before the last day, renewal running three years from
// the day after the previous expiry, a period starting on 29 February, an
// agreement that ends earlier, and cancellation when nobody renews.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, publishedApplication, makeContent } from './harness.mjs';

let srv, alice, examiner, leap, renewed, lapsed, lastDay, agreed;


async function publish(name, edit) {
  const content = await makeContent(alice, { name });
  if (edit) edit(content);
  return publishedApplication(alice, examiner, { content });
}

before(async () => {
  srv = await startServer();
  await srv.admin();
  await srv.setClock('2024-02-08T10:00:00+08:00');
  examiner = await srv.examiner();
  alice = await srv.signUp();
  leap = await publish('闰日登记数据集');
});
after(() => srv?.stop());

test('art13: announced on 29 February 2024, valid through 28 February 2027', async () => {
  await srv.setClock('2024-02-29T09:00:00+08:00');
  await srv.tick();
  const a = await alice.ok('GET', `/api/applications/${leap.id}`);
  assert.equal(a.state, 'registered');
  assert.equal(a.registration_date, '2024-02-29');
  assert.equal(a.valid_from, '2024-02-29');
  assert.equal(a.valid_until, '2027-02-28');
});

test('art13 art14: four more registrations announced on 24 June 2025, valid through 23 June 2028', async () => {
  await srv.setClock('2025-06-09T09:00:00+08:00');
  renewed = await publish('续展数据集');
  lapsed = await publish('到期注销数据集');
  lastDay = await publish('最后一日续展数据集');
  agreed = await publish('协议获取数据集', (c) => {
    c.source.kind = 'agreement';
    c.source.agreement_end = '2026-12-31';
  });
  await srv.setClock('2025-06-24T09:00:00+08:00');
  await srv.tick();
  for (const x of [renewed, lapsed, lastDay]) {
    const a = await alice.ok('GET', `/api/applications/${x.id}`);
    assert.equal(a.state, 'registered');
    assert.equal(a.valid_until, '2028-06-23');
  }
});

test('art13: an agreement shorter than three years sets the last day', async () => {
  const a = await alice.ok('GET', `/api/applications/${agreed.id}`);
  assert.equal(a.valid_until, '2026-12-31');
  const pub = await srv.anon().ok('GET', `/api/applications/${agreed.id}`);
  assert.equal(pub.valid_until, '2026-12-31');
});

test('art13 art14: a renewal past the end of the agreement is refused; the registration then expires', async () => {
  await srv.setClock('2026-12-01T09:00:00+08:00');
  const r = await alice.post(`/api/applications/${agreed.id}/renew`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.field, 'source.agreement_end');
  await srv.setClock('2027-01-01T09:00:00+08:00');
  await srv.tick();
  const a = await alice.ok('GET', `/api/applications/${agreed.id}`);
  assert.equal(a.state, 'cancelled');
  assert.equal(a.close_reason, 'expired');
  assert.equal(a.closed_at, '2027-01-01T00:00:00+08:00');
});

test('art14: renewal before the window is refused, naming the window', async () => {
  await srv.setClock('2027-01-27T16:00:00+08:00');
  const r = await alice.post(`/api/applications/${leap.id}/renew`);
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /opens on 2027-01-28 and closes at the end of 2027-02-28/);
  assert.match(r.body.error.message, /Art\. 14/);
});

test('art14: a renewal of the 29 February registration runs 1 March 2027 to 28 February 2030', async () => {
  await srv.setClock('2027-01-28T09:00:00+08:00');
  const a = await alice.ok('POST', `/api/applications/${leap.id}/renew`);
  assert.equal(a.valid_from, '2027-03-01');
  assert.equal(a.valid_until, '2030-02-28');
  assert.equal(a.cert_version, 2);
});

test('art14: the holder is reminded before expiry', async () => {
  await srv.setClock('2028-05-22T10:00:00+08:00');
  await srv.tick();
  const reminders = (await alice.ok('GET', '/api/inbox')).items
    .filter((m) => m.kind === 'expiry_notice' && m.application === renewed.id);
  assert.equal(reminders.length, 1);
  assert.match(reminders[0].body, /2028-06-23/);
});

test('art14: the day before the window opens, renewal is refused with the window\'s dates', async () => {
  const r = await alice.post(`/api/applications/${renewed.id}/renew`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'invalid_state');
  assert.match(r.body.error.message, /opens on 2028-05-23 and closes at the end of 2028-06-23/);
  // Only a holder renews.
  const bob = await srv.signUp();
  assert.ok([403, 404].includes((await bob.post(`/api/applications/${renewed.id}/renew`)).status));
  assert.equal((await examiner.post(`/api/applications/${renewed.id}/renew`)).status, 403);
});

test('art14: inside the window the renewal works: new certificate version, three years from the day after expiry', async () => {
  await srv.setClock('2028-05-23T09:00:00+08:00');
  const before = await alice.ok('GET', `/api/applications/${renewed.id}`);
  const a = await alice.ok('POST', `/api/applications/${renewed.id}/renew`);
  assert.equal(a.state, 'registered');
  assert.equal(a.cert_version, before.cert_version + 1);
  assert.equal(a.certificate_number, before.certificate_number);
  assert.equal(a.registration_date, '2025-06-24');
  assert.equal(a.valid_from, '2028-06-24');
  assert.equal(a.valid_until, '2031-06-23');
  const ann = (await srv.anon().ok('GET', '/api/announcements')).items
    .filter((x) => x.application === renewed.id);
  assert.equal(ann[0].type, 'certificate_version');
  assert.equal(ann[0].certificate.version, 2);
  assert.equal(ann[0].certificate.valid_from, '2028-06-24');
  assert.equal(ann[0].certificate.valid_until, '2031-06-23');
  const msg = (await alice.ok('GET', '/api/inbox')).items
    .find((m) => m.kind === 'renewal' && m.application === renewed.id);
  assert.match(msg.body, /2028-06-24/);
  const cert = await srv.anon().ok('GET', `/api/certificates/${a.certificate_number}`);
  assert.equal(cert.latest_version, 2);
  assert.equal(cert.status, 'in_force');
  assert.deepEqual(cert.versions.map((x) => [x.version, x.status, x.valid_from, x.valid_until]), [
    [1, 'superseded', '2025-06-24', '2028-06-23'],
    [2, 'in_force', '2028-06-24', '2031-06-23'],
  ]);
  // Renewed once, the next window is three years away.
  const again = await alice.post(`/api/applications/${renewed.id}/renew`);
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /2031-05-23/);
});

test('art14: renewal on the last day of validity still works', async () => {
  await srv.setClock('2028-06-23T23:58:00+08:00');
  await srv.tick();
  const a = await alice.ok('POST', `/api/applications/${lastDay.id}/renew`);
  assert.equal(a.valid_from, '2028-06-24');
  assert.equal(a.valid_until, '2031-06-23');
  assert.equal((await alice.ok('GET', `/api/applications/${lapsed.id}`)).state, 'registered');
});

test('art14: not renewed, the registration is cancelled after its last day and announced', async () => {
  await srv.setClock('2028-06-24T00:00:05+08:00');
  await srv.tick();
  const a = await alice.ok('GET', `/api/applications/${lapsed.id}`);
  assert.equal(a.state, 'cancelled');
  assert.equal(a.close_reason, 'expired');
  assert.equal(a.closed_at, '2028-06-24T00:00:00+08:00');
  for (const x of [renewed, lastDay])
    assert.equal((await alice.ok('GET', `/api/applications/${x.id}`)).state, 'registered');
  const ann = (await srv.anon().ok('GET', '/api/announcements')).items;
  const c = ann.find((x) => x.type === 'cancellation' && x.application === lapsed.id);
  assert.ok(c, JSON.stringify(ann.slice(0, 3)));
  assert.equal(c.reason, 'expired');
  const pub = await srv.anon().ok('GET', `/api/applications/${lapsed.id}`);
  assert.equal(pub.state, 'cancelled');
  assert.equal(pub.closed_at, '2028-06-24T00:00:00+08:00');
  const cancelled = await srv.anon().ok('GET', '/api/register?state=cancelled');
  assert.ok(cancelled.items.some((x) => x.id === lapsed.id));
  const cert = await srv.anon().ok('GET', `/api/certificates/${a.certificate_number}`);
  assert.equal(cert.status, 'expired');
  assert.equal(cert.in_force, false);
  assert.equal(cert.reason, 'expired');
  const late = await alice.post(`/api/applications/${lapsed.id}/renew`);
  assert.equal(late.status, 409);
  assert.ok((await alice.ok('GET', '/api/inbox')).items
    .some((m) => m.kind === 'cancellation' && m.application === lapsed.id));
});
