// logutil.mjs - what the transparency-log suites (log.test.mjs,
// witness.test.mjs) share: starting and stopping "dipreg serve" on
// 127.0.0.1 with its own data directory, raw HTTP (no automatic
// decompression, so headers and bytes are what the server sent), an
// applicant who makes deposits, running the dipreg binary, and the log's
// formats written here independently of the C code: RFC 8785 JCS, RFC 9162
// hashing and proofs, C2SP signed notes, checkpoints and tlog-tiles paths.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = process.env.DIPREG_BIN || path.join(ROOT, 'build', 'dipreg');
export const ORIGIN = 'registry.test/log';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A temporary directory removed when the process exits.
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dipreg-${prefix}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Runs the binary to completion (bounded); { status, stdout, stderr }.
export function run(...args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60000 });
  if (r.error) throw r.error;
  return r;
}

// The same without blocking the event loop, so that timers keep running.
export function runAsync(...args) {
  return runAsyncWith({}, ...args);
}

// runAsync with more environment variables.
export function runAsyncWith(env, ...args) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 60000);
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

// "dipreg keygen"; { vkey, key (PEM path), vkeyFile, name, id }.
export function keygen(dir, name, ...flags) {
  const r = run('keygen', '--name', name, '--out', dir, ...flags);
  if (r.status !== 0) throw new Error(`keygen ${name}: ${r.stderr}`);
  const base = name.replace(/[^A-Za-z0-9._-]/g, '_') +
    (flags.includes('--witness') ? '-witness' : flags.includes('--sm2') ? '-sm2' : '');
  const vkey = r.stdout.trim();
  return { vkey, name, id: vkey.split('+')[1], key: path.join(dir, `${base}.key`), vkeyFile: path.join(dir, `${base}.vkey`) };
}

// ---- the server ----

export class Server {
  // Starts dipreg serve on 127.0.0.1:0 over dir (database and data), with
  // more flags in args; resolves when the ready file names its URL.
  static async start(dir, args = []) {
    const ready = path.join(dir, 'ready');
    fs.rmSync(ready, { force: true });
    const proc = spawn(BIN, ['serve', '--db', path.join(dir, 'registry.db'), '--data-dir', dir,
      '--listen', '127.0.0.1:0', '--ready-file', ready, '--test-clock', '--pw-cost', '4',
      '--log-origin', ORIGIN, '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const s = new Server(dir, proc);
    proc.stdout.on('data', (d) => { s.output += d; });
    proc.stderr.on('data', (d) => { s.output += d; });
    proc.on('exit', (code, signal) => { s.exited = { code, signal }; });
    for (let i = 0; i < 200 && !s.exited; i++) {
      if (fs.existsSync(ready)) {
        s.url = fs.readFileSync(ready, 'utf8').trim();
        if (s.url) return s;
      }
      await sleep(50);
    }
    proc.kill('SIGKILL');
    throw new Error(`dipreg serve did not start: ${JSON.stringify(s.exited)} ${s.output}`);
  }

  constructor(dir, proc) {
    this.dir = dir;
    this.proc = proc;
    this.url = null;
    this.output = '';
    this.exited = null;
  }

  get db() { return path.join(this.dir, 'registry.db'); }

  // SIGTERM, then SIGKILL if it is not gone within 10 s.
  async stop() {
    if (this.exited) return this.exited;
    const gone = new Promise((r) => this.proc.once('exit', (code, signal) => r({ code, signal })));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    const how = await gone;
    clearTimeout(t);
    return how;
  }

  get(p, headers = {}) { return request('GET', this.url + p, { headers }); }
  post(p, json, headers = {}) {
    return request('POST', this.url + p, {
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof json === 'string' ? json : JSON.stringify(json),
    });
  }

  async json(p) {
    const r = await this.get(p);
    if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${r.body}`);
    return JSON.parse(r.body);
  }

  // The verifier keys the log publishes, current first.
  async keys() {
    const r = await this.get('/log/keys');
    return r.body.toString('utf8').split('\n').filter(Boolean);
  }

  // A signed-up applicant with an API token, for deposits.
  async applicant(login = `depositor${crypto.randomInt(1e9)}`) {
    const password = 'correct horse battery staple';
    let r = await this.post('/api/accounts', {
      login, password, display_name: '数据持有人', kind: 'natural', id_number: '110101199003074477',
      email: `${login}@example.com`,
    });
    if (r.status !== 201) throw new Error(`sign-up: ${r.status} ${r.body}`);
    r = await this.post('/api/session', { login, password });
    if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${r.body}`);
    const cookie = /dipreg_session=[^;]*/.exec(r.headers['set-cookie'].join(';'))[0];
    const csrf = JSON.parse(r.body).csrf;
    r = await this.post('/api/tokens', { label: 'log tests' }, { Cookie: cookie, 'X-CSRF-Token': csrf });
    if (r.status !== 201) throw new Error(`token: ${r.status} ${r.body}`);
    return { login, auth: { Authorization: `Bearer ${JSON.parse(r.body).token}` } };
  }

  // Deposits a fingerprint; { id, receipt (parsed), text (as served) }.
  async deposit(who, fingerprint = `sha256:${crypto.randomBytes(32).toString('hex')}`, extra = {}) {
    const r = await this.post('/api/deposits', { fingerprint, files: 1, bytes: 10, ...extra }, who.auth);
    if (r.status !== 201) throw new Error(`deposit: ${r.status} ${r.body}`);
    return { id: Number(r.headers['x-deposit-id']), receipt: JSON.parse(r.body), text: r.body.toString('utf8') };
  }
}

// One HTTP request; { status, headers, body (Buffer) }.  Never decompresses.
export function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 20000 }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ---- the formats ----

// RFC 8785 for the values the log uses (integers, strings, objects).
export function jcs(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
}

export const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const leafHash = (d) => sha256(Buffer.from([0]), d);
export const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
// The largest power of two smaller than n (RFC 9162 2.1.1's k).
export const split = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };

// RFC 9162 2.1.1 over a node source: hash(start, end) gives the MTH of
// leaves [start, end) when that range is a complete, aligned subtree.
// The recursion below only ever asks for such ranges or splits them.
export function treeHash(node, start, end) {
  const n = end - start;
  if (n === 0) return sha256(Buffer.alloc(0));
  if ((n & (n - 1)) === 0 && start % n === 0) return node(Math.log2(n), start / n);
  const k = split(n);
  return nodeHash(treeHash(node, start, start + k), treeHash(node, start + k, end));
}

// RFC 9162 2.1.3.1 PATH(m, D[start:end]).
export function inclusionProof(node, m, start, end) {
  if (end - start <= 1) return [];
  const k = split(end - start);
  return m < k
    ? [...inclusionProof(node, m, start, start + k), treeHash(node, start + k, end)]
    : [...inclusionProof(node, m - k, start + k, end), treeHash(node, start, start + k)];
}

// RFC 9162 2.1.4.1 SUBPROOF(m, D[start:end], b).
function subproof(node, m, start, end, b) {
  const n = end - start;
  if (m === n) return b ? [] : [treeHash(node, start, end)];
  const k = split(n);
  return m <= k
    ? [...subproof(node, m, start, start + k, b), treeHash(node, start + k, end)]
    : [...subproof(node, m - k, start + k, end, false), treeHash(node, start, start + k)];
}
export const consistencyProof = (node, m, n) => (m === 0 || m === n ? [] : subproof(node, m, 0, n, true));

// RFC 9162 2.1.3.2: the root an inclusion proof leads to.
export function rootFromInclusion(index, size, leaf, proof) {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// RFC 9162 2.1.4.2: true when proof shows (m, r1) is a prefix of (n, r2).
export function verifyConsistency(m, n, r1, r2, proof) {
  if (m === n) return proof.length === 0 && r1.equals(r2);
  if (m === 0 || m > n || proof.length === 0) return false;
  let p = [...proof];
  if ((m & (m - 1)) === 0) p = [r1, ...p];
  if (p.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = p[0];
  let sr = p[0];
  for (const c of p.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(r1) && sr.equals(r2);
}

// C2SP tlog-tiles: "tile/<L>/<N>[.p/<W>]", N in 3-digit groups, all but
// the last prefixed with x; L "entries" for bundles.
export function tilePath(level, index, width) {
  let s = String(index % 1000).padStart(3, '0');
  for (let n = Math.floor(index / 1000); n > 0; n = Math.floor(n / 1000))
    s = `x${String(n % 1000).padStart(3, '0')}/${s}`;
  return `tile/${level}/${s}${width < 256 ? `.p/${width}` : ''}`;
}

// The width of tile (level, index) in a tree of size leaves (0: none).
export function tileWidth(size, level, index) {
  const hashes = Math.floor(size / 256 ** level);
  const full = Math.floor(hashes / 256);
  if (index < full) return 256;
  if (index === full) return hashes % 256;
  return 0;
}

// Entry bundle: big-endian uint16 length, then the entry, repeated.
export function decodeBundle(buf) {
  const out = [];
  for (let i = 0; i < buf.length;) {
    if (i + 2 > buf.length) throw new Error('truncated bundle');
    const n = buf.readUInt16BE(i);
    if (i + 2 + n > buf.length) throw new Error('truncated bundle');
    out.push(buf.subarray(i + 2, i + 2 + n));
    i += 2 + n;
  }
  return out;
}

// A signed note: { text, sigs: [{ name, id (hex), sig (Buffer) }] }.
export function parseNote(note) {
  const at = note.indexOf('\n\n');
  if (at < 0) throw new Error('not a signed note');
  const text = note.slice(0, at + 1);
  const sigs = note.slice(at + 2).split('\n').filter(Boolean).map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`bad signature line ${line}`);
    const raw = Buffer.from(m[2], 'base64');
    return { name: m[1], id: raw.subarray(0, 4).toString('hex'), sig: raw.subarray(4), line };
  });
  return { text, sigs };
}

// A checkpoint note's body: { origin, size, root (Buffer) }.
export function parseCheckpoint(note) {
  const { text, sigs } = parseNote(note);
  const [origin, size, root] = text.split('\n');
  return { origin, size: Number(size), root: Buffer.from(root, 'base64'), text, sigs };
}

// An Ed25519 public key from a vkey "name+id+base64(type || key)".
export function vkeyPublic(vkey) {
  const [name, id, b64] = [vkey.split('+')[0], vkey.split('+')[1], vkey.split('+').slice(2).join('+')];
  const raw = Buffer.from(b64, 'base64');
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw.subarray(1)]);
  return { name, id, type: raw[0], key: crypto.createPublicKey({ key: der, format: 'der', type: 'spki' }) };
}

// true when the note carries a valid log signature (type 0x01) by vkey.
export function noteSignedBy(note, vkey) {
  const k = vkeyPublic(vkey);
  const { text, sigs } = parseNote(note);
  return sigs.some((s) => s.name === k.name && s.id === k.id && crypto.verify(null, Buffer.from(text), k.key, s.sig));
}

// true when the note carries a valid tlog-cosignature/v1 by the witness.
export function cosignedBy(note, vkey) {
  const k = vkeyPublic(vkey);
  const { text, sigs } = parseNote(note);
  return sigs.some((s) => {
    if (s.name !== k.name || s.id !== k.id || s.sig.length !== 72) return false;
    const ts = s.sig.readBigUInt64BE(0);
    return crypto.verify(null, Buffer.from(`cosignature/v1\ntime ${ts}\n${text}`), k.key, s.sig.subarray(8));
  });
}
