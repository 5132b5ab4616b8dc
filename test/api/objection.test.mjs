// Objections during publication (Art. 10) and their exchange (Art. 11),
// over HTTP: an anonymous objector with evidence and a follow-up token,
// forwarding, the applicant's answer, forwarding the answer, the
// objector's supplement, and the decisions: not upheld (the application is
// registered, Art. 12) and upheld (refused on Art. 9 grounds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, publishedApplication, makeContent, pdf, hex } from './harness.mjs';

let srv, alice, bob, examiner, objector, appA, appB, objA, objB;
const CONTACT = `objector-${hex(4)}@example.org`;

const GROUNDS = '该数据集系异议人享有权益的数据，申请人未经许可采集。';

before(async () => {
  srv = await startServer();
  await srv.admin();
  await srv.setClock('2025-06-09T09:00:00+08:00'); // a Monday
  examiner = await srv.examiner();
  alice = await srv.signUp();
  bob = await srv.signUp({ kind: 'natural' });
  appA = await publishedApplication(alice, examiner);
  appB = await publishedApplication(alice, examiner,
    { content: await makeContent(alice, { name: '北京市共享单车骑行数据集' }) });
  objector = srv.anon();
});
after(() => srv?.stop());

test('art10: an objection needs evidence', async () => {
  const r = await objector.post(`/api/applications/${appA.id}/objections`,
    { name: '王五', contact: CONTACT, grounds: GROUNDS });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'evidence');
  const fake = await objector.post(`/api/applications/${appA.id}/objections`,
    { name: '王五', contact: CONTACT, grounds: GROUNDS, evidence: ['0'.repeat(64)] });
  assert.equal(fake.status, 422);
});

test('art10: anyone objects during publication with evidence and gets a follow-up token', async () => {
  const ev = await objector.upload(pdf('证据'), 'application/pdf', 'evidence.pdf');
  const r = await objector.post(`/api/applications/${appA.id}/objections`,
    { name: '王五', contact: CONTACT, grounds: GROUNDS, evidence: [ev] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.state, 'filed');
  assert.match(r.body.token, /^[0-9a-f]{48}$/);
  objA = r.body.id;
  objector.objectionToken = r.body.token;
  const o = await objector.ok('GET', `/api/objections/${objA}`);
  assert.equal(o.state, 'filed');
  assert.equal(o.contact, CONTACT);
  assert.deepEqual(o.evidence, [ev]);
  const msgs = await objector.ok('GET', `/api/objections/${objA}/messages`);
  assert.deepEqual(msgs.items.map((m) => m.kind), ['objection_receipt']);
  // Without the token, or with another, the objection is not there.
  assert.equal((await srv.anon().get(`/api/objections/${objA}`)).status, 404);
  const wrong = srv.anon();
  wrong.objectionToken = hex(24);
  assert.equal((await wrong.get(`/api/objections/${objA}`)).status, 404);
  assert.equal((await wrong.get(`/api/objections/${objA}/messages`)).status, 404);
  // The public sees that an objection exists, not what it says.
  const pub = await srv.anon().ok('GET', `/api/applications/${appA.id}`);
  assert.deepEqual(pub.objections.map((x) => [x.id, x.state]), [[objA, 'filed']]);
  assert.ok(!JSON.stringify(pub).includes(GROUNDS));
});

test('art10: the applicant cannot object to their own application', async () => {
  const ev = await alice.upload(pdf(), 'application/pdf', 'x.pdf');
  const r = await alice.post(`/api/applications/${appA.id}/objections`,
    { name: '自己', contact: 'a@b.cn', grounds: GROUNDS, evidence: [ev] });
  assert.equal(r.status, 403);
});

test('art11: the applicant does not see the objection before the registry forwards it', async () => {
  assert.equal((await alice.get(`/api/objections/${objA}`)).status, 404);
  const mine = await alice.ok('GET', `/api/applications/${appA.id}`);
  assert.equal(mine.objections[0].grounds, undefined);
  assert.equal(mine.objections[0].objector, undefined);
  const inbox = await alice.ok('GET', '/api/inbox');
  assert.ok(!inbox.items.some((m) => m.objection === objA));
  assert.ok(!JSON.stringify(inbox).includes(GROUNDS));
  // Nor one its objector withdrew before it was forwarded.
  const quitter = srv.anon();
  const ev = await quitter.upload(pdf('撤回'), 'application/pdf', 'withdrawn.pdf');
  const w = await quitter.ok('POST', `/api/applications/${appA.id}/objections`,
    { name: '赵七', contact: 'z@example.org', grounds: '撤回前的异议理由', evidence: [ev] }, 201);
  quitter.objectionToken = w.token;
  assert.equal((await quitter.ok('POST', `/api/objections/${w.id}/withdraw`, {})).state, 'withdrawn');
  assert.equal((await alice.get(`/api/objections/${w.id}`)).status, 404);
  assert.equal((await alice.get(`/api/objections/${w.id}/messages`)).status, 404);
  const after = await alice.ok('GET', `/api/applications/${appA.id}`);
  assert.ok(!JSON.stringify(after).includes('撤回前的异议理由'));
  // The registry's duty to forward within 3 working days is a task.
  const t = (await examiner.ok('GET', '/api/tasks')).items
    .find((x) => x.application === appA.id && x.kind === 'objection_forward');
  assert.equal(t.due_at, '2025-06-12T23:59:59+08:00');
});

test('art11: a signed-in objector files against the second application', async () => {
  const ev = await bob.upload(pdf('诉讼'), 'application/pdf', 'lawsuit.pdf');
  const r = await bob.post(`/api/applications/${appB.id}/objections`,
    { name: '张三', contact: '13900000000', grounds: '该数据集存在未解决的权属诉讼纠纷。', evidence: [ev] });
  assert.equal(r.status, 201, r.text);
  objB = r.body.id;
  assert.equal((await bob.ok('GET', `/api/objections/${objB}`)).state, 'filed');
});

test('art11: forwarded, the applicant sees the objection and answers within 10 working days', async () => {
  await srv.setClock('2025-06-10T09:00:00+08:00');
  // Only the registry forwards.
  assert.equal((await alice.post(`/api/objections/${objA}/forward`, {})).status, 403);
  assert.equal((await objector.post(`/api/objections/${objA}/forward`, {})).status, 401);
  const f = await examiner.ok('POST', `/api/objections/${objA}/forward`, {});
  assert.equal(f.state, 'forwarded');
  await examiner.ok('POST', `/api/objections/${objB}/forward`, {});
  const seen = await alice.ok('GET', `/api/objections/${objA}`);
  assert.equal(seen.grounds, GROUNDS);
  assert.equal(seen.contact, undefined, 'the objector\'s contact is not the applicant\'s business');
  const inbox = await alice.ok('GET', '/api/inbox');
  const m = inbox.items.find((x) => x.kind === 'objection_forwarded' && x.application === appA.id);
  assert.ok(m.body.includes(GROUNDS));
  const mine = await alice.ok('GET', `/api/applications/${appA.id}`);
  const dl = mine.deadlines.find((d) => d.kind === 'objection_answer');
  assert.equal(dl.due_at, '2025-06-24T23:59:59+08:00');
});

test('art11: the answer, forwarded to the objector, who adds evidence', async () => {
  await srv.setClock('2025-06-11T09:00:00+08:00');
  const proof = await alice.upload(pdf('采集合同'), 'application/pdf', 'contract.pdf');
  // Others may not answer for the applicant; an answer needs its text.
  assert.equal((await bob.post(`/api/objections/${objA}/answer`, { text: '不成立' })).status, 403);
  assert.equal((await alice.post(`/api/objections/${objA}/answer`, { evidence: [proof] })).status, 422);
  const a = await alice.ok('POST', `/api/objections/${objA}/answer`,
    { text: '数据由申请人自行采集，附采集合同。', evidence: [proof] });
  assert.equal(a.state, 'answered');
  // The objector sees the answer only once the registry forwards it.
  assert.equal((await objector.ok('GET', `/api/objections/${objA}`)).answer, undefined);
  assert.equal((await objector.post(`/api/objections/${objA}/supplement`, { text: '早了' })).status, 409);
  await examiner.ok('POST', `/api/objections/${objA}/forward-answer`, {});
  const o = await objector.ok('GET', `/api/objections/${objA}`);
  assert.equal(o.state, 'answer_forwarded');
  assert.equal(o.answer, '数据由申请人自行采集，附采集合同。');
  const msgs = await objector.ok('GET', `/api/objections/${objA}/messages`);
  assert.ok(msgs.items.some((x) => x.kind === 'answer_forwarded'));
  // Only the objector supplements: not the public, not the applicant.
  assert.equal((await srv.anon().post(`/api/objections/${objA}/supplement`, { text: '冒充' })).status, 403);
  assert.equal((await alice.post(`/api/objections/${objA}/supplement`, { text: '冒充' })).status, 403);
  await srv.setClock('2025-06-12T09:00:00+08:00');
  const ev2 = await objector.upload(pdf('补充'), 'application/pdf', 'more.pdf');
  const s = await objector.ok('POST', `/api/objections/${objA}/supplement`,
    { text: '补充证据：原始采集记录。', evidence: [ev2] });
  assert.equal(s.state, 'awaiting_decision');
  assert.deepEqual(s.supplement_evidence, [ev2]);
});

test('art11: not upheld; both sides are told', async () => {
  const d = await examiner.ok('POST', `/api/objections/${objA}/decide`,
    { upheld: false, text: '异议人未能证明其权益，异议不成立。' });
  assert.equal(d.state, 'not_upheld');
  const alicesInbox = await alice.ok('GET', '/api/inbox');
  assert.ok(alicesInbox.items.some((m) => m.kind === 'objection_decision' && m.application === appA.id));
  const msgs = await objector.ok('GET', `/api/objections/${objA}/messages`);
  assert.ok(msgs.items.some((m) => m.kind === 'objection_decision'));
  // Decided is decided.
  const again = await examiner.post(`/api/objections/${objA}/decide`, { upheld: true, grounds: [6], text: '改判' });
  assert.equal(again.status, 409);
  // The publication runs its full 10 working days regardless.
  assert.equal((await srv.anon().ok('GET', `/api/applications/${appA.id}`)).state, 'publication');
});

test('art10: once the publication is over, objections are refused', async () => {
  await srv.setClock('2025-06-24T09:00:00+08:00');
  await srv.tick();
  const ev = await srv.anon().upload(pdf('迟到'), 'application/pdf', 'late.pdf');
  const r = await srv.anon().post(`/api/applications/${appA.id}/objections`,
    { name: '迟到者', contact: 'late@example.org', grounds: GROUNDS, evidence: [ev] });
  assert.equal(r.status, 409);
});

test('art12: the objection not upheld, the application is registered when the publication ends', async () => {
  const a = await alice.ok('GET', `/api/applications/${appA.id}`);
  assert.equal(a.state, 'registered');
  assert.equal(a.registration_date, '2025-06-24');
  assert.equal(a.valid_until, '2028-06-23');
});

test('art10 art11: while an objection is undecided after the publication, the public still sees only the Art. 10 items', async () => {
  const b = await srv.anon().ok('GET', `/api/applications/${appB.id}`);
  assert.equal(b.state, 'objection');
  assert.deepEqual(Object.keys(b.content).sort(), ['algorithm', 'name', 'scenario', 'source']);
  assert.deepEqual(Object.keys(b.content.source), ['description']);
  assert.deepEqual(Object.keys(b.content.algorithm), ['summary']);
  assert.equal(b.industry, undefined);
  const list = await srv.anon().ok('GET', '/api/register');
  assert.ok(!list.items.some((x) => x.id === appB.id), 'not in the register before approval');
});

test('art11: the applicant\'s silence lapses the answer; upheld, the application is refused on Art. 9 grounds', async () => {
  await srv.setClock('2025-06-25T09:00:00+08:00');
  await srv.tick();
  const o = await examiner.ok('GET', `/api/objections/${objB}`);
  assert.equal(o.state, 'awaiting_decision');
  const noGrounds = await examiner.post(`/api/objections/${objB}/decide`, { upheld: true, text: '成立' });
  assert.equal(noGrounds.status, 422);
  assert.equal(noGrounds.body.error.field, 'grounds');
  const badGrounds = await examiner.post(`/api/objections/${objB}/decide`, { upheld: true, grounds: [8], text: '成立' });
  assert.equal(badGrounds.status, 422);
  const d = await examiner.ok('POST', `/api/objections/${objB}/decide`,
    { upheld: true, grounds: [4], text: '存在未解决的权属诉讼纠纷，异议成立。' });
  assert.equal(d.state, 'upheld');
  const b = await alice.ok('GET', `/api/applications/${appB.id}`);
  assert.equal(b.state, 'refused');
  assert.deepEqual(b.refusal_grounds, [4]);
  const refusal = (await alice.ok('GET', '/api/inbox')).items
    .find((m) => m.kind === 'refusal' && m.application === appB.id);
  assert.match(refusal.body, /第九条第（4）项/);
  assert.ok((await bob.ok('GET', '/api/inbox')).items.some((m) => m.kind === 'objection_decision'));
  assert.equal((await srv.anon().get(`/api/applications/${appB.id}`)).status, 404);
  const ann = (await srv.anon().ok('GET', '/api/announcements')).items;
  assert.ok(ann.some((x) => x.type === 'publication_refused' && x.application === appB.id));
  assert.ok(!ann.some((x) => x.type === 'registration' && x.application === appB.id));
});
