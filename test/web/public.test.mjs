// A member of the public browses and searches the register, opens a
// publication and objects with evidence (Art. 10), follows the objection
// with its token (Art. 11), and tries to verify a certificate before the
// registry offers the certificate service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, ready, makeApplicant, makeExaminer, fullContent, registeredApplication, screenshot } from './harness.mjs';

let server;
let browser;
let pub;
let registered;
let published;
let objection;

before(async () => {
  server = await startServer({ now: '2025-03-03T10:00:00+08:00' });
  const examiner = await makeExaminer(server);
  const holder = await makeApplicant(server, 'holder');
  // Publication ends after 10 working days; the scheduler registers it.
  registered = await registeredApplication(server, holder, examiner, '朝阳区城市停车泊位数据集');
  assert.equal(registered.state, 'registered');
  const b = await holder.req('POST', '/api/applications', { content: await fullContent(holder, '海淀区空气质量监测数据集') });
  await holder.req('POST', `/api/applications/${b.id}/submit`);
  published = await examiner.req('POST', `/api/applications/${b.id}/publish`);
  browser = await launch();
  pub = await newContext(browser, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('art20: the home page lists announcements and publications; the register is searchable', async () => {
  const page = await pub.newPage();
  await open(page, server, '/');
  assert.match(await page.textContent('.ann-list'), /朝阳区城市停车泊位数据集/);
  assert.match(await page.textContent('.record-list'), /海淀区空气质量监测数据集/);
  await page.fill('#home-q', '停车');
  await Promise.all([page.waitForURL(/\/register\?q=/), page.press('#home-q', 'Enter')]);
  await ready(page);
  // Full-text search (GET /api/search) of the register.
  assert.match(await page.textContent('.search-info'), /共找到 1 条结果/);
  const names = await page.locator('.record-name').allTextContents();
  assert.deepEqual(names, ['朝阳区城市停车泊位数据集']);
  await page.fill('#reg-q', registered.certificate_number);
  await Promise.all([page.waitForURL(/q=\d{17}/), page.click('.search-bar button[type=submit]')]);
  await ready(page);
  assert.equal(await page.locator('.record-name').count(), 1);
  await page.click('.record-name');
  await ready(page);
  assert.ok((await page.textContent('main')).includes(registered.certificate_number));
  assert.doesNotMatch(await page.textContent('main'), /样例数据|依法依规获取的证明/, 'confidential items are not public');
  assert.deepEqual(pub.problems, []);
  await page.close();
});

test('art10: anyone objects to a publication with evidence and is given a token to keep', async () => {
  const page = await pub.newPage();
  await open(page, server, '/publications');
  await page.click(`a[href="/records/${published.id}"]`);
  await ready(page);
  assert.match(await page.textContent('.record-head .badge'), /公示中/);
  await page.click('#objection-form button[type=submit]');
  await page.locator('#f-obj-name-err').waitFor();
  await page.fill('#f-obj-name', '王磊');
  await page.fill('#f-obj-contact', 'wanglei@example.cn');
  await page.fill('#f-obj-grounds', '该数据集的监测站点数据来自我单位，申请人未取得授权。');
  await page.setInputFiles('#obj-evidence', [{ name: 'contract.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% our contract\n%%EOF\n') },
    { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') }]);
  await page.waitForFunction(() => document.querySelectorAll('#objection-form .file-list .ok-mark').length === 2);
  await page.click('#objection-form button[type=submit]');
  await page.locator('#objection-filed').waitFor();
  objection = { id: Number(await page.textContent('#objection-id')), token: await page.inputValue('#objection-token') };
  assert.match(objection.token, /^[0-9a-f]{32,}$/);
  assert.match(await page.textContent('#objection-filed'), /只显示这一次/);
  await screenshot(page, 'objection-filed-desktop');
  assert.deepEqual(pub.problems, []);
  await page.close();
});

test('art11: the objector follows the objection with the number and token', async () => {
  const other = await newContext(browser, server);
  const page = await other.newPage();
  await open(page, server, '/objections/follow');
  await page.fill('#f-follow-id', String(objection.id));
  await page.fill('#f-follow-token', 'f'.repeat(64));
  await page.click('#follow-form button[type=submit]');
  await page.locator('#follow-result .notice-error').waitFor();
  await page.fill('#f-follow-token', objection.token);
  await page.click('#follow-form button[type=submit]');
  await page.locator('#follow-result .badge.obj-filed').waitFor();
  assert.match(await page.textContent('#follow-result'), /该数据集的监测站点数据来自我单位/);
  assert.match(await page.textContent('#follow-result'), /3 个工作日内/);
  assert.deepEqual(other.problems, []);
  await other.close();
});

test('arts12-21: a certificate is verified by its number or its QR link', async () => {
  const page = await pub.newPage();
  await open(page, server, '/verify');
  await page.fill('#f-cert-no', '1234');
  await page.click('#verify-form button[type=submit]');
  await page.locator('#f-cert-no-err').waitFor();
  await page.fill('#f-cert-no', registered.certificate_number);
  await page.click('#verify-form button[type=submit]');
  await page.locator('#verify-found').waitFor();
  assert.match(await page.textContent('#cert-status'), /有效/);
  assert.match(await page.textContent('#verify-found'), /朝阳区城市停车泊位数据集/);
  assert.ok(await page.locator('#verify-found img.qr').evaluate((i) => i.complete && i.naturalWidth > 0), 'the QR code is shown');
  assert.match(page.url(), new RegExp(`cert=${registered.certificate_number}`));
  // the link in the certificate's QR code
  await open(page, server, `/verify?cert=${registered.certificate_number}&v=1`, { reload: true });
  await page.locator('#verify-found').waitFor();
  await open(page, server, '/verify?cert=20990199990000001');
  await page.locator('#verify-result .notice-error').waitFor();
  assert.deepEqual(pub.problems, []);
  await page.close();
});

test('arts12-21: a certificate document someone was handed is checked on the page, and a changed one is not genuine', async () => {
  const page = await pub.newPage();
  await open(page, server, '/verify');
  const res = await fetch(`${server.url}/api/certificates/${registered.certificate_number}/document`);
  const text = await res.text();
  await page.setInputFiles('#verify-file', { name: 'certificate.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.click('#verify-doc-form button[type=submit]');
  await page.locator('#doc-verdict').waitFor();
  assert.match(await page.textContent('#verify-doc-result'), /文件真实有效/);
  assert.match(await page.textContent('#verify-doc-result'), /有效/);
  assert.match(await page.textContent('#verify-doc-result'), new RegExp(registered.certificate_number));
  const forged = text.replace('朝阳区城市停车泊位数据集', '朝阳区城市停车泊位数据集（增补）');
  assert.notEqual(forged, text);
  await page.setInputFiles('#verify-file', { name: 'certificate.json', mimeType: 'application/json', buffer: Buffer.from(forged) });
  await page.click('#verify-doc-form button[type=submit]');
  await page.locator('#verify-doc-result .notice-error #doc-verdict').waitFor();
  assert.match(await page.textContent('#verify-doc-result'), /签名不符/);
  assert.deepEqual(pub.problems, []);
  await page.close();
});

test('arts12-21: without the certificate service the page says it is not yet available and looks in the register', async () => {
  const page = await pub.newPage();
  // A registry that does not run the certificate service answers no_route.
  await page.route('**/api/certificates/**', (route) => route.fulfill({
    status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'no_route', field: null, message: 'no such API route' } }),
  }));
  await open(page, server, `/verify?cert=${registered.certificate_number}`);
  await page.locator('#verify-unavailable').waitFor();
  assert.match(await page.textContent('#verify-unavailable'), /暂未开通/);
  await page.locator('#verify-unavailable a[href^="/records/"]').waitFor();
  assert.match(await page.textContent('#verify-unavailable'), /朝阳区城市停车泊位数据集/);
  assert.deepEqual(pub.problems, []);
  await page.close();
});
