// The main path of the procedure over HTTP on PostgreSQL: sign-up,
// submission, publication, an objection and its exchange, registration by
// the scheduler, the signed certificate, renewal and expiry, and the log
// checked afterwards by `dipreg check` on the database.  (The API suites of
// test/api cover the same ground in depth; test/run-all.sh runs them on
// PostgreSQL too when they are there.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pgBase, registry, startServer, staff, signUp, submit, pdf, dipreg } from './harness.mjs';

const skip = pgBase() === null ? 'PostgreSQL is not installed' : false;
let reg, srv, examiner, alice, objector, appA, appB, objection;

// Moves the clock, signs everyone in again (sessions end with a jump of
// days) and runs the scheduler to completion.
async function clock(iso) {
  await srv.setClock(iso);
  for (const c of [examiner, alice]) await c.signIn();
  await (await srv.admin()).ok('POST', '/api/admin/tick');
}

before(async () => {
  if (skip) return;
  reg = registry();
  srv = await startServer(reg);
  await srv.setClock('2025-06-09T09:00:00+08:00'); // a Monday
  examiner = await staff(srv, ['examiner']);
  alice = await signUp(srv.url, '北京数据科技有限公司');
  objector = srv.client();
});
after(async () => {
  await srv?.stop();
  if (reg) rmSync(reg.dir, { recursive: true, force: true });
});

test('art6 art7 art10: signed up, submitted and published', { skip }, async () => {
  appA = await submit(alice, '北京市公共交通客流数据集');
  appB = await submit(alice, '北京市共享单车骑行数据集');
  assert.equal(appA.state, 'submitted');
  for (const a of [appA, appB]) {
    const p = await examiner.ok('POST', `/api/applications/${a.id}/publish`);
    assert.equal(p.state, 'publication');
  }
  const pub = await srv.client().ok('GET', '/api/publications');
  assert.ok(pub.items.some((x) => x.id === appA.id));
});

test('art10 art11: an objection, forwarded, answered, supplemented and not upheld', { skip }, async () => {
  const ev = await objector.upload(pdf('证据'), 'application/pdf', 'evidence.pdf');
  const o = await objector.ok('POST', `/api/applications/${appB.id}/objections`,
    { name: '王五', contact: 'wang@example.org', grounds: '该数据集系异议人享有权益的数据。', evidence: [ev] }, 201);
  objection = o.id;
  objector.objectionToken = o.token;
  await clock('2025-06-10T09:00:00+08:00');
  assert.equal((await examiner.ok('POST', `/api/objections/${objection}/forward`, {})).state, 'forwarded');
  const proof = await alice.upload(pdf('答辩'), 'application/pdf', 'answer.pdf');
  await alice.ok('POST', `/api/objections/${objection}/answer`, { text: '数据系本公司自行采集。', evidence: [proof] });
  await examiner.ok('POST', `/api/objections/${objection}/forward-answer`, {});
  const more = await objector.upload(pdf('补充'), 'application/pdf', 'more.pdf');
  const s = await objector.ok('POST', `/api/objections/${objection}/supplement`,
    { text: '补充证据：原始采集记录。', evidence: [more] });
  assert.equal(s.state, 'awaiting_decision');
  const d = await examiner.ok('POST', `/api/objections/${objection}/decide`,
    { upheld: false, text: '异议人未能证明其权益，异议不成立。' });
  assert.equal(d.state, 'not_upheld');
  const msgs = await objector.ok('GET', `/api/objections/${objection}/messages`);
  assert.ok(msgs.items.some((m) => m.kind === 'objection_decision'));
});

test('art12 art13: the scheduler registers both when the publication ends; certificates verify', { skip }, async () => {
  await clock('2025-06-24T09:00:00+08:00');
  for (const a of [appA, appB]) {
    const x = await alice.ok('GET', `/api/applications/${a.id}`);
    assert.equal(x.state, 'registered');
    assert.equal(x.registration_date, '2025-06-24');
    assert.equal(x.valid_until, '2028-06-23');
  }
  const a = await alice.ok('GET', `/api/applications/${appA.id}`);
  const doc = await srv.client().call('GET', `/api/certificates/${a.certificate_number}/document`);
  assert.equal(doc.status, 200, doc.text);
  const keys = await srv.client().call('GET', '/log/keys');
  const file = join(reg.dir, 'certificate.json');
  writeFileSync(file, doc.text);
  const v = dipreg(['verify', file, '--key', keys.text.split('\n')[0]]);
  assert.equal(v.status, 0, v.stderr + v.stdout);
});

test('art14: renewed in its window; the other registration expires', { skip }, async () => {
  await clock('2028-05-23T09:00:00+08:00');
  const r = await alice.ok('POST', `/api/applications/${appA.id}/renew`);
  assert.equal(r.valid_until, '2031-06-23');
  assert.equal(r.cert_version, 2);
  await clock('2028-06-24T09:00:00+08:00');
  const b = await alice.ok('GET', `/api/applications/${appB.id}`);
  assert.equal(b.state, 'cancelled');
  assert.equal(b.close_reason, 'expired');
  assert.equal((await alice.ok('GET', `/api/applications/${appA.id}`)).state, 'registered');
});

test('art19: the database checks out, the log against its signed checkpoint', { skip }, async () => {
  const c = dipreg(['check', '--db', reg.db, '--data-dir', reg.dir]);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /signature and tiles verified/);
});
