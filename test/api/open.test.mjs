// open.test.mjs - statistics and open data over HTTP, against the real
// "dipreg serve" on a demo registry: the Atom feed and the SVG charts are
// well-formed XML, the DCAT catalogue is JSON-LD, the CSV files are RFC 4180
// with a byte order mark, the register streams in chunks, and no
// confidential value planted through the API comes out of any of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.DIPREG_BIN || path.resolve('build/dipreg');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dipreg-open-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Values that live only in confidential places (Art. 19 para 2); none may
// reach an open output.
const tag = randomBytes(4).toString('hex');
const MARK = {
  field: `MKfield${tag}`,
  anon: `MK匿名化${tag}：卡号经加盐哈希处理，不可还原`,
  counterparty: `MK交易对手${tag}`,
  contact: `MK联系人${tag}@example.cn`,
  withdraw: `MK撤回理由${tag}`,
};
const NAME = `开放数据测试${tag}数据集`;

let server;
let url;
const confidentialUploads = [];

// ---- a small XML well-formedness checker (XML 1.0, no DTD) ----

const NAME_RE = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

function checkText(s, where) {
  for (const m of s.matchAll(/&([^;]*);?/g)) {
    if (!/^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);$/.test(m[0]))
      throw new Error(`bad entity ${JSON.stringify(m[0])} in ${where}`);
  }
  if (s.includes('<')) throw new Error(`"<" in ${where}`);
  // XML 1.0 characters only
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s)) throw new Error(`control character in ${where}`);
}

const unescape = (s) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e])
  .replace(/&#x([0-9A-Fa-f]+);/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(Number(d)));

// Parses doc into { name, attrs, children, text } or throws.
function parseXml(doc) {
  let i = 0;
  const stack = [];
  let root = null;
  const top = () => stack[stack.length - 1];
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = doc.slice(i, lt < 0 ? doc.length : lt);
    if (text) {
      if (!top()) {
        if (text.trim()) throw new Error(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
      } else {
        checkText(text, `<${top().name}>`);
        top().text += unescape(text);
      }
    }
    if (lt < 0) break;
    i = lt;
    if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (doc.startsWith('</', i)) {
      const m = NAME_RE.exec(doc.slice(i + 2));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const j = i + 2 + m[0].length;
      const close = doc.indexOf('>', j);
      if (close < 0 || doc.slice(j, close).trim()) throw new Error(`bad end tag </${m[0]}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`</${m[0]}> closes <${open?.name}>`);
      i = close + 1;
      continue;
    }
    const m = NAME_RE.exec(doc.slice(i + 1));
    if (!m) throw new Error(`bad tag at ${i}: ${JSON.stringify(doc.slice(i, i + 20))}`);
    const el = { name: m[0], attrs: {}, children: [], text: '' };
    i += 1 + m[0].length;
    for (;;) {
      const ws = /^\s*/.exec(doc.slice(i))[0];
      i += ws.length;
      if (doc.startsWith('/>', i) || doc[i] === '>') break;
      if (!ws) throw new Error(`attributes of <${el.name}> need white space between them`);
      const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(doc.slice(i));
      if (!a) throw new Error(`bad attribute in <${el.name}>: ${JSON.stringify(doc.slice(i, i + 30))}`);
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} in <${el.name}>`);
      const v = a[3] ?? a[4];
      checkText(v, `attribute ${a[1]}`);
      el.attrs[a[1]] = unescape(v);
      i += a[0].length;
    }
    if (top()) top().children.push(el);
    else if (root) throw new Error('a second root element');
    else root = el;
    if (doc.startsWith('/>', i)) {
      i += 2;
    } else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length) throw new Error(`<${top().name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

const child = (el, name) => el.children.find((c) => c.name === name);
const all = (el, name) => el.children.filter((c) => c.name === name);

// ---- RFC 4180 ----

function parseCsv(buf) {
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with the UTF-8 BOM');
  const s = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(3));
  const rows = [];
  let i = 0;
  while (i < s.length) {
    const row = [];
    for (;;) {
      let f = '';
      if (s[i] === '"') {
        for (i++; ; i++) {
          assert.ok(i < s.length, 'unterminated quoted field');
          if (s[i] === '"' && s[i + 1] === '"') { f += '"'; i++; } else if (s[i] === '"') { i++; break; } else f += s[i];
        }
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\r') {
          assert.ok(s[i] !== '"' && s[i] !== '\n', `bare quote or line feed at ${i}`);
          f += s[i++];
        }
      }
      row.push(f);
      if (s[i] === ',') { i++; continue; }
      assert.equal(s.slice(i, i + 2), '\r\n', 'records end with CRLF');
      i += 2;
      break;
    }
    rows.push(row);
  }
  for (const r of rows) assert.equal(r.length, rows[0].length, 'every record has the header\'s fields');
  return rows;
}

// ---- HTTP ----

class Session {
  constructor(login, password) { this.login = login; this.password = password; }
  async signIn() {
    const r = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: this.login, password: this.password }) });
    assert.equal(r.status, 200, `sign-in of ${this.login}: ${await r.clone().text()}`);
    this.cookie = /dipreg_session=([^;]*)/.exec(r.headers.getSetCookie().join('\n'))[1];
    this.csrf = (await r.json()).csrf;
    return this;
  }
  async call(method, p, { json, body, type } = {}) {
    const headers = { Cookie: `dipreg_session=${this.cookie}`, 'X-CSRF-Token': this.csrf };
    if (json !== undefined) { body = JSON.stringify(json); type = 'application/json'; }
    if (type) headers['Content-Type'] = type;
    const r = await fetch(url + p, { method, headers, body });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, body: text ? JSON.parse(text) : null };
  }
  async ok(method, p, json, status = 200) {
    const r = await this.call(method, p, { json });
    assert.equal(r.status, status, `${method} ${p}: ${r.text}`);
    return r;
  }
  async upload(bytes, type) {
    const r = await this.call('POST', '/api/uploads?name=f', { body: bytes, type });
    assert.equal(r.status, 201, r.text);
    return r.body.sha256;
  }
}

async function get(p) {
  const r = await fetch(url + p);
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, buf, text: buf.toString('utf8') };
}

// Moves the server's clock (--test-clock) and runs the scheduler; sessions
// older than the jump have ended, so the admin signs in again.
async function setClock(admin, iso) {
  await admin.ok('POST', '/api/admin/clock', { now: iso });
  await admin.signIn();
  await admin.ok('POST', '/api/admin/tick');
}

const day = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);

before(async () => {
  const dbPath = path.join(tmp, 'r.db');
  const demo = spawnSync(BIN, ['demo', '--db', dbPath, '--data-dir', tmp, '--count', '200', '--pw-cost', '4'], { encoding: 'utf8' });
  assert.equal(demo.status, 0, demo.stderr);
  const ready = path.join(tmp, 'ready');
  server = spawn(BIN, ['serve', '--db', dbPath, '--data-dir', tmp, '--listen', '127.0.0.1:0', '--ready-file', ready,
    '--pw-cost', '4', '--test-clock', '--threads', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr.on('data', () => {});
  for (let i = 0; i < 100 && !fs.existsSync(ready); i++) await sleep(50);
  url = fs.readFileSync(ready, 'utf8').trim();

  // Plant confidential values through the API: a registration whose field
  // structure and anonymisation statement carry markers, a filing with a
  // marked counterparty, an objection with a marked contact on a
  // publication later withdrawn with a marked reason.
  const admin = await new Session('admin', 'demo-admin-pass').signIn();
  const examiner = await new Session('examiner', 'demo-examiner-pass').signIn();
  const alice = await new Session('alice', 'demo-alice-pass').signIn();
  const bob = await new Session('bob', 'demo-bob-pass').signIn();
  const t0 = Date.now() + 86400e3;
  await setClock(admin, new Date(t0).toISOString());
  for (const s of [examiner, alice, bob]) await s.signIn();
  const sample = await alice.upload(Buffer.from(`id,value\n1,${tag}\n`), 'text/csv');
  const proof = await alice.upload(Buffer.from(`%PDF-1.4\n% ${tag}\n%%EOF\n`), 'application/pdf');
  confidentialUploads.push(sample, proof);
  const fp = `sha256:${createHash('sha256').update(tag).digest('hex')}`;
  const dep = await alice.ok('POST', '/api/deposits', { fingerprint: fp, files: 1, bytes: 100, description: '' }, 201);
  const depositId = Number(dep.headers.get('x-deposit-id'));
  await setClock(admin, new Date(t0 + 60e3).toISOString());
  for (const s of [examiner, alice, bob]) await s.signIn();
  const content = (name, fingerprint, deposit, upload) => ({
    name, industry: '64',
    scenario: '用于开放数据接口测试，服务登记机构与公众，检验公开输出不含保密信息。',
    source: { kind: 'own', description: '由本公司业务系统自行采集形成的运行记录。', formed_on: '2023-12-01', lawful_proof: upload },
    structure: { fields: [{ name: MARK.field, format: 'char(64)' }], records: 1000, bytes: 100000 },
    update: { frequency: 'daily', description: '每日更新' },
    algorithm: { summary: '对运行记录进行清洗、去重、聚合统计。', personal_data: true, public_data: false, anonymisation: MARK.anon },
    evidence: { kind: 'deposit', fingerprint, deposit_id: deposit },
    sample: upload, other: { status: '正常运营中' }, declaration: { truthful: true },
  });
  const app = (await alice.ok('POST', '/api/applications', { content: content(NAME, fp, depositId, sample) }, 201)).body;
  await alice.ok('POST', `/api/applications/${app.id}/submit`);
  await examiner.ok('POST', `/api/applications/${app.id}/publish`);
  // bob's publication, objected to and withdrawn
  const bobSample = await bob.upload(Buffer.from(`id,v\n2,${tag}\n`), 'text/csv');
  const evidence = await bob.upload(Buffer.from(`%PDF-1.4\n% evidence ${tag}\n%%EOF\n`), 'application/pdf');
  confidentialUploads.push(bobSample, evidence);
  const fp2 = `sha256:${createHash('sha256').update(`b${tag}`).digest('hex')}`;
  const dep2 = await bob.ok('POST', '/api/deposits', { fingerprint: fp2, files: 1, bytes: 100, description: '' }, 201);
  await setClock(admin, new Date(t0 + 120e3).toISOString());
  for (const s of [examiner, alice, bob]) await s.signIn();
  const other = (await bob.ok('POST', '/api/applications', { content: content(`异议对象${tag}数据集`, fp2, Number(dep2.headers.get('x-deposit-id')), bobSample) }, 201)).body;
  await bob.ok('POST', `/api/applications/${other.id}/submit`);
  await examiner.ok('POST', `/api/applications/${other.id}/publish`);
  const objector = await fetch(`${url}/api/applications/${other.id}/objections`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: '公众异议人', contact: MARK.contact, grounds: '与我方数据重合，疑似重复登记。', evidence: [evidence] }),
  });
  assert.equal(objector.status, 201, await objector.text());
  await bob.ok('POST', `/api/applications/${other.id}/withdraw`, { reason: MARK.withdraw });
  // Publication over: registered; then a transaction filed and approved.
  const t1 = t0 + 30 * 86400e3;
  await setClock(admin, new Date(t1).toISOString());
  for (const s of [examiner, alice]) await s.signIn();
  const got = await alice.ok('GET', `/api/applications/${app.id}`);
  assert.equal(got.body.state, 'registered');
  const req = (await alice.ok('POST', `/api/applications/${app.id}/requests`, {
    kind: 'transaction', act_date: day(t1), payload: { counterparty: MARK.counterparty, amount: 4242 },
  }, 201)).body;
  await examiner.ok('POST', `/api/requests/${req.id}/decision`, { accept: true });
});

after(() => {
  server?.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});

const outputs = new Map();

function assertNoConfidential(name, text) {
  for (const [k, v] of Object.entries(MARK)) assert.ok(!text.includes(v), `${name} shows the confidential ${k}`);
  assert.ok(!text.includes('MK'), `${name} shows a marker`);
  for (const u of confidentialUploads) assert.ok(!text.includes(u), `${name} names a confidential upload`);
}

test('art20 the register as CSV: BOM, RFC 4180, Chinese intact, streamed in chunks', async () => {
  const whole = await get('/api/open/register.csv?page=500');
  assert.equal(whole.status, 200);
  assert.match(whole.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  const rows = parseCsv(whole.buf);
  assert.equal(rows[0][0], '登记号');
  const name = rows[0].indexOf('登记对象名称');
  assert.ok(rows.some((r) => r[name] === NAME), 'the new registration is in the register');
  assert.ok(rows.slice(1).every((r) => /^[\p{Script=Han}\w（）().,\-、 ]+$/u.test(r[name])), 'names read back as written');
  // Streamed a few registrations at a time, the same bytes.
  const streamed = await get('/api/open/register.csv?page=7');
  assert.equal(streamed.headers.get('transfer-encoding'), 'chunked');
  assert.ok(streamed.buf.equals(whole.buf), 'streamed export equals the one-piece export');
  const en = parseCsv((await get('/api/open/register.csv?lang=en')).buf);
  assert.equal(en[0][0], 'registration_number');
  assert.equal(en.length, rows.length);
  outputs.set('register.csv', whole.text);
  // Counted the same way as the statistics.
  const summary = JSON.parse((await get('/api/stats/summary')).text);
  const inForce = summary.indicators.find((i) => i.indicator === 'in_force').value;
  const status = rows[0].indexOf('状态');
  assert.equal(rows.filter((r) => r[status] === 'registered').length, inForce);
});

test('art20 the DCAT catalogue is JSON-LD with a dataset per registration', async () => {
  const r = await get('/api/open/catalog.jsonld?page=9');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/ld+json');
  const cat = JSON.parse(r.text);
  assert.equal(cat['@type'], 'dcat:Catalog');
  assert.equal(cat['@context'].dcat, 'http://www.w3.org/ns/dcat#');
  assert.equal(cat['@context'].dct, 'http://purl.org/dc/terms/');
  const registrations = cat['dcat:dataset'].filter((d) => d['dct:identifier']);
  const csvRows = parseCsv((await get('/api/open/register.csv')).buf).length - 1;
  assert.equal(registrations.length, csvRows);
  for (const d of cat['dcat:dataset']) {
    assert.equal(d['@type'], 'dcat:Dataset');
    assert.equal(typeof d['@id'], 'string');
    assert.ok(d['dcat:distribution'].length >= 1);
    for (const dist of d['dcat:distribution']) {
      assert.equal(dist['@type'], 'dcat:Distribution');
      assert.match(dist['dcat:mediaType']['@id'], /^https:\/\/www\.iana\.org\/assignments\/media-types\//);
      assert.ok(dist['dcat:accessURL'] || dist['dcat:downloadURL']);
    }
  }
  const mine = registrations.find((d) => d['dct:title']['@value'] === NAME);
  assert.ok(mine);
  const types = mine['dcat:distribution'].map((d) => d['dcat:mediaType']['@id'].split('/').slice(-2).join('/'));
  assert.deepEqual(types.sort(), ['application/json', 'text/csv']);
  // Its CSV distribution is one record of the register.
  const csvUrl = new URL(mine['dcat:distribution'].find((d) => d['dcat:downloadURL'])['dcat:downloadURL']['@id']);
  const one = parseCsv((await get(csvUrl.pathname + csvUrl.search)).buf);
  assert.equal(one.length, 2);
  assert.equal(one[1][one[0].indexOf('登记对象名称')], NAME);
  outputs.set('catalog.jsonld', r.text);
});

test('art20 the Atom feed of announcements and publications is well-formed RFC 4287', async () => {
  const r = await get('/api/open/feed.atom?limit=200');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
  const feed = parseXml(r.text);
  assert.equal(feed.name, 'feed');
  assert.equal(feed.attrs.xmlns, 'http://www.w3.org/2005/Atom');
  for (const k of ['id', 'title', 'updated']) assert.ok(child(feed, k)?.text, `feed has ${k}`);
  assert.ok(child(child(feed, 'author'), 'name').text);
  const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;
  assert.match(child(feed, 'updated').text, rfc3339);
  const entries = all(feed, 'entry');
  assert.ok(entries.length > 20);
  const ids = new Set();
  for (const e of entries) {
    for (const k of ['id', 'title', 'updated']) assert.ok(child(e, k)?.text, `entry has ${k}`);
    assert.match(child(e, 'updated').text, rfc3339);
    assert.ok(all(e, 'link').some((l) => l.attrs.rel === 'alternate' && l.attrs.href), 'entry has an alternate link');
    assert.ok(!ids.has(child(e, 'id').text), 'entry ids are unique');
    ids.add(child(e, 'id').text);
  }
  const kinds = new Set(entries.map((e) => child(e, 'category').attrs.term));
  for (const k of ['registration', 'publication', 'filing']) assert.ok(kinds.has(k), `the feed has ${k} entries`);
  assert.ok(!kinds.has('deposit'), 'deposits are receipts, not announcements');
  const filing = entries.find((e) => child(e, 'category').attrs.term === 'filing' && child(e, 'title').text.includes(NAME));
  assert.ok(filing && child(filing, 'summary').text.includes('4242'), 'the announced amount is public');
  outputs.set('feed.atom', r.text);
});

test('art15 art20 statistics as JSON and CSV tables in both languages', async () => {
  for (const report of ['summary', 'registrations', 'filings', 'index']) {
    const j = await get(`/api/stats/${report}`);
    assert.equal(j.status, 200);
    const o = JSON.parse(j.text);
    assert.equal(o.report, report);
    outputs.set(report, j.text);
    const tables = { summary: ['indicators'], registrations: ['months', 'sections', 'divisions', 'holders', 'states'], filings: ['months', 'kinds', 'sections', 'divisions'], index: ['months', 'sections'] }[report];
    for (const t of tables) {
      for (const lang of ['zh', 'en']) {
        const c = await get(`/api/stats/${report}.csv?table=${t}&lang=${lang}`);
        assert.equal(c.status, 200, `${report}.csv?table=${t}`);
        const rows = parseCsv(c.buf);
        assert.equal(rows.length - 1, o[t].length, `${report} ${t}: a record per row`);
        outputs.set(`${report}.${t}.${lang}.csv`, c.text);
      }
    }
  }
  const fil = JSON.parse(outputs.get('filings'));
  assert.ok(fil.months.reduce((s, m) => s + m.amount, 0) >= 4242);
  const sec = parseCsv((await get('/api/stats/registrations.csv?table=sections')).buf);
  assert.ok(sec.some((r) => r[0] === 'I' && r[1] === '信息传输、软件和信息技术服务业'));
  assert.equal((await get('/api/stats/filings.csv?table=nonsense')).status, 422);
  assert.equal((await get('/api/stats/index?base=2023-13')).status, 422);
  assert.equal((await get('/api/stats/registrations?from=2099-01')).status, 422);
});

test('art20 charts are inert SVG in Chinese and English', async () => {
  for (const name of ['registrations', 'filings', 'amounts', 'index', 'sections', 'holders']) {
    for (const lang of ['zh', 'en']) {
      const r = await get(`/api/stats/charts/${name}.svg?lang=${lang}`);
      assert.equal(r.status, 200, name);
      assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
      const svg = parseXml(r.text);
      assert.equal(svg.name, 'svg');
      assert.equal(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
      assert.equal(svg.attrs.role, 'img');
      const title = child(svg, 'title').text;
      if (lang === 'zh') assert.match(title, /\p{Script=Han}/u, `${name}: a Chinese title`);
      else assert.doesNotMatch(title, /\p{Script=Han}/u, `${name}: an English title`);
      // Safe under any Content-Security-Policy and inside <img>.
      assert.doesNotMatch(r.text, /<script|<style|style=|<foreignObject|href=|\son[a-z]+=/i, name);
      outputs.set(`${name}.${lang}.svg`, r.text);
    }
  }
});

test('art19 art20 no confidential value reaches an open output', async () => {
  const doc = JSON.parse((await get('/api/openapi.json')).text);
  assert.ok(doc.paths['/api/open/feed.atom'].get.responses['200'].content['application/atom+xml']);
  assert.ok(doc.components.schemas.StatsIndex);
  assert.ok(outputs.size > 40, `every output was fetched (${outputs.size})`);
  for (const [name, text] of outputs) assertNoConfidential(name, text);
});
