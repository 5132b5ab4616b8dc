// Crash safety: a bounded load of deposits, submissions, publications and
// scheduler runs against a real `dipreg serve`, killed with SIGKILL at
// random moments and restarted.  Afterwards every acknowledged action must
// be there, the database must pass its integrity check, the log must be
// consistent with every checkpoint handed out, and no deadline may have
// been applied twice.  CRASH_KILLS sets the number of kills (make test: 5,
// make crash: 100).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

const bin = process.env.DIPREG_BIN || 'build/dipreg';
const kills = Number(process.env.CRASH_KILLS || 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(dir) {
  const ready = join(dir, 'ready');
  rmSync(ready, { force: true });
  const proc = spawn(bin, ['serve', '--db', join(dir, 'r.db'), '--data-dir', dir, '--listen', '127.0.0.1:0',
    '--ready-file', ready, '--test-clock', '--pw-cost', '4', '--threads', '2', '--tick', '1'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', () => {});
  return { proc, ready };
}

async function waitReady(s) {
  for (let i = 0; i < 200; i++) {
    if (existsSync(s.ready)) return readFileSync(s.ready, 'utf8');
    if (s.proc.exitCode !== null) throw new Error('server exited');
    await sleep(25);
  }
  throw new Error('server did not start');
}

class Client {
  constructor(url) { this.url = url; this.cookie = ''; this.csrf = ''; }
  async req(method, path, body, type = 'application/json') {
    const headers = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = type;
    let res;
    try {
      res = await fetch(this.url + path, {
        method, headers,
        body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
        signal: AbortSignal.timeout(5000),
      });
    } catch (e) {
      throw new Error(`${method} ${path}: ${e.message}`);
    }
    const sc = res.headers.get('set-cookie');
    if (sc) this.cookie = sc.split(';')[0];
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text };
  }
  async login(login, password) {
    const r = await this.req('POST', '/api/session', { login, password });
    assert.equal(r.status, 200, r.text);
    this.csrf = r.json.csrf;
  }
}

function uscc(base17) {
  const a = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let s = 0, w = 1;
  for (const c of base17) { s += a.indexOf(c) * w; w = (w * 3) % 31; }
  return base17 + a[(31 - (s % 31)) % 31];
}

function content(name, fp, upload) {
  return {
    name, industry: '54',
    scenario: '用于城市交通规划与公交线网优化，解决客流预测问题。',
    source: { kind: 'own', description: '由本公司运营的公交刷卡系统采集形成。', formed_on: '2023-12-01', lawful_proof: upload },
    structure: { fields: [{ name: 'station', format: 'varchar(32)' }], records: 1000, bytes: 100000 },
    update: { frequency: 'daily' },
    algorithm: { summary: '清洗、去重、按站点聚合统计。', personal_data: false, public_data: false },
    evidence: { kind: 'notarisation', fingerprint: fp, notary_number: '(2024)京长安内经证字第1号', notary_date: '2024-01-02', notary_scan: upload },
    sample: upload, declaration: { truthful: true },
  };
}

test('crash: acknowledged actions survive SIGKILL, the log stays consistent, no deadline applies twice',
  { timeout: 60000 + kills * 8000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dipreg-crash-'));
    let s = null;
    t.after(() => { if (s && s.proc.exitCode === null) s.proc.kill('SIGKILL'); });
    const init = spawnSync(bin, ['admin', 'init', '--db', join(dir, 'r.db'), '--pw-cost', '4'],
      { input: 'admin-password-1\n', encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    s = start(dir);
    let url = await waitReady(s);
    const admin = new Client(url);
    await admin.login('admin', 'admin-password-1');
    let r = await admin.req('POST', '/api/admin/accounts', { login: 'examiner', password: 'examiner-password', display_name: '审查员', kind: 'natural', id_number: '11010519491231002X', roles: ['examiner'] });
    assert.equal(r.status, 201, r.text);
    r = await admin.req('POST', '/api/admin/clock', { now: '2024-03-04T09:00:00+08:00' });
    assert.equal(r.status, 200, r.text);
    const app = new Client(url);
    r = await app.req('POST', '/api/accounts', { login: 'holder', password: 'holder-password', display_name: '北京数据科技有限公司', kind: 'legal', id_number: uscc('91110108MA01ABCDE') });
    assert.equal(r.status, 201, r.text);

    const acked = { deposits: [], submitted: [], published: [] };
    const heads = [];
    let upload = null;
    let clock = Date.parse('2024-03-04T09:00:00+08:00');

    for (let round = 0; round <= kills; round++) {
      const a = new Client(url), ex = new Client(url), ad = new Client(url);
      await a.login('holder', 'holder-password');
      await ex.login('examiner', 'examiner-password');
      await ad.login('admin', 'admin-password-1');
      if (!upload) {
        r = await a.req('POST', '/api/uploads?name=proof.pdf', Buffer.from('%PDF-1.4 proof\n'), 'application/pdf');
        assert.equal(r.status, 201, r.text);
        upload = r.json.sha256;
      }
      let stop = false;
      const worker = async (k) => {
        for (let i = 0; !stop && i < 200; i++) {
          try {
            const fp = 'sha256:' + createHash('sha256').update(randomBytes(16)).digest('hex');
            if (k === 0) {
              const d = await a.req('POST', '/api/deposits', { fingerprint: fp, files: 1, bytes: 10 });
              if (d.status === 201) acked.deposits.push(Number(d.json.entry.deposit));
            } else if (k === 1) {
              const c = await a.req('POST', '/api/applications', { content: content(`崩溃测试数据集${round}-${i}`, fp, upload) });
              if (c.status !== 201) continue;
              const sub = await a.req('POST', `/api/applications/${c.json.id}/submit`);
              if (sub.status === 200) acked.submitted.push(c.json.id);
            } else if (k === 2) {
              const pending = acked.submitted.filter((id) => !acked.published.includes(id));
              const id = pending[Math.floor(Math.random() * pending.length)];
              if (id === undefined) { await sleep(10); continue; }
              const p = await ex.req('POST', `/api/applications/${id}/publish`);
              if (p.status === 200) acked.published.push(id);
            } else {
              const cp = await fetch(url + '/log/checkpoint', { signal: AbortSignal.timeout(2000) });
              if (cp.status === 200) heads.push(await cp.text());
              clock += 3 * 86400 * 1000;
              await ad.req('POST', '/api/admin/clock', { now: new Date(clock).toISOString() });
              await sleep(30);
            }
          } catch { /* the server was killed under us */ }
        }
      };
      const workers = [0, 1, 2, 3].map(worker);
      if (round < kills) {
        await sleep(150 + Math.floor(Math.random() * 600));
        s.proc.kill('SIGKILL');
        stop = true;
        await Promise.allSettled(workers);
        await new Promise((res) => (s.proc.exitCode !== null || s.proc.signalCode !== null ? res() : s.proc.once('exit', res)));
        s = start(dir);
        url = await waitReady(s);
      } else {
        await sleep(400);
        stop = true;
        await Promise.allSettled(workers);
      }
    }

    // Every acknowledged action is there.
    const chk = new Client(url);
    await chk.login('holder', 'holder-password');
    for (const id of acked.deposits) {
      r = await chk.req('GET', `/api/deposits/${id}/receipt`);
      assert.equal(r.status, 200, `deposit ${id} acknowledged but missing: ${r.text}`);
    }
    // The clock runs fast (3 days a step): registrations may have expired since.
    const after = new Set(['submitted', 'correction_requested', 'publication', 'objection', 'registered', 'cancelled']);
    for (const id of acked.submitted) {
      r = await chk.req('GET', `/api/applications/${id}`);
      assert.equal(r.status, 200);
      assert.ok(after.has(r.json.state), `application ${id} acknowledged as submitted is ${r.json.state}`);
    }
    for (const id of acked.published) {
      r = await chk.req('GET', `/api/applications/${id}`);
      assert.ok(['publication', 'objection', 'registered', 'cancelled'].includes(r.json.state), `published ${id} is ${r.json.state}`);
    }
    s.proc.kill('SIGTERM');
    await new Promise((res) => (s.proc.exitCode !== null ? res() : s.proc.once('exit', res)));

    // Integrity, and the log against every checkpoint handed out.
    const headFiles = heads.filter((h, i) => heads.indexOf(h) === i).slice(-200).map((h, i) => {
      const f = join(dir, `head-${i}.txt`);
      writeFileSync(f, h);
      return f;
    });
    const check = spawnSync(bin, ['check', '--db', join(dir, 'r.db'), '--data-dir', dir,
      ...headFiles.flatMap((f) => ['--head', f])], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /signature and tiles verified/);

    // The scheduler applied each deadline once.
    const dup = spawnSync('sqlite3', [join(dir, 'r.db'),
      "select app_id, ref_id, action, count(*) from events where action in ('deem_withdrawn','end_publication','register','expire','answer_lapsed','supplement_lapsed') group by app_id, ref_id, action having count(*) > 1"],
    { encoding: 'utf8' });
    assert.equal(dup.status, 0, dup.stderr);
    assert.equal(dup.stdout.trim(), '', `applied twice:\n${dup.stdout}`);
    const regs = spawnSync('sqlite3', [join(dir, 'r.db'), "select count(*) from events where action = 'register'"], { encoding: 'utf8' });
    console.log(`# crash: ${kills} kills; acknowledged ${acked.deposits.length} deposits, ${acked.submitted.length} submissions, ${acked.published.length} publications; ${regs.stdout.trim()} registrations; ${headFiles.length} checkpoints checked`);
    assert.ok(acked.deposits.length > 0 && acked.submitted.length > 0);
    rmSync(dir, { recursive: true, force: true });
  });
