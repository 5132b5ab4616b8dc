// Art. 16: a holder transfers a registered right jointly with the
// transferee, who confirms it from the delivery inbox; the notice carries
// the number the portal fills in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, signIn, makeApplicant, makeExaminer, registeredApplication } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ now: '2025-03-03T10:00:00+08:00' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('art16: the transferee confirms a joint transfer from the inbox, the number filled in', async () => {
  const examiner = await makeExaminer(server, 'examiner1');
  const holder = await makeApplicant(server, 'holder');
  const taker = await makeApplicant(server, 'taker');
  const app = await registeredApplication(server, holder, examiner, '西城区商圈客流数据集');
  assert.equal(app.state, 'registered');
  const r = await holder.req('POST', `/api/applications/${app.id}/requests`, { kind: 'transfer', counterparty: 'taker', unilateral: 0 });
  assert.equal(r.state, 'awaiting_party');

  const ctx = await newContext(browser, server);
  const page = await ctx.newPage();
  await signIn(page, server, 'taker', 'taker-password-1');
  await open(page, server, '/inbox');
  await page.click('details.msg summary:has-text("transfer to confirm")');
  const no = page.locator('details.msg[open] input[type=number]');
  assert.equal(await no.inputValue(), String(r.id), 'the number from the notice');
  await page.click('details.msg[open] button[type=submit]');
  // The welcome from signing in may still be showing: wait for this toast.
  await page.locator('#toasts .toast-ok', { hasText: new RegExp(`(转让事项|Transfer request) ${r.id}\\b`) }).waitFor();
  assert.equal((await taker.req('GET', `/api/requests/${r.id}`)).state, 'pending', 'now for the registry to decide');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});
