// Art. 8 over HTTP: one correction notice listing every defect, the reply
// period of 10 working days across the Spring Festival and National Day
// holidays of 2025, deemed withdrawal by the scheduler dated at the
// deadline, and a late reply with a justified reason that an examiner
// accepts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fileApplication, makeContent } from './harness.mjs';

let srv, alice, examiner, app, idle;

const DEFECTS = [
  { field: 'scenario', message: '应用场景未说明适用对象 / name who uses the data' },
  { field: 'structure.fields', message: '字段格式不完整 / give every field format' },
  { field: 'sample', message: '样例数据无法打开 / the sample cannot be opened' },
];

before(async () => {
  srv = await startServer();
  await srv.admin();
  await srv.setClock('2025-01-24T10:00:00+08:00'); // Friday before the Spring Festival
  examiner = await srv.examiner();
  alice = await srv.signUp({ kind: 'natural' });
  app = await fileApplication(alice);
  idle = await fileApplication(alice); // never examined: shows overdue flags
});
after(() => srv?.stop());

const task = async (id, kind) =>
  (await examiner.ok('GET', '/api/tasks')).items.find((t) => t.application === id && t.kind === kind);

test('art8: the examination deadline is 3 working days, counting the adjusted Sunday before the Spring Festival', async () => {
  const t = await task(app.id, 'examine');
  assert.equal(t.due_at, '2025-02-05T23:59:59+08:00');
  assert.equal(t.flag, '');
});

test('art8: one notice lists every defect; the reply is due 10 working days after delivery', async () => {
  await srv.setClock('2025-01-27T10:00:00+08:00');
  const a = await examiner.ok('POST', `/api/applications/${app.id}/correction`,
    { defects: DEFECTS, note: '请一并补正' });
  assert.equal(a.state, 'correction_requested');
  assert.equal(a.corrections, 1);
  const inbox = await alice.ok('GET', '/api/inbox');
  const notice = inbox.items.find((m) => m.kind === 'correction_notice' && m.application === app.id);
  assert.ok(notice, JSON.stringify(inbox));
  for (const d of DEFECTS) assert.ok(notice.body.includes(d.message), d.message);
  assert.match(notice.body, /2025-02-17T23:59:59\+08:00/);
  const mine = await alice.ok('GET', `/api/applications/${app.id}`);
  assert.deepEqual(mine.deadlines.map((d) => [d.kind, d.due_at, d.binds_party]),
    [['correction_reply', '2025-02-17T23:59:59+08:00', true]]);
  const ev = (await alice.ok('GET', `/api/applications/${app.id}/events`))
    .find((e) => e.action === 'request_correction');
  assert.deepEqual(ev.detail.defects, DEFECTS);
  assert.equal(ev.deadline_due, '2025-02-17T23:59:59+08:00');
  // Nothing of it is public.
  assert.equal((await srv.anon().get(`/api/applications/${app.id}`)).status, 404);
});

test('art8: a second correction notice is refused', async () => {
  const r = await examiner.post(`/api/applications/${app.id}/correction`,
    { defects: [{ field: 'name', message: '名称另有问题' }] });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'invalid_state');
});

test('art8: a notice must list at least one defect, each naming its field', async () => {
  for (const body of [{}, { defects: [] }, { defects: [{ field: 'name' }] }, { defects: 'name' },
    { defects: [{ field: '', message: 'x' }] }]) {
    const r = await examiner.post(`/api/applications/${idle.id}/correction`, body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.body.error.field, 'defects');
  }
});

test('art8: the examiner sees overdue examinations flagged (两超期)', async () => {
  await srv.setClock('2025-02-05T09:00:00+08:00');
  assert.equal((await task(idle.id, 'examine')).flag, 'due_soon');
  await srv.setClock('2025-02-06T09:00:00+08:00');
  const t = await task(idle.id, 'examine');
  assert.equal(t.flag, 'overdue');
  assert.ok((await examiner.ok('GET', '/api/tasks')).overdue >= 1);
  // The applicant's reply period is not a registry task.
  assert.equal(await task(app.id, 'correction_reply'), undefined);
});

test('art9 (5): the same dataset filed again is flagged as a duplicate for the examiner', async () => {
  const content = (await alice.ok('GET', `/api/applications/${app.id}`)).content;
  const again = await fileApplication(alice, { content: await makeContent(alice, { fp: content.evidence.fingerprint }) });
  const seen = await examiner.ok('GET', `/api/applications/${again.id}`);
  assert.deepEqual(seen.flags, ['duplicate']);
  assert.equal(seen.related_application, app.id);
  const t = await task(again.id, 'examine');
  assert.deepEqual(t.flags, ['duplicate']);
  await examiner.ok('POST', `/api/applications/${again.id}/refuse`, { grounds: [5], text: '重复登记（第九条第（五）项）' });
});

test('art8: silence until the end of the last day keeps the application open', async () => {
  await srv.setClock('2025-02-17T23:59:30+08:00');
  await srv.tick();
  assert.equal((await alice.ok('GET', `/api/applications/${app.id}`)).state, 'correction_requested');
});

test('art8: no reply in time, so it is deemed withdrawn, dated at the deadline', async () => {
  await srv.setClock('2025-02-18T08:30:00+08:00');
  // The scheduler, explicit runs and reads that apply due deadlines race
  // each other: the effect happens exactly once.
  const runs = await Promise.all([
    ...Array.from({ length: 6 }, () => srv.tick()),
    ...Array.from({ length: 6 }, () => alice.ok('GET', `/api/applications/${app.id}`)),
    ...Array.from({ length: 4 }, () => examiner.ok('GET', `/api/applications/${app.id}`)),
  ]);
  assert.ok(runs.slice(6).every((x) => x.state === 'deemed_withdrawn'));
  const a = await alice.ok('GET', `/api/applications/${app.id}`);
  assert.equal(a.state, 'deemed_withdrawn');
  assert.equal(a.closed_at, '2025-02-18T00:00:00+08:00');
  const ev = (await alice.ok('GET', `/api/applications/${app.id}/events`))
    .filter((e) => e.action === 'deem_withdrawn');
  assert.equal(ev.length, 1);
  assert.equal(ev[0].at, '2025-02-18T00:00:00+08:00');
  assert.equal(ev[0].actor_role, 'system');
  // Running the scheduler again applies nothing twice.
  await srv.tick();
  await srv.tick();
  assert.equal((await alice.ok('GET', `/api/applications/${app.id}/events`))
    .filter((e) => e.action === 'deem_withdrawn').length, 1);
  const inbox = await alice.ok('GET', '/api/inbox');
  assert.equal(inbox.items.filter((m) => m.kind === 'deemed_withdrawn').length, 1);
});

test('art8: an ordinary reply after the deadline is refused and points to the late reply', async () => {
  const content = (await alice.ok('GET', `/api/applications/${app.id}`)).content;
  const r = await alice.post(`/api/applications/${app.id}/reply`, { content, reply: '已补正' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'deadline_passed');
  assert.match(r.body.error.message, /late reply/);
});

test('art8: a late reply needs the justified reason', async () => {
  const content = (await alice.ok('GET', `/api/applications/${app.id}`)).content;
  const r = await alice.post(`/api/applications/${app.id}/late-reply`, { content, reply: '已补正' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reason');
});

test('art8: a late reply with a reason, accepted by the examiner, restores the application', async () => {
  const content = (await alice.ok('GET', `/api/applications/${app.id}`)).content;
  content.scenario = '用于城市交通规划与公交线网优化，服务交通管理部门、公交企业与出行平台，解决客流预测问题。';
  const reason = '春节期间公司停工，负责人住院，未能及时收到通知';
  const a = await alice.ok('POST', `/api/applications/${app.id}/late-reply`,
    { content, reply: '已按通知补正全部事项', reason });
  assert.equal(a.state, 'deemed_withdrawn');
  assert.deepEqual(a.flags, ['late_reply_pending']);
  // A second late reply waits for the first decision.
  assert.equal((await alice.post(`/api/applications/${app.id}/late-reply`,
    { content, reason })).status, 409);
  const t = await task(app.id, 'late_reply');
  assert.ok(t, 'the late reply is an examiner task');
  // Applicants do not decide.
  assert.equal((await alice.post(`/api/applications/${app.id}/late-reply/decision`,
    { accept: true, reason: '自己批准' })).status, 403);
  const d = await examiner.ok('POST', `/api/applications/${app.id}/late-reply/decision`,
    { accept: true, reason: '住院证明属实，理由正当（第八条）' });
  assert.equal(d.state, 'submitted');
  assert.deepEqual(d.flags, []);
  assert.equal(d.closed_at, null);
  assert.equal(d.content.scenario, content.scenario);
  const ev = (await alice.ok('GET', `/api/applications/${app.id}/events`));
  const late = ev.find((e) => e.action === 'late_reply');
  assert.equal(late.reason, reason);
  const acc = ev.find((e) => e.action === 'accept_late_reply');
  assert.equal(acc.reason, '住院证明属实，理由正当（第八条）');
  assert.equal(acc.deadline, 'examine');
  assert.equal(acc.deadline_due, '2025-02-21T23:59:59+08:00');
  assert.ok((await alice.ok('GET', '/api/inbox')).items.some((m) => m.kind === 'late_reply_accepted'));
  // The one notice of Art. 8 was spent: the examiner refuses or publishes now.
  const again = await examiner.post(`/api/applications/${app.id}/correction`, { defects: DEFECTS });
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /Art\. 8/);
});

test('art8: across National Day 2025 the reply period ends on 16 October; an answer in time goes back to examination', async () => {
  await srv.setClock('2025-09-25T15:00:00+08:00');
  const b = await fileApplication(alice, { content: await makeContent(alice, { name: '国庆客流数据集' }) });
  await srv.setClock('2025-09-26T11:00:00+08:00');
  await examiner.ok('POST', `/api/applications/${b.id}/correction`, { defects: DEFECTS.slice(0, 2) });
  const mine = await alice.ok('GET', `/api/applications/${b.id}`);
  assert.equal(mine.deadlines[0].due_at, '2025-10-16T23:59:59+08:00');
  await srv.setClock('2025-10-16T22:00:00+08:00');
  await srv.tick();
  const r = await alice.ok('POST', `/api/applications/${b.id}/reply`, { content: mine.content, reply: '已补正' });
  assert.equal(r.state, 'submitted');
  assert.deepEqual(r.deadlines.map((d) => [d.kind, d.due_at]), [['examine', '2025-10-21T23:59:59+08:00']]);
  await srv.setClock('2025-10-20T09:00:00+08:00');
  await srv.tick();
  assert.equal((await alice.ok('GET', `/api/applications/${b.id}`)).state, 'submitted');
  const second = await examiner.post(`/api/applications/${b.id}/correction`, { defects: DEFECTS });
  assert.equal(second.status, 409);
  assert.equal(second.body.error.code, 'invalid_state');
});
