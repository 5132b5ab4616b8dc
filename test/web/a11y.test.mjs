// Every main page, for each kind of visitor: axe-core finds no serious or
// critical violation, nothing overflows sideways at 375 px, and
// screenshots at desktop width and at 375 px are kept for review
// (test/web/screenshots/).  The keyboard reaches everything with a
// visible focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, signIn, seedScene, axe, screenshot, PASSWORDS } from './harness.mjs';

let server;
let browser;
let scene;

before(async () => {
  server = await startServer();
  scene = await seedScene(server);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function check(page, pages, who) {
  const failures = [];
  for (const [name, path] of pages) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await open(page, server, path);
    const v = await axe(page);
    if (v.length) failures.push(`${who} ${path}: ${v.join('; ')}`);
    await screenshot(page, `${name}-desktop`);
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(100);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 1) failures.push(`${who} ${path}: ${over}px wider than a 375 px screen`);
    if (name === 'home' || name === 'apply' || name === 'exam') {
      const v2 = await axe(page);
      if (v2.length) failures.push(`${who} ${path} at 375 px: ${v2.join('; ')}`);
    }
    await screenshot(page, `${name}-375`);
  }
  assert.deepEqual(failures, []);
}

test('public pages: accessible, responsive, screenshots', async () => {
  const s = scene;
  const ctx = await newContext(browser, server);
  const page = await ctx.newPage();
  await check(page, [['home', '/'], ['register', '/register'], ['search', '/register?q=停车'], ['publications', '/publications'],
    ['record-registered', `/records/${s.registered.id}`], ['record-publication', `/records/${s.published.id}`],
    ['verify', `/verify?cert=${s.registered.certificate_number}`], ['stats', '/stats'], ['follow', '/objections/follow'],
    ['signin', '/signin'], ['signup', '/signup'], ['help', '/help/fingerprint']], 'public');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('applicant pages: accessible, responsive, screenshots', async () => {
  const s = scene;
  const ctx = await newContext(browser, server);
  const page = await ctx.newPage();
  await signIn(page, server, 'holder', PASSWORDS.holder);
  await check(page, [['my', '/my'], ['apply', '/apply'], ['apply-draft', `/apply/${s.draft.id}`], ['record-own', `/records/${s.submitted.id}`],
    ['record-own-registered', `/records/${s.registered.id}`], ['inbox', '/inbox']], 'applicant');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('examiner and admin pages: accessible, responsive, screenshots', async () => {
  const s = scene;
  const ctx = await newContext(browser, server);
  const page = await ctx.newPage();
  await signIn(page, server, 'examiner1', PASSWORDS.examiner1);
  await check(page, [['exam', '/exam'], ['exam-queue', '/exam/queue'], ['exam-overdue', '/exam/overdue'],
    ['exam-record', `/records/${s.submitted.id}`], ['exam-objection', `/records/${s.published.id}`]], 'examiner');
  await ctx.clearCookies();
  await signIn(page, server, 'admin', PASSWORDS.admin);
  await check(page, [['admin', '/admin'], ['admin-calendar', '/admin?tab=calendar'], ['admin-audit', '/admin?tab=audit']], 'admin');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('keyboard: the skip link comes first, focus is visible, the menu opens at 375 px', async () => {
  const ctx = await newContext(browser, server, { viewport: { width: 375, height: 812 } });
  const page = await ctx.newPage();
  await open(page, server, '/');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.ok(!(await page.locator('#main-nav').isVisible()), 'the menu is folded on a phone');
  await page.focus('.menu-toggle');
  await page.keyboard.press('Enter');
  await page.locator('#main-nav').waitFor();
  assert.equal(await page.getAttribute('.menu-toggle', 'aria-expanded'), 'true');
  await page.locator('#main-nav a[href="/verify"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL('**/verify');
  await page.waitForSelector('main[data-ready="verify"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'the new page\'s heading has the focus');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-cert-no', 'Tab from the heading reaches the first field');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});
