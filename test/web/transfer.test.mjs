// Arts. 15-17 in the portal: a holder transfers a registered right jointly
// with the transferee, who confirms or declines it from the list of
// transfers awaiting it at the top of the inbox (Art. 16); the parties
// follow their requests on their own page and withdraw one the registry
// has not decided.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, ready, signIn, makeApplicant, makeExaminer, fullContent, axe, chromeText, CJK, screenshot } from './harness.mjs';

let server;
let browser;
let holder;
let taker;
let apps;

const NAMES = ['西城区商圈客流数据集', '东城区共享单车骑行数据集', '丰台区物流配送时效数据集'];
const PW = { holder: 'holder-password-1', taker: 'taker-password-1' };

// Three registrations of one holder: filed and published together, then
// the clock moves past the publication period once (Art. 11).
before(async () => {
  server = await startServer({ now: '2025-03-03T10:00:00+08:00' });
  browser = await launch();
  const examiner = await makeExaminer(server, 'examiner1');
  holder = await makeApplicant(server, 'holder');
  taker = await makeApplicant(server, 'taker');
  const ids = [];
  for (const name of NAMES) {
    const a = await holder.req('POST', '/api/applications', { content: await fullContent(holder, name) });
    await holder.req('POST', `/api/applications/${a.id}/submit`);
    await examiner.req('POST', `/api/applications/${a.id}/publish`);
    ids.push(a.id);
  }
  await server.admin.setClock('2025-03-20T10:00:00+08:00');
  await server.admin.req('POST', '/api/admin/tick');
  apps = await Promise.all(ids.map((id) => holder.req('GET', `/api/applications/${id}`)));
  for (const a of apps) assert.equal(a.state, 'registered');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A page whose confirmation prompts (window.confirm) are answered yes.
async function pageAs(login) {
  const ctx = await newContext(browser, server);
  const page = await ctx.newPage();
  page.on('dialog', (d) => d.accept());
  await signIn(page, server, login, PW[login]);
  return { ctx, page };
}

const jointTransfer = (app) => holder.req('POST', `/api/applications/${app.id}/requests`, { kind: 'transfer', counterparty: 'taker', unilateral: 0 });

test('art16: the transferee confirms a joint transfer from the list of transfers awaiting it', async () => {
  const r = await jointTransfer(apps[0]);
  assert.equal(r.state, 'awaiting_party');
  const { ctx, page } = await pageAs('taker');
  await open(page, server, '/inbox');
  const item = page.locator(`#awaiting-list li.request[data-id="${r.id}"]`);
  await item.waitFor();
  assert.equal(await item.locator(`h3 a[href="/records/${apps[0].id}"]`).textContent(), NAMES[0]);
  const text = await item.textContent();
  assert.ok(text.includes(apps[0].registration_number), `the registration number: ${text}`);
  assert.match(text, /holder 数据科技有限公司/, 'the current holder');
  assert.match(text, /2025-03-20/, 'the date it was filed');
  // The notice no longer asks for the number: it points to the list.
  await page.click('details.msg summary:has-text("transfer to confirm")');
  assert.equal(await page.locator('details.msg[open] input').count(), 0);
  assert.match(await page.textContent('details.msg[open] .msg-body'), /本页顶部/);
  await item.locator('button', { hasText: '确认共同申请转让' }).click();
  // The welcome from signing in may still be showing: wait for this toast.
  await page.locator('#toasts .toast-ok', { hasText: new RegExp(`(转让事项|Transfer request) ${r.id}\\b`) }).waitFor();
  await page.locator('#awaiting-list .empty').waitFor();
  assert.equal(await page.locator('#awaiting-list li.request').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '待您确认的转让', 'focus back at the card');
  assert.equal((await taker.req('GET', `/api/requests/${r.id}`)).state, 'pending', 'now for the registry to decide');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('art16: the transferee declines a joint transfer with a reason, and the list empties', async () => {
  const r = await jointTransfer(apps[1]);
  const { ctx, page } = await pageAs('taker');
  await open(page, server, '/inbox');
  const item = page.locator(`#awaiting-list li.request[data-id="${r.id}"]`);
  await item.waitFor();
  assert.equal(await page.locator('#awaiting-list li.request').count(), 1, 'only the transfer still awaiting');
  assert.match(await item.locator('h3').textContent(), new RegExp(NAMES[1]));
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'inbox-awaiting-desktop');
  // In English nothing of the new card is left in Chinese.
  await page.click('#lang-switch');
  await page.waitForSelector('html[lang="en"]');
  await ready(page);
  // (the welcome toast from signing in was said in Chinese)
  await page.evaluate(() => {
    document.getElementById('toasts').replaceChildren();
    document.querySelectorAll('main details').forEach((d) => { d.open = true; });
  });
  const left = (await chromeText(page)).split('\n').map((l) => l.trim()).filter((l) => CJK.test(l));
  assert.deepEqual(left, []);
  await page.locator(`#decline-${r.id} textarea`).fill('我方尚未完成内部审批，暂不受让。');
  await page.click(`#decline-${r.id} button[type=submit]`);
  await page.locator('#toasts .toast-ok', { hasText: `Transfer request ${r.id} declined.` }).waitFor();
  await page.locator('#awaiting-list .empty').waitFor();
  assert.equal(await page.locator('#awaiting-list li.request').count(), 0);
  assert.match(await page.textContent('#awaiting-transfers'), /No transfer awaits your confirmation/);
  const q = await taker.req('GET', `/api/requests/${r.id}`);
  assert.equal(q.state, 'declined');
  assert.equal(q.decision, '我方尚未完成内部审批，暂不受让。');
  const inbox = await holder.req('GET', '/api/inbox');
  assert.ok(inbox.items.some((m) => m.kind === 'transfer_declined'), 'the holder is told');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('art16: the transferee is not offered the withdrawal of a transfer it confirmed', async () => {
  const { ctx, page } = await pageAs('taker');
  await open(page, server, '/my');
  const confirmed = (await taker.req('GET', '/api/requests?state=pending&kind=transfer')).items[0];
  assert.equal(confirmed.application, apps[0].id);
  assert.equal(confirmed.you, 'transferee');
  const item = page.locator(`#request-list li.request[data-id="${confirmed.id}"]`);
  await item.waitFor();
  assert.equal(await item.locator('details').count(), 0, 'only its filer or the holder withdraws');
  assert.equal(await item.getAttribute('data-state'), 'pending');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('art15 art16: the holder follows its requests on its own page and withdraws a pending filing', async () => {
  const lic = await holder.req('POST', `/api/applications/${apps[2].id}/requests`, { kind: 'licence', act_date: '2025-03-18', payload: { counterparty: '北京某交通研究院' } });
  assert.equal(lic.state, 'pending');
  const { ctx, page } = await pageAs('holder');
  await open(page, server, '/my');
  const list = page.locator('#request-list');
  await list.locator('li.request').first().waitFor();
  assert.equal(await list.locator('li.request').count(), 3, 'two transfers and the licence filing');
  const item = list.locator(`li.request[data-id="${lic.id}"]`);
  assert.match(await item.locator('h3').textContent(), /许可备案.*待审核/);
  assert.equal(await item.locator(`a[href="/records/${apps[2].id}"]`).textContent(), NAMES[2]);
  const declined = list.locator('li.request[data-state="declined"]');
  assert.match(await declined.textContent(), /受让方已拒绝/);
  assert.match(await declined.textContent(), /我方尚未完成内部审批/, 'the transferee\'s reason');
  assert.equal(await declined.locator('details').count(), 0, 'nothing left to withdraw');
  assert.deepEqual(await axe(page), []);
  await item.locator('summary', { hasText: '撤回' }).click();
  await screenshot(page, 'my-requests-desktop');
  await item.locator('textarea').fill('许可合同已解除。');
  await item.locator('button[type=submit]').click();
  await page.locator('#toasts .toast-ok', { hasText: `已撤回事项 ${lic.id}` }).waitFor();
  const after = list.locator(`li.request[data-id="${lic.id}"][data-state="withdrawn"]`);
  await after.waitFor();
  assert.match(await after.textContent(), /已撤回/);
  assert.match(await after.textContent(), /许可合同已解除。/);
  assert.equal(await after.locator('details').count(), 0);
  const q = await holder.req('GET', `/api/requests/${lic.id}`);
  assert.equal(q.state, 'withdrawn');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});
