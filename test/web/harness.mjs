// harness.mjs - what every browser test file shares: its own dipreg
// server on a free port with a fresh database, an API client for setting
// up a scene quickly, and headless chromium with the checks every page
// gets (no script errors, no CSP violations, no request leaving the
// registry's origin).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const bin = process.env.DIPREG_BIN || join(repo, 'build', 'dipreg');
export const ADMIN_PW = 'test-admin-password';
export const shotsDir = join(here, 'screenshots');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- identity numbers with valid check characters ----
export function citizenId(base17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(base17[i]) * w[i];
  return base17 + '10X98765432'[s % 11];
}
export function uscc(base17) {
  const a = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let s = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    s += a.indexOf(base17[i]) * w;
    w = (w * 3) % 31;
  }
  return base17 + a[(31 - (s % 31)) % 31];
}

// ---- the server ----
export async function startServer(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dipreg-web-'));
  const db = join(dir, 'r.db');
  const data = join(dir, 'data');
  mkdirSync(data);
  const init = spawnSync(bin, ['admin', 'init', '--db', db, '--pw-cost', '4'], { input: ADMIN_PW + '\n', encoding: 'utf8', timeout: 20000 });
  assert.equal(init.status, 0, `admin init: ${init.stderr}`);
  const ready = join(dir, 'ready');
  const proc = spawn(bin, ['serve', '--db', db, '--data-dir', data, '--listen', '127.0.0.1:0', '--ready-file', ready,
    '--test-clock', '--pw-cost', '4', '--web', join(repo, 'web'), '--log-level', 'warn', '--threads', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const t0 = Date.now();
  while (!existsSync(ready)) {
    if (proc.exitCode !== null || Date.now() - t0 > 15000) throw new Error(`dipreg serve did not start: ${stderr}`);
    await sleep(50);
  }
  const url = readFileSync(ready, 'utf8').trim().replace(/\/$/, '');
  const admin = new Client(url);
  await admin.login('admin', ADMIN_PW);
  if (opts.now) await admin.setClock(opts.now);
  const server = {
    url, dir, admin,
    async stop() {
      proc.kill('SIGTERM');
      const t1 = Date.now();
      while (proc.exitCode === null && proc.signalCode === null && Date.now() - t1 < 5000) await sleep(50);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

// ---- an API client with a cookie and the CSRF token ----
export class Client {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  // Moving the test clock can end a session: sign in again once.
  async req(method, path, body, headers = {}) {
    try {
      return await this.req1(method, path, body, headers);
    } catch (e) {
      if (e.status !== 401 || !this.creds || path === '/api/session') throw e;
      await this.login(...this.creds);
      return this.req1(method, path, body, headers);
    }
  }

  async req1(method, path, body, headers = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body instanceof Uint8Array || typeof body === 'string') payload = body;
    else if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, signal: AbortSignal.timeout(15000) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error(`${method} ${path}: ${res.status} ${text}`);
      err.status = res.status;
      err.body = data;
      throw err;
    }
    return data;
  }

  async login(login, password) {
    this.cookie = '';
    this.csrf = '';
    const s = await this.req('POST', '/api/session', { login, password });
    this.csrf = s.csrf;
    this.creds = [login, password];
    return s;
  }

  async upload(bytes, mime, name) {
    // Anyone may upload, so an upload after the test clock ended the
    // session would belong to nobody: check the session first.
    if (this.creds) await this.req('GET', '/api/inbox/unread');
    return this.req('POST', `/api/uploads?name=${encodeURIComponent(name)}`, bytes, { 'Content-Type': mime });
  }

  setClock(now) {
    return this.req('POST', '/api/admin/clock', { now });
  }
}

let seq = 0;
// An applicant account (legal person) made through the API, signed in.
export async function makeApplicant(server, login) {
  seq += 1;
  const c = new Client(server.url);
  const idn = uscc(`91110108MA0${String(seq).padStart(5, '0')}A`);
  await c.req('POST', '/api/accounts', { login, password: `${login}-password-1`, display_name: `${login} 数据科技有限公司`, kind: 'legal', id_number: idn });
  await c.login(login, `${login}-password-1`);
  return c;
}

export async function makeExaminer(server, login = 'examiner1') {
  await server.admin.req('POST', '/api/admin/accounts', { login, password: `${login}-password-1`, display_name: '审查员 李静', kind: 'natural', id_number: citizenId('11010519880512341'), roles: ['examiner'] });
  const c = new Client(server.url);
  await c.login(login, `${login}-password-1`);
  return c;
}

let fpSeq = 1000;
export const PDF = new TextEncoder().encode('%PDF-1.4\n% dipreg test document\n%%EOF\n');
export const CSV = new TextEncoder().encode('record_id,observed_at,value\n1,2024-01-01T00:00:00,1.5\n');

// A complete Art. 5 content with its uploads, as an applicant's API client.
export async function fullContent(c, name) {
  const proof = await c.upload(PDF, 'application/pdf', 'proof.pdf');
  const sample = await c.upload(CSV, 'text/csv', `sample-${name.length}.csv`);
  const scan = await c.upload(new TextEncoder().encode(`%PDF-1.4\n% notarial certificate for ${name}\n%%EOF\n`), 'application/pdf', 'notary.pdf');
  return {
    name, industry: '54', scenario: '用于公交线网优化、运力调度和客流预测，服务交通管理部门。',
    source: { kind: 'own', description: '由运营的公交刷卡和扫码乘车系统采集形成。', formed_on: '2024-01-15', lawful_proof: proof.sha256 },
    structure: { fields: [{ name: 'record_id', format: 'char(32)' }, { name: 'value', format: 'decimal(12,4)' }], records: 120000, bytes: 52428800 },
    update: { frequency: 'daily', description: '按自然日增量更新' },
    algorithm: { summary: '对原始记录进行清洗、去重和聚合统计，形成标准化指标。', personal_data: false, public_data: false },
    evidence: { kind: 'notarisation', fingerprint: fingerprint(++fpSeq), notary_number: '(2024)京长安内经证字第1234号', notary_date: '2024-02-01', notary_scan: scan.sha256 },
    sample: sample.sha256, other: { status: '持续运营' }, declaration: { truthful: true },
  };
}

export function fingerprint(n) {
  return `sha256:${n.toString(16).padStart(64, '0')}`;
}

// ---- the browser ----
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// A browser context (its own cookies and storage) whose pages are watched:
// problems collects script errors, CSP violations and foreign requests.
export async function newContext(browser, server, opts = {}) {
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: opts.timezoneId || 'America/New_York' });
  context.setDefaultTimeout(10000);
  context.setDefaultNavigationTimeout(15000);
  const problems = [];
  context.on('page', (page) => watch(page, server, problems));
  context.problems = problems;
  return context;
}

function watch(page, server, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' && !/^Failed to load resource/.test(text)) problems.push(`console: ${text}`);
    if (/Content Security Policy/i.test(text)) problems.push(`csp: ${text}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('about:')) problems.push(`external request: ${u}`);
  });
}

// Opens path and waits until the page module finished rendering.  Once the
// portal is loaded it routes in the page, as a reader clicking a link
// would (and much faster than loading everything again); opts.reload
// loads the page afresh.
export async function open(page, server, path, opts = {}) {
  const loaded = !opts.reload && page.url().startsWith(server.url) && await page.evaluate(() => !!document.querySelector('main[data-ready]')).catch(() => false);
  if (!loaded) {
    await page.goto(server.url + path);
  } else {
    await page.evaluate((p) => {
      const a = document.createElement('a');
      a.href = p;
      document.body.append(a);
      a.click();
      a.remove();
    }, path);
  }
  await ready(page);
}

export async function ready(page) {
  await page.waitForSelector('main[data-ready]', { timeout: 15000 });
}

// Signs in through the portal's own form.  After the test clock jumped
// past the session's end the old cookie is dropped first, as the browser
// would have done by then in real time (the server refuses a sign-in that
// carries an ended session's cookie; see the report on issue 8).
export async function signIn(page, server, login, password, opts = {}) {
  if (opts.fresh) await page.context().clearCookies();
  await open(page, server, '/signin', { reload: true });
  await page.fill('#f-login', login);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.click('#signin-form button[type=submit]')]);
  await ready(page);
}

// axe-core, evaluated through the DevTools protocol (the page's CSP forbids
// injected script tags, rightly).
export async function axe(page) {
  const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!injected) await page.evaluate(axeSource);
  const r = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

export async function screenshot(page, name) {
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
}

// Text of the portal's own chrome: data values (.dv), elements marked with
// another language (the language switch), and user input are left out.
export async function chromeText(page) {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('.dv, [lang]:not([lang^="en"]), script, style, textarea, input').forEach((e) => e.remove());
    const attrs = [];
    clone.querySelectorAll('[placeholder], [aria-label], [title], [alt]').forEach((e) => {
      for (const a of ['placeholder', 'aria-label', 'title', 'alt']) if (e.getAttribute(a)) attrs.push(e.getAttribute(a));
    });
    return `${clone.textContent}\n${attrs.join('\n')}`;
  });
}

export const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

// Files an application with full content, has it published, and moves the
// clock past the publication period (Art. 11) so that the scheduler
// registers it; the application as read back afterwards.
export async function registeredApplication(server, holder, examiner, name, end = '2025-03-20T10:00:00+08:00') {
  const a = await holder.req('POST', '/api/applications', { content: await fullContent(holder, name) });
  await holder.req('POST', `/api/applications/${a.id}/submit`);
  await examiner.req('POST', `/api/applications/${a.id}/publish`);
  await server.admin.setClock(end);
  await server.admin.req('POST', '/api/admin/tick');
  return holder.req('GET', `/api/applications/${a.id}`);
}

// A registry with something on every page: a registered dataset, one in
// publication with an objection, one submitted, one draft, and the people
// who made them.  Returns ids and signed-in API clients.
export async function seedScene(server) {
  await server.admin.setClock('2025-03-03T10:00:00+08:00');
  const examiner = await makeExaminer(server, 'examiner1');
  const holder = await makeApplicant(server, 'holder');
  const registered = await registeredApplication(server, holder, examiner, '朝阳区城市停车泊位数据集');
  const pub = await holder.req('POST', '/api/applications', { content: await fullContent(holder, '海淀区空气质量监测数据集') });
  await holder.req('POST', `/api/applications/${pub.id}/submit`);
  await examiner.req('POST', `/api/applications/${pub.id}/publish`);
  const anon = new Client(server.url);
  const ev = await anon.upload(new TextEncoder().encode('%PDF-1.4\n% evidence\n%%EOF\n'), 'application/pdf', 'evidence.pdf');
  const objection = await anon.req('POST', `/api/applications/${pub.id}/objections`, { name: '王磊', contact: 'wanglei@example.cn', grounds: '监测站点数据来自我单位，申请人未取得授权。', evidence: [ev.sha256] });
  const sub = await holder.req('POST', '/api/applications', { content: await fullContent(holder, '通州区城市供水管网数据集') });
  await holder.req('POST', `/api/applications/${sub.id}/submit`);
  const draft = await holder.req('POST', '/api/applications', { content: { name: '昌平区教育学习行为数据集', industry: '83' } });
  return { examiner, holder, registered, published: pub, objection, submitted: sub, draft };
}

export const PASSWORDS = { holder: 'holder-password-1', examiner1: 'examiner1-password-1', admin: ADMIN_PW };
