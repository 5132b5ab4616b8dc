// What the operations tests share: running the real dipreg binary, a
// server on a fresh database and a free loopback port, a small HTTP
// client (with a source address of its choice, for the proxy tests), and
// valid identity numbers for sign-ups.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = process.env.DIPREG_BIN || join(ROOT, 'build', 'dipreg');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs dipreg with args; env adds to a copy of the environment without any
// DIPREG_ setting (the tests name every one they mean).
export function dipreg(args, { input, env = {}, cwd } = {}) {
  const clean = Object.fromEntries(Object.entries(process.env)
    .filter(([k]) => !k.startsWith('DIPREG_') || k === 'DIPREG_BIN'));
  return spawnSync(BIN, args, { input, encoding: 'utf8', env: { ...clean, ...env }, cwd, timeout: 60000 });
}

export function tempDir(tag) {
  return mkdtempSync(join(tmpdir(), `dipreg-${tag}-`));
}

// GB 11643-1999 check character of a citizen identity number.
export function citizenNumber(n = Math.floor(Math.random() * 900) + 100) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const base = `11010519850612${String(n).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(base[i]) * w[i];
  return base + '10X98765432'[sum % 11];
}

export const hex = (n = 16) => randomBytes(n).toString('hex');

// One HTTP/1.1 request; localAddress picks the client's loopback address.
export function request(url, { method = 'GET', headers = {}, body, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    // A connection per request: no answer depends on an earlier one.
    const req = http.request(url, { method, headers, localAddress, timeout: 10000, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        let json = null;
        try { json = JSON.parse(buf.toString('utf8')); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text: buf.toString('utf8'), body: json, buf });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// A signed-in browser: the session cookie and the CSRF token on writes.
export class Client {
  constructor(base, localAddress) {
    this.base = base;
    this.localAddress = localAddress;
    this.cookie = null;
    this.csrf = null;
    this.token = null;
  }

  async call(method, path, { json, body, type, headers = {} } = {}) {
    const h = { ...headers };
    if (json !== undefined) {
      body = JSON.stringify(json);
      type = 'application/json';
    }
    if (type) h['Content-Type'] = type;
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    else if (this.cookie) {
      h.Cookie = `dipreg_session=${this.cookie}`;
      if (method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    }
    const r = await request(this.base + path, { method, headers: h, body, localAddress: this.localAddress });
    for (const c of [].concat(r.headers['set-cookie'] ?? [])) {
      const m = /^dipreg_session=([^;]*)/.exec(c);
      if (m) this.cookie = m[1] || null;
    }
    return r;
  }

  async ok(method, path, json, status = 200) {
    const r = await this.call(method, path, json === undefined ? {} : { json });
    if (r.status !== status) throw new Error(`${method} ${path}: want ${status}, got ${r.status} ${r.text}`);
    return r.body;
  }

  async signIn(login, password) {
    const r = await this.call('POST', '/api/session', { json: { login, password } });
    if (r.status !== 200) throw new Error(`sign-in ${login}: ${r.status} ${r.text}`);
    this.csrf = r.body.csrf;
    return this;
  }
}

export class Server {
  constructor(dir, proc) {
    this.dir = dir;
    this.proc = proc;
    this.url = null;
    this.output = '';
    this.exited = null;
  }

  client(localAddress) { return new Client(this.url, localAddress); }

  async stop({ keep = false } = {}) {
    if (!this.exited) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await this.exitPromise;
      clearTimeout(t);
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

export const ADMIN_PASSWORD = 'admin-password-for-ops-tests';

// dipreg serve on a fresh database (with an admin account) in dir.
export async function startServer({ args = [], env = {}, dir, adminPassword = ADMIN_PASSWORD } = {}) {
  dir = dir ?? tempDir('ops');
  const db = join(dir, 'r.db');
  if (!existsSync(db)) {
    const init = dipreg(['admin', 'init', '--db', db, '--pw-cost', '4'], { input: `${adminPassword}\n` });
    if (init.status !== 0) throw new Error(`admin init: ${init.stderr}`);
  }
  const ready = join(dir, 'ready');
  rmSync(ready, { force: true });
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DIPREG_')));
  const proc = spawn(BIN, ['serve', '--db', db, '--data-dir', dir, '--listen', '127.0.0.1:0',
    '--pw-cost', '4', '--threads', '2', '--ready-file', ready, ...args],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...clean, ...env } });
  const srv = new Server(dir, proc);
  proc.stdout.on('data', (d) => { srv.output += d; });
  proc.stderr.on('data', (d) => { srv.output += d; });
  srv.exitPromise = new Promise((resolve) => proc.on('exit', (code, signal) => {
    srv.exited = { code, signal };
    resolve(srv.exited);
  }));
  for (let i = 0; i < 500 && !srv.exited; i++) {
    if (existsSync(ready)) {
      srv.url = readFileSync(ready, 'utf8').trim();
      return srv;
    }
    await sleep(20);
  }
  proc.kill('SIGKILL');
  throw new Error(`dipreg serve did not become ready: ${srv.output}`);
}

// Waits until pred() is truthy, at most ms.
export async function until(pred, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
