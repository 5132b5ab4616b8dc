// Security and limits over HTTP: CSRF, cookie flags, sign-in rate limits,
// the end of sessions and tokens, security headers, the JSON error format
// with every 4xx status, upload names, and a batch of garbage that must
// never produce a 5xx nor change what is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, fileApplication, publishedApplication, makeContent, rawRequest, pdf, csv, citizenNumber, creditCode,
  PASSWORD, ADMIN_PASSWORD, Client } from './harness.mjs';

let srv, small, alice, examiner, admin, registered, content;

before(async () => {
  [srv, small] = await Promise.all([startServer(),
    startServer({ extra: ['--max-body', '4096', '--max-upload', '8192',
      '--base-url', 'https://registry.example.cn'] })]);
  admin = await srv.admin();
  await srv.setClock('2025-06-09T09:00:00+08:00');
  examiner = await srv.examiner();
  alice = await srv.signUp({ email: 'alice@example.cn' });
  content = await makeContent(alice);
  registered = await publishedApplication(alice, examiner, { content });
  await srv.setClock('2025-06-24T09:00:00+08:00');
  await srv.tick();
});
after(async () => {
  await srv?.stop();
  await small?.stop();
});

function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(r.body.error).slice(0, 3).sort(), ['code', 'field', 'message']);
  assert.equal(typeof r.body.error.message, 'string');
  assert.ok(r.body.error.message.length > 0);
  if (code) assert.equal(r.body.error.code, code);
  if (field !== undefined) assert.equal(r.body.error.field, field);
}

test('csrf: a cookie session needs X-CSRF-Token on every change; bearer tokens need none', async () => {
  const body = { content: { name: '跨站请求数据集' } };
  const without = await alice.call('POST', '/api/applications', { json: body, csrf: false });
  assertError(without, 403, 'forbidden');
  const wrong = await alice.call('POST', '/api/applications',
    { json: body, csrf: false, headers: { 'X-CSRF-Token': 'f'.repeat(64) } });
  assertError(wrong, 403, 'forbidden');
  // Reads need none.
  assert.equal((await alice.call('GET', '/api/applications', { csrf: false })).status, 200);
  assert.equal((await alice.post('/api/applications', body)).status, 201);
  const prog = await srv.signInAs(alice.login, PASSWORD, 'bearer');
  assert.equal((await prog.post('/api/applications', body)).status, 201);
  // A bearer token is not a cookie: a forged cookie with it is nothing.
  const forged = new Client(srv, { mode: 'browser' });
  forged.cookie = prog.token;
  assert.equal((await forged.get('/api/session')).status, 401);
});

test('cookies: HttpOnly, SameSite=Strict, whole site, bounded lifetime', async () => {
  const r = await srv.anon().post('/api/session', { login: alice.login, password: PASSWORD });
  assert.equal(r.status, 200);
  const [cookie] = r.headers.getSetCookie();
  assert.match(cookie, /^dipreg_session=[0-9a-f]{64};/);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Path=\//);
  assert.match(cookie, /; Max-Age=\d+/);
  assert.doesNotMatch(cookie, /; Secure/, 'a registry served over plain http');
  assert.match(r.body.csrf, /^[0-9a-f]{64}$/);
  assert.equal(r.body.account.login, alice.login);
  assert.equal(r.body.account.pw_hash, undefined);
});

test('cookies: Secure when the registry is served over https', async () => {
  const r = await small.anon().post('/api/session', { login: 'admin', password: ADMIN_PASSWORD });
  assert.equal(r.status, 200);
  assert.match(r.headers.getSetCookie()[0], /; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
});

test('sessions end on sign-out', async () => {
  const c = await srv.signInAs(alice.login, PASSWORD);
  srv.clients.pop();
  const cookie = c.cookie;
  const out = await c.del('/api/session');
  assert.equal(out.status, 200);
  assert.match(out.headers.getSetCookie()[0], /Max-Age=0/);
  c.cookie = cookie; // a client that keeps the old cookie gets nothing
  assert.equal((await c.get('/api/session')).status, 401);
  assert.equal((await c.post('/api/tokens', {})).status, 401);
  // A stale cookie on a public read is just anonymous, and is cleared.
  c.cookie = cookie;
  const read = await c.get('/api/publications');
  assert.equal(read.status, 200);
  assert.match(read.headers.getSetCookie()[0] ?? '', /^dipreg_session=; .*Max-Age=0/);
  // A change meant for the account does not quietly happen anonymously.
  c.cookie = cookie;
  const up = await c.call('POST', '/api/uploads?name=mine.pdf', { body: pdf('stale'), type: 'application/pdf' });
  assertError(up, 401, 'unauthenticated');
  assert.match(up.headers.getSetCookie()[0] ?? '', /Max-Age=0/);
  // Signing in again works with the stale cookie still sent.
  c.cookie = cookie;
  const again = await c.call('POST', '/api/session', { json: { login: alice.login, password: PASSWORD } });
  assert.equal(again.status, 200, again.text);
});

test('sessions end on a password change: every other one, tokens included; this one goes on', async () => {
  const bob = await srv.signUp();
  const other = await srv.signInAs(bob.login, PASSWORD);
  const prog = await srv.signInAs(bob.login, PASSWORD, 'bearer');
  srv.clients.splice(srv.clients.indexOf(bob), 1);
  srv.clients.splice(srv.clients.indexOf(other), 1);
  srv.clients.splice(srv.clients.indexOf(prog), 1);
  const short = await bob.put('/api/session/password', { password: 'short' });
  assertError(short, 422, 'invalid_field', 'password');
  const r = await bob.put('/api/session/password', { password: 'a new long password' });
  assert.equal(r.status, 200, r.text);
  if (r.body.csrf) bob.csrf = r.body.csrf;
  assert.equal((await other.get('/api/session')).status, 401);
  assert.equal((await prog.get('/api/session')).status, 401);
  assert.equal((await bob.get('/api/session')).status, 200, 'the session that changed it');
  assert.equal((await bob.post('/api/tokens', {})).status, 201);
  const old = await srv.anon().post('/api/session', { login: bob.login, password: PASSWORD });
  assertError(old, 401, 'unauthenticated');
  assert.equal((await srv.anon().post('/api/session', { login: bob.login, password: 'a new long password' })).status, 200);
  // An admin's reset ends the sessions too.
  const carol = await srv.signUp();
  srv.clients.pop();
  await admin.ok('PATCH', `/api/admin/accounts/${carol.id}`, { password: 'reset by the admin' });
  assert.equal((await carol.get('/api/session')).status, 401);
});

test('revoked API tokens stop working; only their owner revokes them', async () => {
  const t = await alice.ok('POST', '/api/tokens', { label: 'ci' }, 201);
  assert.match(t.token, /^dpt_[0-9a-f]{64}$/);
  const prog = new Client(srv, { mode: 'bearer' });
  prog.token = t.token;
  assert.equal((await prog.get('/api/session')).status, 200);
  const bob = await srv.signUp();
  srv.clients.pop();
  assertError(await bob.del('/api/tokens', { token: t.token }), 404, 'not_found', 'token');
  assert.equal((await prog.get('/api/session')).status, 200);
  assert.equal((await alice.del('/api/tokens', { token: t.token })).status, 200);
  const r = await prog.get('/api/session');
  assertError(r, 401, 'unauthenticated');
  assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
  // Also for a read of public data: a bad token is an error, not anonymity.
  assert.equal((await prog.get('/api/publications')).status, 401);
  const label = await alice.post('/api/tokens', { label: 'x'.repeat(81) });
  assertError(label, 422, 'invalid_field', 'label');
});

test('security headers on the API and on pages', async () => {
  for (const path of ['/api/health', '/api/applications/999999', '/', '/index.html', '/no/such/page']) {
    const r = await srv.anon().get(path);
    assert.ok(r.status < 500, path);
    const h = r.headers;
    const csp = h.get('content-security-policy') ?? '';
    assert.equal(h.get('x-content-type-options'), 'nosniff', path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.ok(!csp.includes('unsafe-inline'), `${path}: ${csp}`);
    assert.ok(!csp.includes('unsafe-eval'), `${path}: ${csp}`);
    assert.equal(h.get('x-frame-options'), 'DENY', path);
    assert.match(h.get('x-request-id') ?? '', /^[0-9a-f]{24}$/);
  }
  const api = await srv.anon().get('/api/health');
  assert.equal(api.headers.get('cache-control'), 'no-store');
  assert.equal(api.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  const page = await srv.anon().get('/');
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
  // The headers that act only on pages come with pages.
  assert.equal(page.headers.get('referrer-policy'), 'same-origin');
  assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
});

test('400: malformed JSON, with the JSON error format', async () => {
  for (const text of ['{', '{"content":', '{"a":1,"a":2}', '[1,2]', '"text"', 'nul', '{"x":"\\ud800"}']) {
    const r = await alice.call('POST', '/api/applications', { body: text, type: 'application/json' });
    assertError(r, 400, 'bad_request', null);
  }
});

test('413: a body over --max-body, and an upload over --max-upload', async () => {
  await small.admin();
  const bob = await small.signUp();
  const big = { content: { name: '大数据集', scenario: '数'.repeat(1500) } }; // 4.5 kB
  assertError(await bob.post('/api/applications', big), 413, 'too_large');
  assert.equal((await bob.post('/api/applications', { content: { name: '小数据集' } })).status, 201);
  // Past the largest limit libevent refuses the body itself (its own page).
  const up = await bob.call('POST', '/api/uploads?name=big.csv', { body: Buffer.alloc(9000, 0x61), type: 'text/csv' });
  assert.equal(up.status, 413);
  assert.equal((await bob.call('POST', '/api/uploads?name=ok.csv', { body: Buffer.alloc(8000, 0x61), type: 'text/csv' })).status, 201);
});

// A reply is written to the socket as soon as it is made (http.c); what the
// socket does not take must still arrive, and the connection go on.
test('an answer larger than the socket takes at once arrives whole to a slow reader, and the connection serves the next request', async () => {
  const lines = [];
  for (let i = 0; lines.length < 700000; i++) lines.push(`station${i},${i * 7}`);
  const big = Buffer.from(`station,count\n${lines.join('\n')}\n`);
  assert.ok(big.length > 12 << 20);
  const sha = await alice.upload(big, 'text/csv', 'big.csv');
  const { hostname, port } = new URL(srv.url);
  const sock = connect({ host: hostname, port: Number(port) });
  await once(sock, 'connect');
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => { buf = Buffer.concat([buf, d]); });
  sock.pause();
  const get = (path) => sock.write(`GET ${path} HTTP/1.1\r\nHost: registry\r\n` +
    `Cookie: dipreg_session=${alice.cookie}\r\n\r\n`);
  // One answer off the front of buf: its status and body.
  async function answer() {
    for (let waited = 0; waited < 10000; waited += 10) {
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = buf.subarray(0, end).toString('latin1');
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
        if (buf.length >= end + 4 + len) {
          const body = buf.subarray(end + 4, end + 4 + len);
          buf = buf.subarray(end + 4 + len);
          return { status: Number(head.slice(9, 12)), body };
        }
      }
      await sleep(10);
    }
    throw new Error(`no whole answer: ${buf.length} bytes`);
  }
  get(`/api/uploads/${sha}`);
  await sleep(300); // nothing read meanwhile: the socket fills up
  sock.resume();
  const first = await answer();
  assert.equal(first.status, 200);
  assert.ok(first.body.equals(big), `got ${first.body.length} of ${big.length} bytes`);
  get(`/api/applications/${registered.id}`);
  const second = await answer();
  assert.equal(second.status, 200);
  assert.equal(JSON.parse(second.body.toString('utf8')).id, registered.id);
  sock.destroy();
});

test('415: JSON routes want JSON; uploads must be what they claim', async () => {
  const r = await alice.call('POST', '/api/applications', { body: '{"content":{}}', type: 'text/plain' });
  assertError(r, 415, 'unsupported_media_type');
  assertError(await alice.call('POST', '/api/applications', { body: '{"content":{}}' }), 415);
  assertError(await alice.call('POST', '/api/uploads?name=x.png', { body: Buffer.from('not a png'), type: 'image/png' }),
    415, 'unsupported_media_type', 'Content-Type');
  assertError(await alice.call('POST', '/api/uploads?name=x.pdf', { body: csv(), type: 'application/pdf' }), 415);
  assertError(await alice.call('POST', '/api/uploads?name=x.exe', { body: Buffer.from('MZ'), type: 'application/x-msdownload' }), 415);
  assertError(await alice.call('POST', '/api/uploads?name=x.txt', { body: Buffer.from([0x61, 0xff, 0xfe]), type: 'text/plain' }), 415);
  assertError(await alice.call('POST', '/api/uploads?name=x.txt', { body: Buffer.from('hello') }), 415);
  // A charset parameter is fine.
  assert.equal((await alice.call('POST', '/api/applications',
    { body: '{"content":{"name":"带字符集的数据集"}}', type: 'application/json; charset=utf-8' })).status, 201);
});

test('422: field errors name the field', async () => {
  const anon = srv.anon();
  const base = { login: 'field-errors', password: PASSWORD, display_name: '某某', kind: 'natural', id_number: citizenNumber() };
  assertError(await anon.post('/api/accounts', { ...base, id_number: '110105199003071238' }), 422, 'invalid_field', 'id_number');
  const code = creditCode();
  const wrongCheck = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  assertError(await anon.post('/api/accounts', { ...base, kind: 'legal', id_number: wrongCheck }), 422, 'invalid_field', 'id_number');
  assertError(await anon.post('/api/accounts', { ...base, kind: 'org', id_number: `${code.slice(0, 16)}I${code[17]}` }),
    422, 'invalid_field', 'id_number');
  assertError(await anon.post('/api/accounts', { ...base, login: 'UPPER' }), 422, 'invalid_field', 'login');
  assertError(await anon.post('/api/accounts', { ...base, kind: 'robot' }), 422, 'invalid_field', 'kind');
  assertError(await anon.post('/api/accounts', { ...base, email: 'no-at-sign' }), 422, 'invalid_field', 'email');
  assertError(await anon.post('/api/accounts', { ...base, display_name: '名'.repeat(10000) }), 422, 'invalid_field', 'display_name');
  assertError(await anon.post('/api/accounts', { ...base, roles: ['admin'] }), 403, 'forbidden', 'roles');
  const long = await alice.post('/api/applications', { content: { name: `${'数'.repeat(9998)}数据` } });
  assertError(long, 422, 'invalid_field', 'name');
  const typo = await alice.post('/api/applications', { content: { nmae: '拼错的数据集' } });
  assertError(typo, 422, 'invalid_field', 'nmae');
  const ind = await alice.post('/api/applications', { content: { industry: '99' } });
  assertError(ind, 422, 'invalid_field', 'industry');
  // Submission lists every defect at once (Art. 8).
  const d = await alice.ok('POST', '/api/applications', { content: { name: '不完整的数据集' } }, 201);
  const s = await alice.post(`/api/applications/${d.id}/submit`);
  assertError(s, 422, 'invalid_field');
  assert.ok(s.body.error.defects.length >= 8);
  for (const f of ['industry', 'scenario', 'sample', 'source.lawful_proof', 'declaration.truthful'])
    assert.ok(s.body.error.defects.some((x) => x.field === f), f);
  const q = await alice.get('/api/applications?limit=100000');
  assertError(q, 422, 'invalid_field', 'limit');
});

test('422: JSON nested deeper than 32 levels', async () => {
  const deep = (n) => '{"content":'.repeat(1) + '['.repeat(n) + ']'.repeat(n) + '}';
  assertError(await alice.call('POST', '/api/applications', { body: deep(40), type: 'application/json' }), 422);
  assertError(await alice.call('POST', '/api/applications', { body: deep(100000), type: 'application/json' }), 422);
  // Depth is counted outside strings.
  const inString = JSON.stringify({ content: { name: `${'['.repeat(50)}数据` } });
  assert.notEqual((await alice.call('POST', '/api/applications', { body: inString, type: 'application/json' })).status, 400);
});

test('404 and 409', async () => {
  assertError(await alice.get('/api/applications/999999'), 404, 'not_found');
  assertError(await alice.get('/api/applications/abc'), 404, 'not_found');
  assertError(await alice.get('/api/requests/0'), 404, 'not_found');
  assertError(await srv.anon().get('/api/nowhere'), 404, 'no_route', null);
  assertError(await alice.post(`/api/applications/${registered.id}/submit`), 409, 'invalid_state');
  const a = await fileApplication(alice, { content: await makeContent(alice, { name: '重复提交数据集' }) });
  assertError(await alice.post(`/api/applications/${a.id}/submit`), 409, 'invalid_state');
});

test('upload names are labels, never paths', async () => {
  for (const name of ['../../etc/passwd', '../x.pdf', 'a/b.pdf', '/abs.pdf', '..', '.', 'a\\b.pdf',
    'line\nbreak.pdf', 'tab\t.pdf', 'x'.repeat(300), '']) {
    const r = await alice.call('POST', `/api/uploads?name=${encodeURIComponent(name)}`, { body: pdf(), type: 'application/pdf' });
    assertError(r, 422, 'invalid_field', 'name');
  }
  const ok = await alice.call('POST', `/api/uploads?name=${encodeURIComponent('证明 材料(1).pdf')}`, { body: pdf('ok'), type: 'application/pdf' });
  assert.equal(ok.status, 201);
  assert.equal(ok.body.name, '证明 材料(1).pdf');
  // Stored by content hash inside the data directory, nowhere else.
  const sha = ok.body.sha256;
  assert.ok(existsSync(join(srv.dir, 'files', sha.slice(0, 2), sha)));
  assert.deepEqual(readdirSync(srv.dir).filter((f) => !/^(r\.db.*|files|keys|ready)$/.test(f)), []);
  // The download is an attachment named by its hash.
  const dl = await alice.get(`/api/uploads/${sha}`);
  assert.match(dl.headers.get('content-disposition'), new RegExp(`^attachment; filename\\*=UTF-8''${sha}$`));
  assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
});

// Every documented route gets malformed and odd bodies from a caller
// allowed to reach its handler, on fixtures whose state refuses real acts.
const GARBAGE = [
  '', 'null', 'true', '0', '-1', '1e999', '"x"', '[]', '[{}]', '{', '{"', '{"a":}', '}{', '{"a":1,"a":2}',
  '{"content":null}', '{"content":"x"}', '{"content":[]}', '{"content":{"name":{"x":1}}}',
  '{"content":{"structure":{"fields":[null,1,{"name":[]}]},"evidence":{"deposit_id":-5}}}',
  '{"content":{"source":{"formed_on":"2025-02-30"},"structure":{"records":1e308,"bytes":-1}}}',
  '{"defects":[null]}', '{"defects":"x"}', '{"defects":[{"field":1,"message":[]}]}',
  '{"grounds":["1"]}', '{"grounds":[99999999999999999999]}', '{"grounds":[-1]}', '{"grounds":{}}',
  '{"roles":[1]}', '{"roles":"admin"}', '{"roles":["root"]}', '{"text":1}', '{"text":null}', '{"text":{}}',
  '{"accept":"yes"}', '{"upheld":1}', '{"upheld":true,"grounds":[0]}', '{"evidence":[1,2]}', '{"evidence":"x"}',
  '{"evidence":["../../etc/passwd"]}', '{"now":"2025-13-45"}', '{"now":1}', '{"now":"yesterday"}',
  '{"login":["a"]}', '{"password":{}}', '{"token":123}', '{"confirm":"true","agent":5}',
  '{"principal":{},"power_of_attorney":"zz"}', '{"unilateral":"2"}', '{"unilateral":1e300}',
  '{"unilateral":-9223372036854775808}', '{"payload":[]}', '{"kind":"transfer","counterparty":1}',
  '{"kind":"change","payload":{"changes":{"name":"改名"}}}', '{"kind":"pledge","act_date":"9999-99-99"}',
  '{"kind":"licence","act_date":"2025-01-01","payload":{"counterparty":"","amount":-1}}',
  '{"name":"\\u0000","contact":"\\u0000","grounds":"\\u0000"}', '{"reason":"\\u0007"}',
  `{"text":"${'长'.repeat(30000)}"}`, `{"reason":"${'x'.repeat(200000)}"}`,
  `{"content":${'['.repeat(40)}${']'.repeat(40)}}`, `${'['.repeat(5000)}`,
  '{"x":"\\ud800"}', '\u0000', '\ufeff{}',
];
const RAW = [Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('{"name":"\xff"}', 'latin1'), Buffer.alloc(100, 0)];

test('never a 5xx for garbage bodies on any route; stored data unchanged', async () => {
  const doc = await srv.anon().ok('GET', '/api/openapi.json');
  const prog = await srv.signInAs(alice.login, PASSWORD, 'bearer');
  const ex = await srv.signInAs(examiner.login, PASSWORD, 'bearer');
  const adm = await srv.signInAs('admin', ADMIN_PASSWORD, 'bearer');
  const before = {
    app: await alice.ok('GET', `/api/applications/${registered.id}`),
    accounts: (await adm.ok('GET', '/api/admin/accounts')).items,
    calendar: await adm.ok('GET', '/api/admin/calendar'),
    log: (await srv.anon().ok('GET', '/api/health')).log_size,
    events: (await alice.ok('GET', `/api/applications/${registered.id}/events`)).length,
  };
  const ids = { id: registered.id, sha256: content.sample };
  const failures = [];
  const calls = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'get') continue;
      if (path === '/api/session' && method === 'delete') continue; // would sign the caller out
      const caller = { anyone: srv.anon(), 'any signed-in account': prog, 'applicant or agency': prog,
        agency: prog, examiner: ex, admin: adm }[op['x-roles']];
      const url = path.replace(/\{(\w+)\}/g, (_, k) => ids[k] ?? 1);
      const bodies = [...GARBAGE.map((g) => [g, 'application/json']), ...RAW.map((g) => [g, 'application/json']),
        ['{}', 'text/plain'], ['{}', 'application/json; charset=latin1'], ['{}', undefined], ['{}', 'application/jsonx']];
      for (const [body, type] of bodies) calls.push([caller, method.toUpperCase(), url, body, type]);
      // Without credentials the body is never read: one call says so.
      if (op['x-roles'] !== 'anyone') calls.push([srv.anon(), method.toUpperCase(), url, GARBAGE[20], 'application/json']);
    }
  }
  for (const [c, method, url, body, type] of calls) {
    const r = await c.call(method, url, { body, type });
    if (r.status >= 500 || r.status === 0) failures.push(`${method} ${url} ${String(body).slice(0, 40)}: ${r.status} ${r.text.slice(0, 100)}`);
    else if (r.status >= 400 && !r.body?.error?.code) failures.push(`${method} ${url}: ${r.status} without a JSON error`);
  }
  const n = calls.length;
  assert.deepEqual(failures, []);
  assert.ok(n > 2500, `${n} requests`);
  const after = {
    app: await alice.ok('GET', `/api/applications/${registered.id}`),
    accounts: (await adm.ok('GET', '/api/admin/accounts')).items,
    calendar: await adm.ok('GET', '/api/admin/calendar'),
    log: (await srv.anon().ok('GET', '/api/health')).log_size,
    events: (await alice.ok('GET', `/api/applications/${registered.id}/events`)).length,
  };
  assert.deepEqual(after, before);
});

test('never a 5xx for odd paths, methods and headers', async () => {
  const paths = ['/api/applications/-1', '/api/applications/99999999999999999999', '/api/applications/1.5',
    '/api/applications/%00', '/api/%00', '/api/applications/%2e%2e/1', '/api/../../etc/passwd', '//api//health',
    '/api/uploads/' + 'z'.repeat(64), '/api/uploads/' + 'A'.repeat(64), '/api/uploads/..%2f..%2fr.db',
    '/' + 'a'.repeat(600), '/api/' + 'a/'.repeat(300), '/api/applications?after=abc', '/api/applications?limit=-1',
    '/api/applications?after=%zz&&&=', '/api/register?state=draft', '/api/announcements?before=-5',
    '/api/inbox?unread=maybe', '/api/admin/audit?actor=x', '/files/', '/r.db', '/../r.db', '/%2e%2e/r.db',
    '/api/applications/1/', '/api/health/', '/API/HEALTH', '/api/health?x=' + 'y'.repeat(5000)];
  const failures = [];
  for (const p of paths)
    for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT']) {
      const r = await rawRequest(srv.url, `${m} ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      if (r.status < 200 || r.status >= 500) failures.push(`${m} ${p.slice(0, 60)}: ${r.status} ${r.text.slice(0, 80)}`);
    }
  const odd = [
    'GET /api/health HTTP/1.0\r\n\r\n',
    'GET /api/health HTTP/1.1\r\nHost: x\r\nCookie: dipreg_session=' + 'a'.repeat(5000) + '\r\nConnection: close\r\n\r\n',
    'GET /api/session HTTP/1.1\r\nHost: x\r\nCookie: a=b; dipreg_session=; dipreg_session=zz\r\nConnection: close\r\n\r\n',
    'GET /api/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\nConnection: close\r\n\r\n',
    'GET /api/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ' + 'x'.repeat(500) + '\r\nConnection: close\r\n\r\n',
    'GET /api/session HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YTpi\r\nConnection: close\r\n\r\n',
    'GET /api/objections/1 HTTP/1.1\r\nHost: x\r\nX-Objection-Token: ' + 'q'.repeat(200) + '\r\nConnection: close\r\n\r\n',
    'GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-Id: ' + '<script>'.repeat(10) + '\r\nConnection: close\r\n\r\n',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"a":',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\nConnection: close\r\n\r\n',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n',
    'GET /api/health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n',
    'GET\r\n\r\n',
    '\r\n\r\n\r\n',
  ];
  for (const text of odd) {
    const r = await rawRequest(srv.url, text);
    if (r.status >= 500) failures.push(`${JSON.stringify(text.slice(0, 60))}: ${r.status} ${r.text.slice(0, 80)}`);
  }
  assert.deepEqual(failures, []);
  // A method HTTP does not define is "not implemented" (RFC 9110, 15.6.2).
  assert.equal((await rawRequest(srv.url, 'FOO /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 501);
  const opt = await srv.anon().call('OPTIONS', '/api/health');
  assertError(opt, 404, 'not_found');
  assert.equal((await srv.anon().get('/api/health')).status, 200);
  const x = await srv.anon().get('/api/health', { headers: { 'X-Request-Id': '<script>' } });
  assert.match(x.headers.get('x-request-id'), /^[0-9a-f]{24}$/);
});

// Last: the limits below lock sign-in from this address for 15 minutes of
// server time.
test('sign-in rate limits: per login, then per address; they lift after 15 minutes', async () => {
  const victim = await srv.signUp();
  srv.clients.pop();
  const anon = srv.anon();
  for (let i = 0; i < 5; i++)
    assertError(await anon.post('/api/session', { login: victim.login, password: `wrong ${i} password` }), 401, 'unauthenticated');
  const locked = await anon.post('/api/session', { login: victim.login, password: PASSWORD });
  assertError(locked, 429, 'rate_limited');
  // The same answer for an unknown login: nothing tells which exist.
  const ghost = await anon.post('/api/session', { login: 'no-such-login', password: 'whatever it is' });
  assertError(ghost, 401, 'unauthenticated');
  assert.equal(ghost.body.error.message, 'wrong login or password');
  // Others from this address can still sign in, until the address limit.
  assert.equal((await anon.post('/api/session', { login: alice.login, password: PASSWORD })).status, 200);
  let status = 0;
  for (let i = 0; i < 25 && status !== 429; i++)
    status = (await anon.post('/api/session', { login: `guess${i}`, password: 'a wrong password' })).status;
  assert.equal(status, 429);
  assertError(await anon.post('/api/session', { login: alice.login, password: PASSWORD }), 429, 'rate_limited');
  // Sessions already open are unaffected.
  assert.equal((await alice.get('/api/session')).status, 200);
  await srv.setClock('2025-06-24T09:20:00+08:00');
  assert.equal((await anon.post('/api/session', { login: victim.login, password: PASSWORD })).status, 200);
});
