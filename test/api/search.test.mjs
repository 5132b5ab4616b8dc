// search.test.mjs - GET /api/search (Art. 20) against the real server on a
// demo registry: what the public finds, what it never finds, how queries
// and pages behave over HTTP, and a registration found the moment the
// scheduler announces it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.DIPREG_BIN || path.resolve('build/dipreg');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dipreg-search-'));
const db = path.join(tmp, 'reg.db');
let server;
let base;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  const demo = spawnSync(BIN, ['demo', '--db', db, '--data-dir', tmp, '--count', '200', '--pw-cost', '4'],
    { encoding: 'utf8', timeout: 300000 });
  assert.equal(demo.status, 0, demo.stderr);
  const ready = path.join(tmp, 'ready');
  server = spawn(BIN, ['serve', '--db', db, '--data-dir', tmp, '--listen', '127.0.0.1:0',
    '--ready-file', ready, '--test-clock', '--pw-cost', '4', '--threads', '2'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 300 && !fs.existsSync(ready); i++) await sleep(100);
  assert.ok(fs.existsSync(ready), `server did not start: ${stderr}`);
  base = fs.readFileSync(ready, 'utf8').trim();
});

after(() => {
  if (server) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function get(p, init) {
  const r = await fetch(base + p, init);
  return { status: r.status, body: await r.json(), headers: r.headers };
}

const search = (params) => get('/api/search?' + new URLSearchParams(params));

async function login(user, password) {
  const r = await fetch(base + '/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: user, password }),
  });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = await r.json();
  return { cookie, csrf };
}

async function post(who, p, body) {
  const r = await fetch(base + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrf },
    body: JSON.stringify(body || {}),
  });
  return { status: r.status, body: await r.json() };
}

// Every page of a search, following next; fails on a record seen twice.
async function all(params) {
  const seen = new Map();
  let cursor;
  for (let page = 0; page < 100; page++) {
    const r = await search({ ...params, ...(cursor ? { cursor } : {}) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const h of r.body.items) {
      assert.ok(!seen.has(h.application), `application ${h.application} came twice`);
      seen.set(h.application, h);
    }
    if (r.body.next === null) return { hits: [...seen.values()], last: r.body };
    cursor = r.body.next;
  }
  assert.fail('more than 100 pages');
}

const sum = (facet) => facet.reduce((n, f) => n + f.count, 0);

test('art20 the whole register: every page once, totals and facets add up, only public records', async () => {
  const first = await search({ limit: 100 });
  assert.equal(first.status, 200);
  const { total, facets } = first.body;
  assert.equal(first.body.total_exact, true);
  for (const f of ['status', 'industry_section', 'industry_division', 'year']) assert.equal(sum(facets[f]), total, f);
  const { hits } = await all({ limit: 17 });
  assert.equal(hits.length, total);
  for (const h of hits) assert.ok(['publication', 'objection', 'registered', 'cancelled', 'revoked'].includes(h.status));
  // Each hit is a record the public may open, in the state the hit says.
  for (const h of hits.slice(0, 40)) {
    const r = await get(`/api/applications/${h.application}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.state, h.status);
  }
  // Publications show the Art. 10 items only.
  const pub = hits.find((h) => h.status === 'publication');
  assert.ok(pub);
  assert.ok(pub.applicants && !pub.holders && !pub.industry && !pub.certificate_number);
});

test('art20 a query: highlighted hits, relevance first, newest and oldest, every page once', async () => {
  const r = await search({ q: '交通' });
  assert.equal(r.status, 200);
  assert.ok(r.body.total > 0);
  assert.equal(r.body.sort, 'relevance');
  const top = r.body.items[0];
  assert.match(top.highlight.name + top.highlight.snippet + top.highlight[top.holders ? 'holders' : 'applicants'].join(''),
    /<mark>交通<\/mark>/);
  for (let i = 1; i < r.body.items.length; i++) assert.ok(r.body.items[i - 1].score >= r.body.items[i].score);
  for (const sort of ['relevance', 'newest', 'oldest']) {
    const { hits } = await all({ q: '数据集', sort, limit: 9 });
    const t = await search({ q: '数据集' });
    assert.equal(hits.length, t.body.total, sort);
  }
  const newest = await search({ q: '数据集', sort: 'newest', limit: 100 });
  const dates = newest.body.items.map((h) => h.registration_date || h.publication_date);
  assert.deepEqual(dates, [...dates].sort().reverse());
});

test('art20 filters narrow the register and the facets follow', async () => {
  const r = await search({ status: 'cancelled,revoked', limit: 100 });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.every((h) => h.status === 'cancelled' || h.status === 'revoked'));
  assert.equal(sum(r.body.facets.status), r.body.total);
  const g = await search({ industry: 'G', limit: 100 });
  assert.ok(g.body.items.length > 0);
  assert.ok(g.body.items.every((h) => h.industry.startsWith('5') || h.industry === 'G'));
  const y = await search({ from: '2024-01-01', to: '2024-12-31', limit: 100 });
  assert.ok(y.body.items.every((h) => (h.registration_date || h.publication_date).startsWith('2024')));
  const holder = g.body.items[0].holders[0];
  const byHolder = await search({ holder, limit: 100 });
  assert.ok(byHolder.body.total > 0);
  assert.ok(byHolder.body.items.every((h) => (h.holders || h.applicants).includes(holder)));
});

test('art20 a certificate number, registration number or fingerprint finds its record', async () => {
  const r = await search({ status: 'registered', limit: 1 });
  const h = r.body.items[0];
  for (const [q, kind] of [[h.certificate_number, 'certificate_number'], [h.registration_number, 'registration_number']]) {
    const x = await search({ q });
    assert.equal(x.body.lookup, kind);
    assert.equal(x.body.items[0].application, h.application);
  }
  const f = await search({ q: h.fingerprint });
  assert.equal(f.body.lookup, 'fingerprint');
  assert.ok(f.body.items.some((i) => i.application === h.application));
});

test('art20 query errors are 400 with the position; other bad parameters 422 naming them', async () => {
  for (const [q, position, reason] of [['交通 "北京', 4, 'unclosed_quote'], ['(交通', 1, 'parenthesis'],
    ['-交通', 1, 'only_excluded'], ['，。', 1, 'empty'], ['交通 OR', 4, 'operator']]) {
    const r = await search({ q });
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'invalid_query');
    assert.equal(r.body.error.field, 'q');
    assert.equal(r.body.error.position, position, q);
    assert.equal(r.body.error.reason, reason, q);
  }
  // Bytes that are not UTF-8 are a 400 too, never a 500.
  const bad = await fetch(base + '/api/search?q=%FF%FE');
  assert.equal(bad.status, 400);
  for (const [params, field] of [[{ limit: '0' }, 'limit'], [{ status: 'draft' }, 'status'],
    [{ industry: '99' }, 'industry'], [{ from: '2024-13-01' }, 'from'], [{ sort: 'best' }, 'sort'],
    [{ q: 'x', cursor: 'zz' }, 'cursor']]) {
    const r = await search(params);
    assert.equal(r.status, 422, JSON.stringify(params));
    assert.equal(r.body.error.field, field);
  }
  // A cursor of another search is refused, not misread.
  const a = await search({ q: '数据集', limit: 2 });
  const b = await search({ q: '交通', cursor: a.body.next });
  assert.equal(b.status, 422);
});

test('art20 confidential content and drafts are never found', async () => {
  const alice = await login('alice', 'demo-alice-pass');
  const mine = await get('/api/applications?limit=200', { headers: { cookie: alice.cookie } });
  assert.equal(mine.status, 200);
  const registered = mine.body.items.find((a) => a.state === 'registered');
  const draft = mine.body.items.find((a) => a.state === 'draft' || a.state === 'refused' || a.state === 'withdrawn');
  assert.ok(registered && draft);
  const full = await get(`/api/applications/${registered.id}`, { headers: { cookie: alice.cookie } });
  const c = full.body.content;
  // The anonymisation statement and the field list are confidential
  // (Art. 5 (5), (7)); an exact phrase of them finds nothing public.
  const secrets = [c.structure.fields[0].name, c.algorithm.anonymisation].filter(Boolean);
  assert.ok(secrets.length > 0);
  for (const s of secrets) {
    const r = await search({ q: `"${s.slice(0, 40)}"` });
    assert.ok(r.status === 200 || r.status === 400);
    if (r.status === 200) assert.ok(!r.body.items.some((h) => h.application === registered.id), s);
  }
  const d = await get(`/api/applications/${draft.id}`, { headers: { cookie: alice.cookie } });
  const r = await search({ q: `"${d.body.content.name}"` });
  assert.ok(!r.body.items.some((h) => h.application === draft.id));
});

test('art12 art20: a registration is found the moment the scheduler announces it', async () => {
  const pubs = await search({ status: 'publication', sort: 'newest', limit: 100 });
  assert.ok(pubs.body.items.length > 0);
  // Asked twice: the second answer may come from the server's cache.
  const before = await search({ status: 'registered', limit: 1 });
  assert.deepEqual((await search({ status: 'registered', limit: 1 })).body, before.body);
  const admin = await login('admin', 'demo-admin-pass');
  // Past every publication period (10 working days): the scheduler
  // registers those without objections.
  const now = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 19) + 'Z';
  assert.equal((await post(admin, '/api/admin/clock', { now })).status, 200);
  // Sessions last 12 hours of the server's clock: sign in again.
  const later = await login('admin', 'demo-admin-pass');
  assert.equal((await post(later, '/api/admin/tick')).status, 200);
  let found = 0;
  for (const p of pubs.body.items) {
    const a = await get(`/api/applications/${p.application}`);
    const r = await search({ q: p.name, limit: 100 });
    const h = r.body.items.find((i) => i.application === p.application);
    assert.ok(h, `${p.name} not found after the tick`);
    assert.equal(h.status, a.body.state);
    if (a.body.state === 'registered') {
      found++;
      assert.match(h.certificate_number, /^\d{17}$/);
      assert.ok(h.holders && h.registration_date);
    }
  }
  assert.ok(found > 0);
  // The same question as before the tick has a new answer, the register's
  // own count: nothing cached outlives a change of the index.
  const afterTick = await search({ status: 'registered', limit: 1 });
  let listed = 0;
  let after = 0;
  for (let page = 0; page < 50 && after !== null; page++) {
    const l = await get(`/api/register?state=registered&limit=200${after ? `&after=${after}` : ''}`);
    listed += l.body.items.length;
    after = l.body.next;
  }
  assert.notEqual(afterTick.body.total, before.body.total);
  assert.equal(afterTick.body.total, listed);
});

test('art20 the OpenAPI document describes the search', async () => {
  const r = await get('/api/openapi.json');
  const op = r.body.paths['/api/search'].get;
  assert.ok(op.parameters.some((p) => p.name === 'q'));
  assert.ok(r.body.components.schemas.SearchResult);
  assert.ok(op.responses['400']);
});
