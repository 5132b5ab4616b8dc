// Transfers of a registered data IP right (Art. 16) over HTTP: jointly
// (the transferee confirms, the registry approves and announces, Art. 17)
// and unilaterally by a new rights holder with a legal document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, publishedApplication, makeContent, pdf } from './harness.mjs';

let srv, alice, carol, dave, bob, examiner, joint, single, third, reqJoint, reqSingle;

before(async () => {
  srv = await startServer();
  await srv.admin();
  await srv.setClock('2025-06-09T09:00:00+08:00');
  examiner = await srv.examiner();
  alice = await srv.signUp({ name: '北京数据科技有限公司' });
  carol = await srv.signUp({ name: '上海港口数据有限公司' });
  dave = await srv.signUp({ kind: 'natural', name: '赵六' });
  bob = await srv.signUp();
  joint = await publishedApplication(alice, examiner);
  single = await publishedApplication(alice, examiner,
    { content: await makeContent(alice, { name: '北京市停车场泊位数据集' }) });
  third = await publishedApplication(alice, examiner,
    { content: await makeContent(alice, { name: '北京市充电桩使用数据集' }) });
  await srv.setClock('2025-06-24T09:00:00+08:00');
  await srv.tick();
  await srv.setClock('2025-07-01T09:00:00+08:00');
});
after(() => srv?.stop());

test('art16: a joint transfer waits for the transferee', async () => {
  const bad = await alice.post(`/api/applications/${joint.id}/requests`,
    { kind: 'transfer', counterparty: 'nobody-here' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.field, 'counterparty');
  const r = await alice.ok('POST', `/api/applications/${joint.id}/requests`,
    { kind: 'transfer', counterparty: carol.login, unilateral: 0 }, 201);
  assert.equal(r.state, 'awaiting_party');
  assert.equal(r.kind, 'transfer');
  reqJoint = r.id;
  const notice = (await carol.ok('GET', '/api/inbox')).items.find((m) => m.kind === 'transfer_confirm');
  assert.ok(notice, 'the transferee is told');
  assert.match(notice.body, new RegExp(`Request no\\. ${reqJoint}$`), 'with the number to confirm');
  assert.equal((await carol.ok('GET', `/api/requests/${reqJoint}`)).state, 'awaiting_party');
  assert.equal((await bob.get(`/api/requests/${reqJoint}`)).status, 404);
  // The registry decides only what both parties applied for.
  const early = await examiner.post(`/api/requests/${reqJoint}/decision`, { accept: true });
  assert.equal(early.status, 409);
  // Only the transferee confirms.
  assert.equal((await bob.post(`/api/requests/${reqJoint}/confirm`)).status, 404);
  assert.equal((await alice.post(`/api/requests/${reqJoint}/confirm`)).status, 404);
});

test('art16 art17: confirmed and approved, the holders change and the transfer is announced', async () => {
  const c = await carol.ok('POST', `/api/requests/${reqJoint}/confirm`);
  assert.equal(c.state, 'pending');
  assert.equal((await carol.post(`/api/requests/${reqJoint}/confirm`)).status, 409);
  const task = (await examiner.ok('GET', '/api/tasks')).items
    .find((t) => t.application === joint.id && t.kind === 'review');
  assert.ok(task);
  const before = await alice.ok('GET', `/api/applications/${joint.id}`);
  const d = await examiner.ok('POST', `/api/requests/${reqJoint}/decision`, { accept: true, reason: '双方共同申请，材料齐全' });
  assert.equal(d.state, 'approved');
  const now = await carol.ok('GET', `/api/applications/${joint.id}`);
  assert.deepEqual(now.applicants.map((p) => p.name), ['上海港口数据有限公司']);
  assert.equal(now.cert_version, before.cert_version + 1);
  assert.equal(now.certificate_number, before.certificate_number);
  assert.equal(now.valid_until, before.valid_until);
  const pub = await srv.anon().ok('GET', `/api/applications/${joint.id}`);
  assert.deepEqual(pub.holders.map((h) => h.name), ['上海港口数据有限公司']);
  const ann = (await srv.anon().ok('GET', '/api/announcements')).items.filter((x) => x.application === joint.id);
  assert.deepEqual(ann.slice(0, 2).map((x) => x.type).sort(), ['certificate_version', 'transfer']);
  const cert = ann.find((x) => x.type === 'certificate_version').certificate;
  assert.deepEqual(cert.holders.map((h) => h.name), ['上海港口数据有限公司']);
  assert.equal(cert.version, 2);
});

test('art16: the former holder no longer acts on the registration', async () => {
  const a = await alice.ok('GET', `/api/applications/${joint.id}`);
  assert.equal(a.content.sample, undefined, 'the former holder sees the register entry only');
  assert.equal(a.actions, undefined);
  const back = await alice.post(`/api/applications/${joint.id}/requests`,
    { kind: 'transfer', counterparty: alice.login });
  assert.equal(back.status, 403);
  const change = await alice.post(`/api/applications/${joint.id}/requests`,
    { kind: 'change', payload: { changes: { other: { status: '停止运营' } } } });
  assert.equal(change.status, 403);
  assert.ok([403, 404].includes((await alice.post(`/api/applications/${joint.id}/renew`)).status));
  assert.ok(!(await alice.ok('GET', '/api/applications')).items.some((x) => x.id === joint.id));
  // The new holder does.
  const ch = await carol.ok('POST', `/api/applications/${joint.id}/requests`,
    { kind: 'change', payload: { changes: { other: { status: '已转让，持续运营' } } } }, 201);
  assert.equal(ch.state, 'pending');
  assert.ok((await carol.ok('GET', '/api/applications')).items.some((x) => x.id === joint.id));
});

test('art16 (2): a new rights holder files alone with the legal document', async () => {
  const none = await dave.post(`/api/applications/${single.id}/requests`,
    { kind: 'transfer', unilateral: 2, counterparty: dave.login });
  assert.equal(none.status, 422);
  assert.equal(none.body.error.field, 'legal_document');
  // Someone else's upload is not the filer's document.
  const others = await bob.upload(pdf('判决书'), 'application/pdf', 'judgment.pdf');
  const stolen = await dave.post(`/api/applications/${single.id}/requests`,
    { kind: 'transfer', unilateral: 2, counterparty: dave.login, legal_document: others });
  assert.equal(stolen.status, 422);
  // Joint transfers are for the holder; case numbers stop at (4).
  assert.equal((await dave.post(`/api/applications/${single.id}/requests`,
    { kind: 'transfer', unilateral: 0, counterparty: dave.login })).status, 403);
  const doc = await dave.upload(pdf('（2025）京0108民初1234号民事判决书'), 'application/pdf', 'judgment.pdf');
  assert.equal((await dave.post(`/api/applications/${single.id}/requests`,
    { kind: 'transfer', unilateral: 5, counterparty: dave.login, legal_document: doc })).status, 403);
  assert.equal((await alice.post(`/api/applications/${single.id}/requests`,
    { kind: 'transfer', unilateral: 5, counterparty: dave.login })).status, 422);
  const r = await dave.ok('POST', `/api/applications/${single.id}/requests`,
    { kind: 'transfer', unilateral: 2, counterparty: dave.login, legal_document: doc }, 201);
  assert.equal(r.state, 'pending');
  assert.equal(r.unilateral, 2);
  assert.equal(r.payload.legal_document, doc);
  reqSingle = r.id;
  // The examiner reads the document; the holder is told when it is decided.
  assert.equal((await examiner.get(`/api/uploads/${doc}`)).status, 200);
  assert.equal((await dave.ok('GET', `/api/requests/${reqSingle}`)).state, 'pending');
});

test('art16 art17: approved, the registration passes to the new rights holder', async () => {
  const rej = await examiner.post(`/api/requests/${reqSingle}/decision`, { accept: false });
  assert.equal(rej.status, 422);
  assert.equal(rej.body.error.field, 'reason');
  await examiner.ok('POST', `/api/requests/${reqSingle}/decision`, { accept: true, reason: '生效判决确认权属' });
  const a = await dave.ok('GET', `/api/applications/${single.id}`);
  assert.deepEqual(a.applicants.map((p) => p.name), ['赵六']);
  assert.equal(a.applicants[0].id_number.slice(6, 14), '********');
  assert.ok((await dave.ok('GET', '/api/inbox')).items.some((m) => m.kind === 'request_approved'));
  assert.ok((await alice.ok('GET', '/api/inbox')).items.some((m) => m.kind === 'request_approved' && m.application === single.id));
  assert.equal((await alice.post(`/api/applications/${single.id}/requests`,
    { kind: 'cancel' })).status, 422, 'the former holder is a stranger now: only with a legal document');
  const pub = await srv.anon().ok('GET', `/api/applications/${single.id}`);
  assert.deepEqual(pub.holders.map((h) => h.name), ['赵六']);
  assert.match(pub.holders[0].id_number, /^\d{6}\*{8}\d{3}[\dX]$/);
});

test('art16: the transferee finds the transfers awaiting it and declines one', async () => {
  const r = await alice.ok('POST', `/api/applications/${third.id}/requests`,
    { kind: 'transfer', counterparty: bob.login, unilateral: 0 }, 201);
  const waiting = await bob.ok('GET', '/api/requests?awaiting=true');
  assert.deepEqual(waiting.items.map((x) => x.id), [r.id]);
  const item = waiting.items[0];
  assert.equal(item.state, 'awaiting_party');
  assert.equal(item.kind, 'transfer');
  assert.equal(item.application, third.id);
  assert.equal(item.name, '北京市充电桩使用数据集');
  assert.match(item.registration_number, /^\d{16}$/);
  assert.deepEqual(item.holders, ['北京数据科技有限公司']);
  assert.equal(item.you, 'transferee');
  assert.equal(waiting.next, null);
  // Nobody else is asked; the filer sees what it filed.
  assert.ok(!(await carol.ok('GET', '/api/requests?awaiting=true')).items.some((x) => x.id === r.id));
  assert.ok(!(await carol.ok('GET', '/api/requests')).items.some((x) => x.id === r.id));
  assert.equal((await alice.ok('GET', '/api/requests')).items.find((x) => x.id === r.id).you, 'filer');
  assert.ok((await alice.ok('GET', '/api/requests?kind=transfer&state=awaiting_party')).items.some((x) => x.id === r.id));
  assert.ok(!(await alice.ok('GET', '/api/requests?kind=change')).items.some((x) => x.id === r.id));
  // Bad filters name their field.
  for (const [q, field] of [['state=lost', 'state'], ['kind=gift', 'kind'], ['awaiting=maybe', 'awaiting'], ['limit=0', 'limit']]) {
    const bad = await alice.get(`/api/requests?${q}`);
    assert.equal(bad.status, 422, q);
    assert.equal(bad.body.error.field, field, q);
  }
  assert.equal((await srv.anon().get('/api/requests')).status, 401);
  // Only the transferee declines; the reason reaches the holder.
  assert.equal((await carol.post(`/api/requests/${r.id}/decline`, {})).status, 404);
  assert.equal((await alice.post(`/api/requests/${r.id}/decline`, {})).status, 404);
  const bad = await bob.post(`/api/requests/${r.id}/decline`, { reason: 7 });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.field, 'reason');
  const d = await bob.ok('POST', `/api/requests/${r.id}/decline`, { reason: '对价未谈妥' });
  assert.equal(d.state, 'declined');
  assert.equal(d.decision, '对价未谈妥');
  assert.ok(d.decided_at);
  assert.equal((await bob.post(`/api/requests/${r.id}/decline`, {})).status, 409);
  assert.equal((await bob.post(`/api/requests/${r.id}/confirm`)).status, 409);
  assert.deepEqual((await bob.ok('GET', '/api/requests?awaiting=true')).items, []);
  const told = (await alice.ok('GET', '/api/inbox')).items.find((m) => m.kind === 'transfer_declined');
  assert.ok(told && told.application === third.id);
  assert.equal(told.body, '对价未谈妥');
  const ev = await alice.ok('GET', `/api/applications/${third.id}/events`);
  assert.ok(ev.some((x) => x.action === 'decline_request'));
  // The registry sees every request.
  assert.ok((await examiner.ok('GET', '/api/requests?state=declined')).items.some((x) => x.id === r.id));
  const a = await alice.ok('GET', `/api/applications/${third.id}`);
  assert.deepEqual(a.applicants.map((p) => p.name), ['北京数据科技有限公司'], 'nothing passed');
});

test('art16: the holder withdraws a transfer not yet confirmed, and a request under review', async () => {
  const r = await alice.ok('POST', `/api/applications/${third.id}/requests`,
    { kind: 'transfer', counterparty: bob.login, unilateral: 0 }, 201);
  assert.equal((await bob.post(`/api/requests/${r.id}/withdraw`, {})).status, 403, 'the transferee declines instead');
  assert.equal((await carol.post(`/api/requests/${r.id}/withdraw`, {})).status, 404);
  assert.equal((await examiner.post(`/api/requests/${r.id}/withdraw`, {})).status, 403);
  const w = await alice.ok('POST', `/api/requests/${r.id}/withdraw`, {});
  assert.equal(w.state, 'withdrawn');
  assert.ok((await bob.ok('GET', '/api/inbox')).items.some((m) => m.kind === 'transfer_withdrawn' && m.application === third.id));
  assert.equal((await bob.post(`/api/requests/${r.id}/confirm`)).status, 409);
  assert.equal((await alice.post(`/api/requests/${r.id}/withdraw`, {})).status, 409);
  // Under review: withdrawn, the examiner's task goes with it.
  const c = await alice.ok('POST', `/api/applications/${third.id}/requests`,
    { kind: 'change', payload: { changes: { other: { status: '更新频率调整为每日' } } } }, 201);
  assert.equal(c.state, 'pending');
  const task = () => examiner.ok('GET', '/api/tasks').then((x) => x.items.some((t) => t.application === third.id && t.kind === 'review'));
  assert.ok(await task());
  const cw = await alice.ok('POST', `/api/requests/${c.id}/withdraw`, { reason: '内容有误，重新申请' });
  assert.equal(cw.state, 'withdrawn');
  assert.equal(cw.decision, '内容有误，重新申请');
  assert.ok(!(await task()));
  assert.equal((await examiner.post(`/api/requests/${c.id}/decision`, { accept: true })).status, 409);
  const mine = (await alice.ok('GET', '/api/requests?state=withdrawn')).items.map((x) => x.id);
  assert.deepEqual(mine.slice(0, 2), [c.id, r.id]);
  // Paged: the cursor carries on where the page stopped.
  const p1 = await alice.ok('GET', '/api/requests?limit=1');
  assert.equal(p1.items.length, 1);
  const p2 = await alice.ok('GET', `/api/requests?limit=1&after=${p1.next}`);
  assert.ok(p2.items[0].id < p1.items[0].id);
});

// Arts. 12, 16: a certificate document someone was handed is checked by
// the registry: genuine and in its log, and what the register says of it
// now; a version the transfer replaced is superseded, a changed byte fails.
test('art12 art16: a certificate document is verified with its status now, and a tampered one fails', async () => {
  const a = await carol.ok('GET', `/api/applications/${joint.id}`);
  const anon = srv.anon();
  const doc = async (v) => {
    const r = await fetch(`${srv.url}/api/certificates/${a.certificate_number}/document?version=${v}`);
    assert.equal(r.status, 200);
    return r.text();
  };
  const post = (text) => anon.call('POST', '/api/verify', { body: Buffer.from(text), type: 'application/json' });
  const v2 = await post(await doc(2));
  assert.equal(v2.status, 200);
  assert.equal(v2.body.valid, true, v2.body.message);
  assert.equal(v2.body.kind, 'certificate');
  assert.equal(v2.body.status, 'in_force');
  assert.equal(v2.body.certificate.certificate_number, a.certificate_number);
  assert.deepEqual(v2.body.certificate.holders.map((h) => h.name), ['上海港口数据有限公司']);
  assert.ok(v2.body.index >= 0 && v2.body.tree_size > v2.body.index);
  assert.equal(v2.body.witnessed, false, 'no witness is configured');
  const v1 = await post(await doc(1));
  assert.equal(v1.body.valid, true);
  assert.equal(v1.body.status, 'superseded');
  assert.equal(v1.body.latest_version, 2);
  // One holder's name changed: the signature no longer holds.
  const forged = (await doc(2)).replace('上海港口数据有限公司', '上海港口数据有限责任公司');
  const f = await post(forged);
  assert.equal(f.status, 200);
  assert.equal(f.body.valid, false);
  assert.equal(f.body.failure, 'signature');
  assert.match(f.body.message, /bad signature/);
  // Not a document of the registry at all.
  const bad = await post(JSON.stringify({ type: 'invoice' }));
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.field, 'type');
  assert.equal((await post('{"type":')).status, 400);
});
