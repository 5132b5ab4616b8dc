// A new user's whole path through the registry, over HTTP: sign-up,
// uploads, drafting, submission, examination, publication, registration,
// the certificate and the announcements, and the inbox of delivered
// documents.  Confidential material is marked with unique strings, and no
// public answer, announcement or log line may contain them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeContent, hex } from './harness.mjs';

const MARK = `Q${hex(6)}Z`;
const EMAIL = `contact-${hex(4)}@example.cn`;
const PHONE = `1380${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const SECRETS = [MARK, EMAIL, PHONE];

let srv, alice, examiner, app, content;
const publicTexts = [];

// Reads a public route anonymously and keeps the answer for the leak check.
async function publicGet(path) {
  const r = await srv.anon().get(path);
  publicTexts.push(`${path}\n${r.text}`);
  return r;
}

function assertNoSecrets(texts) {
  for (const t of texts)
    for (const s of SECRETS)
      assert.ok(!t.includes(s), `confidential "${s}" leaked in: ${t.slice(0, 300)}`);
}

before(async () => {
  srv = await startServer();
  await srv.admin();
  await srv.setClock('2025-03-03T09:00:00+08:00'); // a Monday
  examiner = await srv.examiner();
});
after(() => srv?.stop());

test('art6: a legal person signs up and signs in; its contacts are its own', async () => {
  alice = await srv.signUp({ kind: 'legal', name: '北京数据科技有限公司', email: EMAIL, phone: PHONE });
  const me = await alice.ok('GET', '/api/session');
  assert.equal(me.account.kind, 'legal');
  assert.deepEqual(me.account.roles, ['applicant']);
  assert.equal(me.account.email, EMAIL);
  assert.equal(me.unread, 0);
});

test('art5 art7: uploads, a draft, and the submission dated when the registry stored it', async () => {
  content = await makeContent(alice, { mark: MARK });
  const draft = await alice.ok('POST', '/api/applications', { content }, 201);
  assert.equal(draft.state, 'draft');
  assert.equal(draft.submitted_at, null);
  assert.deepEqual(draft.content, content);
  app = await alice.ok('POST', `/api/applications/${draft.id}/submit`);
  assert.equal(app.state, 'submitted');
  assert.match(app.submitted_at, /^2025-03-03T09:0\d:\d\d\+08:00$/);
  // The reply shows the application as it was stored: the examination
  // deadline and the receipt's effects included.
  assert.deepEqual(app, await alice.ok('GET', `/api/applications/${draft.id}`));
  assert.equal(app.deadlines.length, 1);
  // The owner reads the sample back; nobody else may.
  const sample = await alice.get(`/api/uploads/${content.sample}`);
  assert.equal(sample.status, 200);
  assert.match(sample.headers.get('content-type'), /^text\/csv/);
  assert.equal((await srv.anon().get(`/api/uploads/${content.sample}`)).status, 401);
  const bob = await srv.signUp();
  assert.equal((await bob.get(`/api/uploads/${content.sample}`)).status, 404);
  assert.equal((await bob.get(`/api/applications/${app.id}`)).status, 404);
  assert.equal((await publicGet(`/api/applications/${app.id}`)).status, 404);
});

test('art8: the examiner sees the application in the tasks with its 3-working-day deadline', async () => {
  const tasks = await examiner.ok('GET', '/api/tasks');
  const t = tasks.items.find((x) => x.application === app.id);
  assert.ok(t, JSON.stringify(tasks));
  assert.equal(t.kind, 'examine');
  assert.equal(t.due_at, '2025-03-06T23:59:59+08:00');
  assert.equal(t.working_days_left, 3);
  assert.equal(t.flag, '');
  assert.equal(t.binds_party, false);
  // The applicant's view carries the same deadline.
  const mine = await alice.ok('GET', `/api/applications/${app.id}`);
  assert.deepEqual(mine.deadlines.map((d) => [d.kind, d.due_at]), [['examine', '2025-03-06T23:59:59+08:00']]);
});

test('art10: publication shows exactly the applicant, name, scenario, data source and algorithm summary', async () => {
  const pub = await examiner.ok('POST', `/api/applications/${app.id}/publish`);
  assert.equal(pub.state, 'publication');
  const r = await publicGet(`/api/applications/${app.id}`);
  assert.equal(r.status, 200);
  const p = r.body;
  assert.equal(p.state, 'publication');
  assert.deepEqual(p.content, {
    name: content.name,
    scenario: content.scenario,
    source: { description: content.source.description },
    algorithm: { summary: content.algorithm.summary },
  });
  assert.deepEqual(p.applicants.map((a) => a.name), ['北京数据科技有限公司']);
  for (const k of Object.keys(p))
    assert.ok(['id', 'state', 'name', 'application', 'applicants', 'content', 'objections',
      'submitted_at', 'published_at', 'publication_ends', 'registration_date', 'valid_until',
      'registration_number'].includes(k),
    `public key ${k}`);
  assert.equal(p.industry, undefined);
  assert.equal(p.publication_ends, '2025-03-17T23:59:59+08:00');
  // The list of publications says no more than the publication itself.
  const list = await publicGet('/api/publications');
  const item = list.body.items.find((x) => x.id === app.id);
  assert.ok(item);
  assert.equal(item.name, content.name);
  for (const k of Object.keys(item))
    assert.ok(!['industry', 'content', 'fingerprint', 'flags'].includes(k), `publication list key ${k}`);
  const ann = await publicGet('/api/announcements');
  const e = ann.body.items.find((x) => x.type === 'publication' && x.application === app.id);
  assert.ok(e, JSON.stringify(ann.body));
  assert.deepEqual(e.content, p.content);
  await publicGet('/api/register');
  assertNoSecrets(publicTexts);
});

test('art10: the publication period is 10 working days; the scheduler ends it, not before', async () => {
  await srv.setClock('2025-03-17T23:59:00+08:00');
  await srv.tick();
  assert.equal((await publicGet(`/api/applications/${app.id}`)).body.state, 'publication');
});

test('art12 art13: registered the next day, with a certificate valid three years from the announcement day', async () => {
  await srv.setClock('2025-03-18T00:00:30+08:00');
  await srv.tick();
  const a = await alice.ok('GET', `/api/applications/${app.id}`);
  assert.equal(a.state, 'registered');
  assert.equal(a.registered_at, '2025-03-18T00:00:00+08:00');
  assert.equal(a.registration_date, '2025-03-18');
  assert.equal(a.valid_from, '2025-03-18');
  assert.equal(a.valid_until, '2028-03-17');
  assert.equal(a.cert_version, 1);
  assert.match(a.certificate_number, /^2025031100\d{7}$/);
  const events = await alice.ok('GET', `/api/applications/${app.id}/events`);
  const reg = events.find((e) => e.action === 'register');
  assert.equal(reg.actor_role, 'system');
  assert.equal(reg.at, '2025-03-18T00:00:00+08:00');
  // The register shows the entry to anyone.
  const pub = (await publicGet(`/api/applications/${app.id}`)).body;
  assert.equal(pub.state, 'registered');
  assert.equal(pub.certificate_number, a.certificate_number);
  assert.equal(pub.valid_until, '2028-03-17');
  assert.equal(pub.content.sample, undefined);
  assert.equal(pub.content.structure?.fields, undefined);
  assert.equal(pub.content.algorithm?.anonymisation, undefined);
  const register = await publicGet('/api/register');
  assert.ok(register.body.items.some((x) => x.id === app.id));
  // Anyone verifies the certificate (Arts. 13, 22).
  const cert = (await publicGet(`/api/certificates/${a.certificate_number}`)).body;
  assert.equal(cert.status, 'in_force');
  assert.equal(cert.valid_from, '2025-03-18');
  assert.equal(cert.valid_until, '2028-03-17');
  assert.equal(cert.version, 1);
  await publicGet(`/api/certificates/${a.certificate_number}/document`);
  const pdf = await srv.anon().get(`/api/certificates/${a.certificate_number}/pdf`);
  assert.equal(pdf.status, 200);
  assert.match(pdf.headers.get('content-type'), /^application\/pdf/);
});

test('art12: announcements list the publication and the registration with its certificate', async () => {
  const ann = (await publicGet('/api/announcements')).body.items;
  const mine = ann.filter((x) => x.application === app.id);
  assert.deepEqual(mine.map((x) => x.type), ['registration', 'publication']);
  const cert = mine[0].certificate;
  assert.equal(cert.valid_from, '2025-03-18');
  assert.equal(cert.valid_until, '2028-03-17');
  assert.equal(cert.version, 1);
  assert.ok(mine[0].log_index > mine[1].log_index);
  assert.ok(!ann.some((x) => x.type === 'deposit'));
});

test('art7: receipt, publication and certificate are delivered; the unread count falls as they are read', async () => {
  const inbox = await alice.ok('GET', '/api/inbox');
  const kinds = inbox.items.map((m) => m.kind).sort();
  assert.deepEqual(kinds, ['certificate', 'publication', 'receipt']);
  assert.equal(inbox.unread, 3);
  const receipt = inbox.items.find((m) => m.kind === 'receipt');
  assert.match(receipt.body, /2025-03-06T23:59:59\+08:00/);
  const cert = inbox.items.find((m) => m.kind === 'certificate');
  assert.match(cert.body, /2028-03-17/);
  let unread = 3;
  for (const m of inbox.items) {
    await alice.ok('POST', `/api/inbox/${m.id}/read`);
    unread--;
    assert.equal((await alice.ok('GET', '/api/inbox/unread')).unread, unread);
  }
  // Reading twice changes nothing; another account cannot touch them.
  await alice.ok('POST', `/api/inbox/${inbox.items[0].id}/read`);
  assert.equal((await alice.ok('GET', '/api/inbox?unread=1')).items.length, 0);
  assert.equal((await examiner.post(`/api/inbox/${inbox.items[0].id}/read`)).status, 404);
  assert.equal((await alice.ok('GET', '/api/session')).unread, 0);
});

test('art10 art20: no public answer, announcement or log line holds confidential material', async () => {
  await publicGet('/api/publications');
  await publicGet('/api/register?state=registered');
  await publicGet(`/api/applications/${app.id}`);
  await publicGet('/api/announcements?limit=200');
  assertNoSecrets(publicTexts);
  assertNoSecrets([srv.log()]);
  // The examiner's read of the whole content is audited (Art. 19).
  const admin = await srv.admin();
  await examiner.ok('GET', `/api/applications/${app.id}`);
  const audit = await admin.ok('GET', `/api/admin/audit?object=application:${app.id}`);
  assert.ok(audit.items.some((x) => x.action === 'read_confidential' && x.actor === examiner.id));
});

test('art9 (3): a dataset deposited moments before the submission has its evidence in time', async () => {
  const c = await makeContent(alice, { name: '北京市出租车轨迹数据集' });
  const fp = `sha256:${hex(32)}`;
  const dep = await alice.call('POST', '/api/deposits', { json: { fingerprint: fp, files: 12, bytes: 123456 } });
  assert.equal(dep.status, 201, dep.text);
  assert.equal(dep.body.entry.fingerprint, fp);
  const id = Number(dep.headers.get('x-deposit-id'));
  assert.equal((await alice.get(`/api/deposits/${id}/receipt`)).status, 200);
  assert.equal((await srv.anon().get(`/api/deposits/${id}/receipt`)).status, 401);
  c.evidence = { kind: 'deposit', fingerprint: fp, deposit_id: id };
  const d = await alice.ok('POST', '/api/applications', { content: c }, 201);
  const s = await alice.ok('POST', `/api/applications/${d.id}/submit`);
  assert.equal(s.state, 'submitted');
  // A deposit of another dataset, or of somebody else, is not evidence.
  const bob = await srv.signUp();
  const theirs = await bob.call('POST', '/api/deposits', { json: { fingerprint: `sha256:${hex(32)}`, files: 1, bytes: 1 } });
  const c2 = await makeContent(alice, { name: '北京市网约车订单数据集' });
  c2.evidence = { kind: 'deposit', fingerprint: theirs.body.entry.fingerprint, deposit_id: Number(theirs.headers.get('x-deposit-id')) };
  const d2 = await alice.ok('POST', '/api/applications', { content: c2 }, 201);
  const r = await alice.post(`/api/applications/${d2.id}/submit`);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'evidence.deposit_id');
  // Deposits are receipts for their depositor, not announcements.
  assert.ok(!(await srv.anon().ok('GET', '/api/announcements?limit=200')).items.some((x) => x.type === 'deposit'));
});
