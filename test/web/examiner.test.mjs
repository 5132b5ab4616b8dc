// The examiner's console shows every open duty with its statutory
// deadline; as the test clock moves past a deadline the duty is flagged
// due soon, then overdue (the 两超期 idea), and the overdue report lists
// it.  Refusal names the grounds of Art. 9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, signIn, makeApplicant, makeExaminer, fullContent, screenshot } from './harness.mjs';

let server;
let browser;
let exam;
let page;
let late;
let other;

before(async () => {
  server = await startServer({ now: '2025-03-03T10:00:00+08:00' });
  await makeExaminer(server, 'examiner1');
  const holder = await makeApplicant(server, 'holder');
  late = await holder.req('POST', '/api/applications', { content: await fullContent(holder, '丰台区农产品批发价格数据集') });
  await holder.req('POST', `/api/applications/${late.id}/submit`);
  other = await holder.req('POST', '/api/applications', { content: await fullContent(holder, '通州区城市供水管网数据集') });
  await holder.req('POST', `/api/applications/${other.id}/submit`);
  browser = await launch();
  exam = await newContext(browser, server);
  page = await exam.newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = () => page.locator(`#task-table tr[data-app="${late.id}"]`).first();

test('art8: a fresh submission is a task with 3 working days and no flag', async () => {
  await signIn(page, server, 'examiner1', 'examiner1-password-1');
  assert.equal(await row().getAttribute('data-flag'), 'none');
  assert.match(await row().textContent(), /形式审查/);
  assert.match(await row().textContent(), /2025-03-06 23:59/);
  assert.match(await row().textContent(), /剩 3 个工作日/);
  assert.equal(await page.textContent('#count-overdue'), '0');
});

test('art8: on the last working day the duty is flagged due soon', async () => {
  await server.admin.setClock('2025-03-06T09:00:00+08:00');
  await signIn(page, server, 'examiner1', 'examiner1-password-1', { fresh: true });
  assert.equal(await row().getAttribute('data-flag'), 'due_soon');
  assert.match(await row().locator('.flag').textContent(), /即将到期/);
});

test('art8: past the deadline the duty is flagged overdue and reported', async () => {
  await server.admin.setClock('2025-03-07T09:00:00+08:00');
  await signIn(page, server, 'examiner1', 'examiner1-password-1', { fresh: true });
  assert.equal(await row().getAttribute('data-flag'), 'overdue');
  assert.match(await row().locator('.flag').textContent(), /已超期/);
  assert.match(await row().textContent(), /超期 1 个工作日/);
  assert.ok(Number(await page.textContent('#count-overdue')) >= 2);
  assert.match(await page.textContent('main .notice-error'), /超过法定期限/);
  await page.click('button[data-filter="overdue"]');
  assert.equal(await page.locator('#task-table tbody tr:not([data-flag="overdue"])').count(), 0);
  await screenshot(page, 'exam-tasks-flagged-desktop');
  await open(page, server, '/exam/overdue');
  assert.match(await page.textContent('main'), /丰台区农产品批发价格数据集/);
  assert.match(await page.textContent('main'), /超期事项报告/);
  assert.deepEqual(exam.problems, []);
});

test('art9: refusal names the grounds of Art. 9 with their text', async () => {
  await open(page, server, `/records/${other.id}`);
  await page.click('#refuse-panel summary');
  assert.match(await page.textContent('#refuse-panel'), /登记前未进行数据存证或者公证的/);
  page.once('dialog', (d) => d.accept());
  await page.check('#refuse-g3');
  await page.check('#refuse-g6');
  await page.fill('#f-refuse-text', '公证日期晚于申请日，且数据来源证明与实际不符。');
  await page.click('#refuse-form button[type=submit]');
  await page.waitForSelector('.record-head .badge.state-refused');
  const summary = await page.textContent('main .card');
  assert.match(summary, /登记前未进行数据存证或者公证的/);
  assert.match(summary, /申请人隐瞒事实或者弄虚作假的/);
  await open(page, server, '/exam/queue?state=refused');
  assert.match(await page.textContent('.record-list'), /通州区城市供水管网数据集/);
  assert.deepEqual(exam.problems, []);
});
