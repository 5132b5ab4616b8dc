// Chinese by default, English by a switch the browser remembers; in
// English no Chinese character is left in the portal's own words (data
// values such as names and the registry's messages excepted).  The two
// dictionaries have the same keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newContext, open, signIn, seedScene, chromeText, CJK, PASSWORDS, screenshot } from './harness.mjs';
import zh from '../../web/js/i18n/zh.js';
import en from '../../web/js/i18n/en.js';

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

test('the Chinese and English dictionaries have the same keys, and English has no Chinese', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  const leaks = Object.entries(en).filter(([, v]) => CJK.test(v)).map(([k]) => k);
  assert.deepEqual(leaks, []);
});

function cjkLeft(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => CJK.test(l)).slice(0, 5);
}

test('the English switch is remembered after reload', async () => {
  const ctx = await newContext(browser, server);
  const page = await ctx.newPage();
  await open(page, server, '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('h1'), /数据知识产权登记/);
  assert.ok(CJK.test(await chromeText(page)), 'the check sees Chinese chrome when there is some');
  await page.click('#lang-switch');
  await page.waitForSelector('html[lang="en"]');
  assert.match(await page.textContent('h1'), /Data intellectual property registration/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lang-switch', 'focus stays on the switch');
  await page.reload();
  await page.waitForSelector('main[data-ready]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('#main-nav'), /Register/);
  await open(page, server, '/stats');
  assert.match(await page.textContent('h1'), /Statistics/);
  // the registry's own figures and charts (issue: statistics on /api/stats)
  await page.waitForSelector('li.tile[data-indicator="registered"]');
  assert.match(await page.textContent('li.tile[data-indicator="registered"]'), /registrations announced/);
  await page.waitForFunction(() => [...document.querySelectorAll('img.chart')].every((i) => i.complete && i.naturalWidth > 0));
  assert.equal(await page.locator('img.chart').count(), 6);
  assert.match(await page.getAttribute('a[href^="/api/stats/index.csv"]', 'href'), /lang=en/);
  await page.click('#lang-switch');
  await page.waitForSelector('html[lang="zh-CN"]');
  await page.reload();
  await page.waitForSelector('main[data-ready]');
  assert.match(await page.textContent('h1'), /统计/);
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

async function walk(page, paths, who) {
  for (const p of paths) {
    await open(page, server, p);
    // open the collapsed panels so their words are checked too
    await page.evaluate(() => document.querySelectorAll('main details').forEach((d) => { d.open = true; }));
    await page.waitForTimeout(150);
    const left = cjkLeft(await chromeText(page));
    assert.deepEqual(left, [], `${who} ${p} shows Chinese in English: ${left.join(' | ')}`);
  }
}

test('in English no Chinese is left in the chrome of the main pages', async () => {
  const s = scene;
  const ctx = await newContext(browser, server);
  await ctx.addInitScript(() => { try { localStorage.setItem('dipreg.lang', 'en'); } catch (e) { /* about:blank */ } });
  const page = await ctx.newPage();
  await walk(page, ['/', '/register', '/register?q=parking', '/publications', `/records/${s.registered.id}`, `/records/${s.published.id}`,
    '/verify?cert=20250311000000001', '/stats', '/objections/follow', `/objections/follow?id=${s.objection.id}`, '/signin', '/signup', '/help/fingerprint', '/nowhere'], 'public');
  await page.evaluate((o) => sessionStorage.setItem(`dipreg.objtoken.${o.id}`, o.token), s.objection);
  await walk(page, [`/objections/follow?id=${s.objection.id}`], 'objector');
  await signIn(page, server, 'holder', PASSWORDS.holder);
  await walk(page, ['/my', '/apply', `/apply/${s.draft.id}`, `/records/${s.submitted.id}`, `/records/${s.registered.id}`, `/records/${s.published.id}`, '/inbox'], 'applicant');
  await screenshot(page, 'en-inbox-desktop');
  await page.context().clearCookies();
  await signIn(page, server, 'examiner1', PASSWORDS.examiner1);
  await walk(page, ['/exam', '/exam/queue', '/exam/overdue', `/records/${s.submitted.id}`, `/records/${s.published.id}`, `/records/${s.registered.id}`], 'examiner');
  await screenshot(page, 'en-exam-record-desktop');
  await page.context().clearCookies();
  await signIn(page, server, 'admin', PASSWORDS.admin);
  await walk(page, ['/admin', '/admin?tab=calendar', '/admin?tab=scheduler', '/admin?tab=audit'], 'admin');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});
