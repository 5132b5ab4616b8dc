// The API test harness: starts the real "dipreg serve" on a fresh database
// and a free port, and speaks to it over HTTP as the registry's users do:
// browsers (session cookie plus X-CSRF-Token), programs (bearer tokens) and
// the public (nothing).  Each test file starts its own server.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = process.env.DIPREG_BIN || join(ROOT, 'build', 'dipreg');
export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const PASSWORD = 'correct horse battery staple';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- identity numbers -------------------------------------------------------------------

const CITIZEN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// GB 11643-1999: the 18th character of a citizen identity number.
export function citizenCheck(base17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(base17[i]) * CITIZEN_W[i];
  return '10X98765432'[sum % 11];
}

// GB 32100-2015: the 18th character of a unified social credit code.
export function usccCheck(base17) {
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    sum += USCC.indexOf(base17[i]) * w;
    w = (w * 3) % 31;
  }
  return USCC[(31 - (sum % 31)) % 31];
}

let serial = 0;
const next = () => ++serial + (process.pid % 1000) * 1000;

// A fresh valid citizen number (Beijing Chaoyang, born in the 1980s).
export function citizenNumber() {
  const n = next();
  const birth = new Date(Date.UTC(1980, 0, 1) + (n % 3650) * 86400000);
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const base = `110105${ymd}${String(n % 1000).padStart(3, '0')}`;
  return base + citizenCheck(base);
}

// A fresh valid credit code of a company registered in Haidian.
export function creditCode() {
  const base = `91110108MA${String(next()).padStart(7, '0')}`;
  return base + usccCheck(base);
}

export const hex = (n = 32) => randomBytes(n).toString('hex');
export const fingerprint = () => `sha256:${hex(32)}`;

// ---- files ---------------------------------------------------------------------------------

export const pdf = (text = '') => Buffer.from(`%PDF-1.4\n% ${text} ${hex(8)}\n%%EOF\n`);
export const csv = (text = '') => Buffer.from(`station,count\n${text},${hex(4)}\n`);

// ---- HTTP -----------------------------------------------------------------------------------

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Sends raw bytes over a fresh connection and returns the status line's
// code and the whole answer: for requests fetch() would refuse or rewrite.
export function rawRequest(url, text, timeoutMs = 5000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: hostname, port: Number(port) });
    const chunks = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`raw request timed out: ${JSON.stringify(text.slice(0, 80))}`));
    }, timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {}); // a reset after the answer still counts
    sock.on('close', () => {
      clearTimeout(timer);
      const answer = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : 0, text: answer });
    });
    sock.end(text);
  });
}

export class Client {
  constructor(srv, { login = null, password = null, mode = 'anon' } = {}) {
    this.srv = srv;
    this.login = login;
    this.password = password;
    this.mode = mode; // anon | browser | bearer
    this.cookie = null;
    this.csrf = null;
    this.token = null;
    this.objectionToken = null;
    this.account = null;
  }

  // One request.  json: a value sent as JSON; body+type: raw bytes;
  // signal: an AbortSignal (e.g. AbortSignal.timeout(ms)) that ends it.
  // Returns { status, headers, body (parsed JSON or null), text }.
  async call(method, path, { json, body, type, headers = {}, csrf = true, signal } = {}) {
    const h = { ...headers };
    if (json !== undefined) {
      body = typeof json === 'string' ? json : JSON.stringify(json);
      type = type ?? 'application/json';
    }
    if (type) h['Content-Type'] = type;
    if (this.mode === 'browser' && this.cookie) {
      h.Cookie = `dipreg_session=${this.cookie}`;
      if (csrf && this.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = this.csrf;
    }
    if (this.mode === 'bearer' && this.token) h.Authorization = `Bearer ${this.token}`;
    if (this.objectionToken) h['X-Objection-Token'] = this.objectionToken;
    const res = await fetch(this.srv.url + path, { method, headers: h, body, redirect: 'manual', signal });
    const text = await res.text();
    for (const c of res.headers.getSetCookie()) {
      const m = /^dipreg_session=([^;]*)/.exec(c);
      if (m && this.mode === 'browser') this.cookie = m[1] || null;
    }
    return { status: res.status, headers: res.headers, body: parse(text), text };
  }

  get(path, o) { return this.call('GET', path, o); }
  post(path, json, o = {}) { return this.call('POST', path, { json, ...o }); }
  put(path, json, o = {}) { return this.call('PUT', path, { json, ...o }); }
  patch(path, json, o = {}) { return this.call('PATCH', path, { json, ...o }); }
  del(path, json, o = {}) { return this.call('DELETE', path, { json, ...o }); }

  // A call that must answer with status; returns the parsed body.
  async ok(method, path, json, status = 200) {
    const r = await this.call(method, path, json === undefined ? {} : { json });
    if (r.status !== status)
      throw new Error(`${method} ${path} as ${this.login ?? 'anonymous'}: want ${status}, got ${r.status} ${r.text}`);
    return r.body;
  }

  // Signs in again (sessions end when the test clock jumps past them).
  async signIn() {
    const mode = this.mode;
    this.mode = 'browser';
    this.cookie = null;
    const r = await this.call('POST', '/api/session', { json: { login: this.login, password: this.password } });
    if (r.status !== 200) {
      this.mode = mode;
      throw new Error(`sign-in of ${this.login}: ${r.status} ${r.text}`);
    }
    this.csrf = r.body.csrf;
    this.account = r.body.account;
    if (mode === 'bearer') {
      const t = await this.call('POST', '/api/tokens', { json: { label: 'tests' } });
      if (t.status !== 201) throw new Error(`token of ${this.login}: ${t.status} ${t.text}`);
      this.token = t.body.token;
      this.cookie = null;
      this.csrf = null;
    }
    this.mode = mode;
    return this;
  }

  // Uploads bytes; returns the sha256.
  async upload(bytes, type, name) {
    const q = name === undefined ? '' : `?name=${encodeURIComponent(name)}`;
    const r = await this.call('POST', `/api/uploads${q}`, { body: bytes, type });
    if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${r.text}`);
    return r.body.sha256;
  }

  get id() { return this.account?.id; }
}

export class Server {
  constructor(dir, proc, url) {
    this.dir = dir;
    this.proc = proc;
    this.url = url;
    this.output = '';
    this.clients = [];
    this.exited = null;
  }

  // Everything the server wrote to stdout and stderr so far.
  log() { return this.output; }

  anon() { return new Client(this); }

  // The text of /metrics (the tests run from 127.0.0.1, which may read it).
  async metrics() { return (await fetch(`${this.url}/metrics`)).text(); }

  async signInAs(login, password, mode = 'browser') {
    const c = new Client(this, { login, password, mode });
    await c.signIn();
    this.clients.push(c);
    return c;
  }

  async admin() {
    if (!this.adminClient) this.adminClient = await this.signInAs('admin', ADMIN_PASSWORD);
    return this.adminClient;
  }

  // Sign-up of an applicant (Art. 6): kind natural, legal or org.
  async signUp({ kind = 'legal', login, name, email, phone, mode = 'browser' } = {}) {
    login = login ?? `user${next()}`;
    const body = {
      login, password: PASSWORD, kind,
      display_name: name ?? (kind === 'natural' ? `张${next()}` : `北京数据科技${next()}有限公司`),
      id_number: kind === 'natural' ? citizenNumber() : creditCode(),
    };
    if (email) body.email = email;
    if (phone) body.phone = phone;
    const r = await this.anon().post('/api/accounts', body);
    if (r.status !== 201) throw new Error(`sign-up ${login}: ${r.status} ${r.text}`);
    return this.signInAs(login, PASSWORD, mode);
  }

  // An account created by the admin with roles (examiners, agencies).
  async staff(roles, { kind = 'natural', login, name, mode = 'browser' } = {}) {
    login = login ?? `${roles[0]}${next()}`;
    const admin = await this.admin();
    await admin.ok('POST', '/api/admin/accounts', {
      login, password: PASSWORD, kind, roles,
      display_name: name ?? (kind === 'natural' ? `审查员${next()}` : `知产代理事务所${next()}`),
      id_number: kind === 'natural' ? citizenNumber() : creditCode(),
    }, 201);
    return this.signInAs(login, PASSWORD, mode);
  }

  examiner(o) { return this.staff(['examiner'], o); }
  agency(o) { return this.staff(['agent'], { kind: 'legal', ...o }); }

  // Moves the server's clock and signs every client in again; the
  // scheduler then applies what fell due (tick() waits for it).
  async setClock(iso) {
    const admin = await this.admin();
    const r = await admin.post('/api/admin/clock', { now: iso });
    if (r.status !== 200) throw new Error(`clock ${iso}: ${r.status} ${r.text}`);
    for (const c of this.clients) await c.signIn();
    return r.body.now;
  }

  async tick() {
    return (await this.admin()).ok('POST', '/api/admin/tick');
  }

  // Stops with SIGTERM (SIGKILL after a bounded wait); resolves to the exit
  // code and signal.
  async stop({ keep = false, wait = 5000 } = {}) {
    if (!this.exited) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), wait);
      await this.exitPromise;
      clearTimeout(t);
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
    return this.exited;
  }
}

// Starts "dipreg serve" in a fresh directory with an admin account.
// extra: more command-line arguments (e.g. ['--max-body', '4096']).
export async function startServer({ extra = [], pwCost = 4, dir } = {}) {
  dir = dir ?? mkdtempSync(join(tmpdir(), 'dipreg-api-'));
  const db = join(dir, 'r.db');
  if (!existsSync(db)) {
    const init = spawnSync(BIN, ['admin', 'init', '--db', db, '--pw-cost', String(pwCost)],
      { input: `${ADMIN_PASSWORD}\n`, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`admin init: ${init.stderr}`);
  }
  const ready = join(dir, 'ready');
  rmSync(ready, { force: true });
  const args = ['serve', '--db', db, '--data-dir', dir, '--listen', '127.0.0.1:0', '--test-clock',
    '--pw-cost', String(pwCost), '--threads', '2', '--ready-file', ready, '--web', join(ROOT, 'web'),
    ...extra];
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = new Server(dir, proc, null);
  // Never leave a server behind, whatever happens to the test process.
  const reap = () => { if (!srv.exited) proc.kill('SIGKILL'); };
  process.once('exit', reap);
  proc.stdout.on('data', (d) => { srv.output += d; });
  proc.stderr.on('data', (d) => { srv.output += d; });
  srv.exitPromise = new Promise((resolve) => proc.on('exit', (code, signal) => {
    srv.exited = { code, signal };
    process.removeListener('exit', reap);
    resolve(srv.exited);
  }));
  for (let i = 0; i < 500 && !srv.exited; i++) {
    if (existsSync(ready)) {
      const url = readFileSync(ready, 'utf8').trim();
      if (url.startsWith('http://127.0.0.1:')) {
        srv.url = url;
        return srv;
      }
    }
    await sleep(20);
  }
  proc.kill('SIGKILL');
  throw new Error(`dipreg serve did not become ready: ${srv.output}`);
}

// ---- the procedure ----------------------------------------------------------------------------

// A complete, valid Art. 5 content with uploads of the applicant c.
// marks: strings planted in confidential places (file names, field names,
// the anonymisation statement) so that tests can look for leaks.
export async function makeContent(c, { name = '北京市公共交通客流数据集', mark = '', fp } = {}) {
  const proof = await c.upload(pdf(mark), 'application/pdf', `lawful-proof${mark}.pdf`);
  const sample = await c.upload(csv(mark), 'text/csv', `sample${mark}.csv`);
  const scan = await c.upload(pdf(mark), 'application/pdf', `notary-scan${mark}.pdf`);
  return {
    name,
    industry: '54',
    scenario: '用于城市交通规划与公交线网优化，服务交通管理部门与出行平台，解决客流预测问题。',
    source: {
      kind: 'own',
      description: '由本公司运营的公交刷卡系统自行采集形成的客流记录。',
      formed_on: '2023-12-01',
      lawful_proof: proof,
    },
    structure: {
      fields: [
        { name: `card_id_hash${mark}`, format: 'char(64)' },
        { name: 'station', format: 'varchar(32)' },
      ],
      records: 120000000,
      bytes: 9800000000,
    },
    update: { frequency: 'daily', description: '每日凌晨增量更新' },
    algorithm: {
      summary: '对刷卡记录进行清洗、去重、按站点和时段聚合统计。',
      personal_data: true,
      public_data: false,
      anonymisation: `卡号经加盐哈希处理，不保留可还原原始卡号的信息。${mark}`,
    },
    evidence: {
      kind: 'notarisation',
      fingerprint: fp ?? fingerprint(),
      notary_number: '(2024)京长安内经证字第123号',
      notary_date: '2024-01-15',
      notary_scan: scan,
    },
    sample,
    other: { status: '正常运营中' },
    declaration: { truthful: true },
  };
}

// The value of an unlabelled sample of the /metrics text.
export const metric = (text, name) => Number((text.match(new RegExp(`^${name} (\\d+)$`, 'm')) ?? [])[1]);

// Drafts and submits an application of c; returns the application.
export async function fileApplication(c, opts = {}) {
  const content = opts.content ?? await makeContent(c, opts);
  const body = { content };
  if (opts.principals) body.principals = opts.principals;
  if (opts.coapplicants) body.coapplicants = opts.coapplicants;
  const draft = await c.ok('POST', '/api/applications', body, 201);
  if (opts.draftOnly) return draft;
  return c.ok('POST', `/api/applications/${draft.id}/submit`);
}

// Files, and has the examiner publish (Art. 10).
export async function publishedApplication(c, examiner, opts = {}) {
  const app = await fileApplication(c, opts);
  return examiner.ok('POST', `/api/applications/${app.id}/publish`);
}
