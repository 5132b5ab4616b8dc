// An applicant signs up, files a complete application through the form
// (uploads included), and later answers the examiner's correction notice
// (Arts. 5-8), all in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, ready, signIn, makeExaminer, uscc, PDF, CSV, fingerprint, screenshot } from './harness.mjs';

let server;
let browser;
let applicant;
let appId;

before(async () => {
  server = await startServer({ now: '2025-03-03T10:00:00+08:00' });
  await makeExaminer(server, 'examiner1');
  browser = await launch();
  applicant = await newContext(browser, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const file = (name, mimeType, buffer) => ({ name, mimeType, buffer: Buffer.from(buffer) });

async function uploadTo(page, inputSel, f) {
  await page.setInputFiles(inputSel, f);
  const wrap = page.locator(`.field:has(${inputSel})`);
  await wrap.locator('.upload-status .ok-mark').waitFor();
  assert.equal(await wrap.locator('progress').evaluate((p) => p.value), 100, 'the progress bar reached the end');
}

test('art6: sign up as a legal person; the check character is verified before sending', async () => {
  const page = await applicant.newPage();
  await open(page, server, '/signup');
  await page.check('#kind-legal');
  await page.fill('#f-login', 'newco');
  await page.fill('#f-display_name', '北京新数科技有限公司');
  const good = uscc('91110108MA01ABCD0');
  const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  await page.fill('#f-id_number', bad);
  await page.locator('#f-id_number').blur();
  await page.locator('#f-id_number-err').waitFor();
  assert.match(await page.textContent('#f-id_number-err'), /GB 32100-2015/);
  assert.equal(await page.getAttribute('#f-id_number', 'aria-invalid'), 'true');
  await page.fill('#f-id_number', good);
  await page.fill('#f-email', 'office@xinshu.example');
  await page.fill('#f-password', 'newco-password-1');
  await page.fill('#f-password2', 'newco-password-1');
  await Promise.all([page.waitForURL('**/my'), page.click('#signup-form button[type=submit]')]);
  await ready(page);
  assert.match(await page.textContent('.userbox'), /北京新数科技有限公司/);
  await page.close();
});

test('art7: submitting an incomplete form shows every defect from the registry at its field', async () => {
  const page = await applicant.newPage();
  await open(page, server, '/my');
  await page.click('#new-application');
  await ready(page);
  await page.fill('#f-name', '北京市新能源汽车充电行为数据集');
  await page.click('#btn-submit');
  await page.locator('#form-summary .notice-error').waitFor();
  const items = await page.locator('#form-summary .defect-links li').count();
  assert.ok(items >= 8, `every defect listed (${items})`);
  await page.locator('[data-path="scenario"] .field-error').waitFor();
  assert.match(await page.textContent('[data-path="scenario"] .field-error'), /scenario/);
  assert.match(await page.textContent('[data-path="declaration.truthful"] .field-error'), /declaration/);
  assert.match(page.url(), /\/apply\/\d+$/, 'the draft was saved first');
  await screenshot(page, 'apply-defects-desktop');
  await page.close();
});

test('art5: the complete application with uploads is filed through the form', async () => {
  const page = await applicant.newPage();
  await open(page, server, '/my');
  await page.click('.record-name');
  await ready(page);
  await page.click('#act-edit');
  await ready(page);
  assert.equal(await page.inputValue('#f-name'), '北京市新能源汽车充电行为数据集');
  // (2) the industry picker filters sections and divisions
  await page.fill('#f-industry-search', '电力');
  assert.ok(await page.locator('#ind-44').isVisible());
  assert.ok(!(await page.locator('#ind-01').isVisible()));
  await page.check('#ind-44');
  assert.match(await page.textContent('.ind-chosen'), /44/);
  await page.fill('#f-scenario', '用于充电桩布局规划与电网负荷调度，服务充电运营商和电网企业。');
  await page.selectOption('#f-source-kind', 'own');
  await page.fill('#f-source-description', '由自有充电运营平台的充电订单日志汇聚形成。');
  await page.fill('#f-source-formed_on', '2024-06-30');
  await uploadTo(page, '#f-source-lawful_proof', file('proof.pdf', 'application/pdf', PDF));
  await page.fill('#sf-name-1', 'order_id');
  await page.fill('#sf-format-1', 'char(32)');
  await page.fill('#sf-name-2', 'kwh');
  await page.fill('#sf-format-2', 'decimal(10,3)');
  await page.click('#sf-add');
  await page.fill('#sf-name-3', 'started_at');
  await page.fill('#sf-format-3', 'timestamp');
  await page.fill('#f-structure-records', '2500000');
  await page.fill('#f-structure-bytes', '734003200');
  await page.selectOption('#f-update-frequency', 'daily');
  await page.fill('#f-update-description', '按自然日增量更新，历史数据保留五年');
  await page.fill('#f-algorithm-summary', '对充电订单进行清洗、去重和按站点时段聚合，形成负荷指标。');
  await page.check('#f-algorithm-personal_data');
  await page.fill('#f-algorithm-anonymisation', '用户标识经加盐哈希处理，不可还原。');
  // (8) the help panel tells how to fingerprint locally
  await page.click('#fp-help summary');
  assert.match(await page.textContent('#fp-help'), /dipreg fingerprint/);
  // Art. 9 (3): the fingerprint can be deposited here, in one click
  await page.selectOption('#f-evidence-kind', 'deposit');
  await page.fill('#f-evidence-fingerprint', fingerprint(7));
  await page.click('#btn-deposit');
  await page.locator('.deposit-box .ok-mark').waitFor();
  assert.match(await page.inputValue('#f-evidence-deposit_id'), /^\d+$/);
  // ... or notarised, with the scan uploaded
  await page.selectOption('#f-evidence-kind', 'notarisation');
  await page.fill('#f-evidence-notary_number', '(2025)京方正内经证字第0301号');
  await page.fill('#f-evidence-notary_date', '2025-02-20');
  await uploadTo(page, '#f-evidence-notary_scan', file('notary.pdf', 'application/pdf', '%PDF-1.4\n% notarial certificate\n%%EOF\n'));
  await uploadTo(page, '#f-sample', file('sample.csv', 'text/csv', CSV));
  await page.fill('#f-other-status', '持续运营，数据质量稳定');
  await page.check('#f-declaration-truthful');
  await screenshot(page, 'apply-form-desktop');
  await Promise.all([page.waitForURL(/\/records\/\d+$/), page.click('#btn-submit')]);
  await ready(page);
  appId = Number(page.url().match(/(\d+)$/)[1]);
  assert.match(await page.textContent('.record-head .badge'), /待审查/);
  assert.match(await page.textContent('.deadlines'), /形式审查/);
  assert.deepEqual(applicant.problems, []);
  await page.close();
});

test('art8: the examiner sends one notice listing every defect, and the applicant answers', async () => {
  const exam = await newContext(browser, server);
  const ep = await exam.newPage();
  await signIn(ep, server, 'examiner1', 'examiner1-password-1');
  assert.match(ep.url(), /\/exam$/);
  assert.ok(await ep.locator(`#task-table tr[data-app="${appId}"]`).count(), 'the new application is a task');
  await ep.click(`#task-table tr[data-app="${appId}"] a`);
  await ready(ep);
  // the confidential uploads are viewable here
  assert.ok(await ep.locator('a.file-link').count() >= 3);
  await ep.click('#correction-panel summary');
  await ep.check('#corr-f-scenario');
  await ep.fill('#corr-f-scenario-msg', '请说明数据适用的对象和范围');
  await ep.check('#corr-f-source-lawful_proof');
  await ep.fill('#corr-f-source-lawful_proof-msg', '请补充充电订单数据的采集授权协议');
  await screenshot(ep, 'exam-correction-desktop');
  await ep.click('#correction-form button[type=submit]');
  await ep.waitForSelector('.record-head .badge.state-correction_requested');
  assert.deepEqual(exam.problems, []);
  await exam.close();

  const page = await applicant.newPage();
  await open(page, server, '/inbox');
  assert.ok(Number(await page.textContent('#unread-badge')) >= 2, 'the receipt and the correction notice are unread');
  const notice = page.locator('details.msg', { hasText: '补正通知书' }).first();
  assert.ok(await notice.evaluate((d) => d.classList.contains('unread')));
  await notice.locator('summary').click();
  await page.waitForFunction(() => !document.querySelector('details.msg[open]').classList.contains('unread'));
  assert.match(await notice.locator('.msg-text').textContent(), /请说明数据适用的对象和范围/);
  await open(page, server, `/records/${appId}`);
  await page.click('#act-reply');
  await ready(page);
  assert.match(await page.textContent('main'), /请补充充电订单数据的采集授权协议/);
  assert.ok(await page.locator('[data-path="scenario"].flagged').count(), 'the field named in the notice is marked');
  await page.fill('#f-scenario', '用于充电桩布局规划与电网负荷调度，服务北京市充电运营商和电网企业，覆盖全市公共充电站。');
  await uploadTo(page, '#f-source-lawful_proof', file('licence.pdf', 'application/pdf', '%PDF-1.4\n% data collection licence\n%%EOF\n'));
  await page.fill('#f-reply', '已补充适用范围和采集授权协议。');
  await Promise.all([page.waitForURL(`**/records/${appId}`), page.click('#btn-submit')]);
  await ready(page);
  assert.match(await page.textContent('.record-head .badge'), /待审查/);
  await page.click('#events summary');
  await page.locator('#events table').waitFor();
  assert.match(await page.textContent('#events'), /答复补正/);
  assert.deepEqual(applicant.problems, []);
  await page.close();
});
