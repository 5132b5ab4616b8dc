// The PostgreSQL harness of the node suites in test/pg: a throwaway
// cluster, a fresh database per registry, `dipreg serve` on it, and a small
// HTTP client that speaks as the registry's users do.
//
// The cluster is the one DIPREG_TEST_PG names (a postgresql:// URL of a
// maintenance database, as test/pg/cluster.sh prints it, on which the
// suites create databases of their own; test/run-all.sh starts one for
// every suite), else one this process starts and stops.  When PostgreSQL
// is not installed, pgBase() is null and the suites skip.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = process.env.DIPREG_BIN || join(ROOT, 'build', 'dipreg');
export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const PASSWORD = 'correct horse battery staple';
const CLUSTER = join(ROOT, 'test', 'pg', 'cluster.sh');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const hex = (n = 32) => randomBytes(n).toString('hex');
export const fingerprint = () => `sha256:${hex(32)}`;

// ---- the cluster and its databases ------------------------------------------------------

let base = process.env.DIPREG_TEST_PG || null;
let ownCluster = null;

function bindir() {
  const r = spawnSync('sh', [CLUSTER, 'bindir'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// The maintenance URL of the cluster, starting one when none was given;
// null when PostgreSQL is not installed.
export function pgBase() {
  if (base) return base;
  if (!bindir()) return null;
  for (let i = 0; i < 3 && !base; i++) {
    const parent = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const dir = mkdtempSync(join(parent, 'dipreg-pgnode-'));
    const port = spawnSync('sh', [CLUSTER, 'freeport'], { encoding: 'utf8' }).stdout.trim();
    const r = spawnSync('sh', [CLUSTER, 'start', dir, port], { encoding: 'utf8', timeout: 60000 });
    if (r.status === 0) {
      base = r.stdout.trim();
      ownCluster = dir;
    } else {
      spawnSync('sh', [CLUSTER, 'stop', dir]);
    }
  }
  if (!base) throw new Error('the throwaway PostgreSQL cluster did not start');
  return base;
}

process.on('exit', () => {
  if (ownCluster) spawnSync('sh', [CLUSTER, 'stop', ownCluster]);
});

// The URL of database name on the cluster of url.
export function dbUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

// Runs SQL with psql on the database of url; returns the rows as text,
// one a line, columns separated by |.
export function psql(url, sql) {
  const dir = bindir();
  const exe = dir && existsSync(join(dir, 'psql')) ? join(dir, 'psql') : 'psql';
  const r = spawnSync(exe, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
    { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`psql: ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

let dbSerial = 0;

// A new, empty database; returns its URL.
export function freshDatabase() {
  const b = pgBase();
  const name = `dipreg_node_${process.pid}_${++dbSerial}_${hex(3)}`;
  psql(b, `CREATE DATABASE ${name}`);
  return dbUrl(b, name);
}

// Runs the dipreg binary; returns spawnSync's result.
export function dipreg(args, input) {
  return spawnSync(BIN, args, { encoding: 'utf8', input, timeout: 120000 });
}

// A registry's database with an admin account, and a directory for its
// uploads and keys.
export function registry() {
  const db = freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'dipreg-pg-'));
  const init = dipreg(['admin', 'init', '--db', db, '--pw-cost', '4'], `${ADMIN_PASSWORD}\n`);
  if (init.status !== 0) throw new Error(`admin init: ${init.stderr}`);
  return { db, dir };
}

// ---- identity numbers -------------------------------------------------------------------

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
let idSerial = 0;
const nextId = () => ++idSerial + (process.pid % 1000) * 1000;

// GB 11643-1999: a citizen number of Beijing Dongcheng, born in 1990.
export function citizenNumber() {
  const base17 = `11010119900101${String(nextId() % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(base17[i]) * W[i];
  return base17 + '10X98765432'[sum % 11];
}

// GB 32100-2015: a credit code of a company in Haidian.
export function creditCode() {
  const base17 = `91110108MA${String(nextId()).padStart(7, '0')}`;
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    sum += USCC.indexOf(base17[i]) * w;
    w = (w * 3) % 31;
  }
  return base17 + USCC[(31 - (sum % 31)) % 31];
}

// ---- HTTP ----------------------------------------------------------------------------------

export class Client {
  constructor(url) {
    this.url = url;
    this.cookie = null;
    this.csrf = null;
    this.objectionToken = null;
    this.login = null;
    this.password = null;
  }

  // One request: json is sent as JSON, body+type as raw bytes.  Returns
  // { status, headers, body (parsed JSON or null), text }.
  async call(method, path, { json, body, type } = {}) {
    const headers = {};
    if (json !== undefined) {
      body = JSON.stringify(json);
      type = 'application/json';
    }
    if (type) headers['Content-Type'] = type;
    if (this.cookie) headers.Cookie = `dipreg_session=${this.cookie}`;
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
    if (this.objectionToken) headers['X-Objection-Token'] = this.objectionToken;
    const res = await fetch(this.url + path, { method, headers, body, redirect: 'manual',
      signal: AbortSignal.timeout(20000) });
    const text = await res.text();
    for (const c of res.headers.getSetCookie()) {
      const m = /^dipreg_session=([^;]*)/.exec(c);
      if (m) this.cookie = m[1] || null;
    }
    let parsed = null;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  // A call that must answer with status; returns the parsed body.
  async ok(method, path, json, status = 200) {
    const r = await this.call(method, path, json === undefined ? {} : { json });
    if (r.status !== status)
      throw new Error(`${method} ${this.url}${path} as ${this.login ?? 'anonymous'}: want ${status}, got ${r.status} ${r.text}`);
    return r.body;
  }

  async signIn(login = this.login, password = this.password) {
    this.login = login;
    this.password = password;
    this.cookie = null;
    this.csrf = null;
    const r = await this.call('POST', '/api/session', { json: { login, password } });
    if (r.status !== 200) throw new Error(`sign-in of ${login} at ${this.url}: ${r.status} ${r.text}`);
    this.csrf = r.body.csrf;
    this.account = r.body.account;
    return this;
  }

  // The same account on another server (behind a load balancer, a
  // session is good on every server: it lives in the database).
  on(url) {
    const c = new Client(url);
    Object.assign(c, { cookie: this.cookie, csrf: this.csrf, login: this.login,
      password: this.password, account: this.account });
    return c;
  }

  async upload(bytes, type, name) {
    const r = await this.call('POST', `/api/uploads?name=${encodeURIComponent(name)}`, { body: bytes, type });
    if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${r.text}`);
    return r.body.sha256;
  }
}

// ---- servers ---------------------------------------------------------------------------------

export class Server {
  constructor(proc, dir) {
    this.proc = proc;
    this.dir = dir;
    this.url = null;
    this.output = '';
    this.exited = null;
    this.exit = new Promise((resolve) => proc.on('exit', (code, signal) => {
      this.exited = { code, signal };
      resolve(this.exited);
    }));
  }

  client() { return new Client(this.url); }

  async admin() {
    return this.client().signIn('admin', ADMIN_PASSWORD);
  }

  // Moves this server's clock (--test-clock); its scheduler then runs.
  async setClock(iso) {
    const a = await this.admin();
    return a.ok('POST', '/api/admin/clock', { now: iso });
  }

  kill(signal = 'SIGKILL') {
    if (!this.exited) this.proc.kill(signal);
    return this.exit;
  }

  // SIGTERM, then SIGKILL after a bounded wait.
  async stop(wait = 5000) {
    if (this.exited) return this.exited;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), wait);
    await this.exit;
    clearTimeout(t);
    return this.exited;
  }
}

// Starts `dipreg serve` on db with uploads and keys in dir, on a free port
// of 127.0.0.1.
export async function startServer({ db, dir, extra = [] }) {
  const ready = join(dir, `ready-${hex(4)}`);
  const args = ['serve', '--db', db, '--data-dir', dir, '--listen', '127.0.0.1:0', '--test-clock',
    '--pw-cost', '4', '--threads', '2', '--tick', '1', '--ready-file', ready,
    '--web', join(ROOT, 'web'), ...extra];
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = new Server(proc, dir);
  proc.stdout.on('data', (d) => { srv.output += d; });
  proc.stderr.on('data', (d) => { srv.output += d; });
  for (let i = 0; i < 1000 && !srv.exited; i++) {
    if (existsSync(ready)) {
      const url = readFileSync(ready, 'utf8').trim();
      if (url.startsWith('http://127.0.0.1:')) {
        srv.url = url;
        rmSync(ready, { force: true });
        return srv;
      }
    }
    await sleep(20);
  }
  proc.kill('SIGKILL');
  throw new Error(`dipreg serve did not become ready: ${srv.output}`);
}

// Waits, a bounded number of times, for fn() to return a truthy value.
export async function eventually(fn, what, { tries = 200, ms = 50 } = {}) {
  let last;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (last) return last;
    await sleep(ms);
  }
  throw new Error(`${what}: not reached after ${tries * ms} ms (last: ${JSON.stringify(last)})`);
}

// ---- the procedure ----------------------------------------------------------------------------

// Signs up an applicant (a legal person) on a server; returns the client.
export async function signUp(url, name) {
  const login = `user${nextId()}${hex(2)}`;
  const c = new Client(url);
  await c.ok('POST', '/api/accounts', { login, password: PASSWORD, kind: 'legal',
    display_name: name ?? `北京数据科技${nextId()}有限公司`, id_number: creditCode() }, 201);
  return c.signIn(login, PASSWORD);
}

// An account with roles, created by the admin of a server.
export async function staff(srv, roles) {
  const login = `${roles[0]}${nextId()}${hex(2)}`;
  const admin = await srv.admin();
  await admin.ok('POST', '/api/admin/accounts', { login, password: PASSWORD, kind: 'natural',
    roles, display_name: `审查员${nextId()}`, id_number: citizenNumber() }, 201);
  return new Client(srv.url).signIn(login, PASSWORD);
}

export const pdf = (text = '') => Buffer.from(`%PDF-1.4\n% ${text} ${hex(8)}\n%%EOF\n`);

// A complete Art. 5 application's content, with uploads of client c.
export async function content(c, name = '北京市公共交通客流数据集') {
  const proof = await c.upload(pdf('proof'), 'application/pdf', 'proof.pdf');
  const sample = await c.upload(Buffer.from(`station,count\nA,${hex(4)}\n`), 'text/csv', 'sample.csv');
  return {
    name,
    industry: '54',
    scenario: '用于城市交通规划与公交线网优化，服务交通管理部门与出行平台，解决客流预测问题。',
    source: { kind: 'own', description: '由本公司运营的公交刷卡系统自行采集形成的客流记录。',
      formed_on: '2023-12-01', lawful_proof: proof },
    structure: { fields: [{ name: 'station', format: 'varchar(32)' }], records: 120000, bytes: 9800000 },
    update: { frequency: 'daily', description: '每日凌晨增量更新' },
    algorithm: { summary: '对刷卡记录进行清洗、去重、按站点和时段聚合统计。', personal_data: false,
      public_data: false },
    evidence: { kind: 'notarisation', fingerprint: fingerprint(),
      notary_number: '(2024)京长安内经证字第123号', notary_date: '2024-01-15', notary_scan: proof },
    sample,
    other: { status: '正常运营中' },
    declaration: { truthful: true },
  };
}

// Drafts and submits an application of c; returns it.
export async function submit(c, name) {
  const draft = await c.ok('POST', '/api/applications', { content: await content(c, name) }, 201);
  return c.ok('POST', `/api/applications/${draft.id}/submit`);
}
