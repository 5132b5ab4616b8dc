// The authorization matrix: every route of the OpenAPI document, called by
// every kind of caller, with the status each must get.  The table below is
// the specification; the test fails when a route is added to the server
// without a row here, or a row names a route the server no longer has.
//
// Requests are built so that nothing they are allowed to do changes the
// fixtures the later rows rely on: actions on the registered application A
// are refused by its state (409), bodies are incomplete where a success
// would change it (422), and reads are reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeContent, fileApplication, pdf, hex, ADMIN_PASSWORD, PASSWORD } from './harness.mjs';

// Columns of the table, in order.
const ROLES = ['anon', 'owner', 'other', 'agent', 'noPoa', 'examiner', 'admin', 'objector'];
// anon      no credentials
// owner     the applicant (holder) of every fixture application
// other     another applicant
// agent     an agency with a power of attorney the owner confirmed; it filed A
// noPoa     an agency without one
// examiner  registry staff
// admin     the registry's operator (admin role only)
// objector  no account, but the X-Objection-Token of the row's objection

const valid = 'CONTENT'; // replaced by a complete Art. 5 content
const nobody = [401, 403, 403, 403, 403, 403, 403, 401];

// method, path (fixtures in braces), body, statuses by ROLES
const MATRIX = [
  ['GET', '/api/health', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/openapi.json', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/reference/industries', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/reference/rules', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/reference/fields', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  // accounts
  ['POST', '/api/accounts', {}, [422, 422, 422, 422, 422, 422, 422, 422]],
  ['POST', '/api/session', [], [400, 400, 400, 400, 400, 400, 400, 400]],
  ['GET', '/api/session', undefined, [401, 200, 200, 200, 200, 200, 200, 401]],
  ['DELETE', '/api/session', undefined, [401, 200, 200, 200, 200, 200, 200, 401], { fresh: true }],
  ['PUT', '/api/session/password', {}, [401, 422, 422, 422, 422, 422, 422, 401]],
  ['POST', '/api/tokens', {}, [401, 201, 201, 201, 201, 201, 201, 401]],
  ['DELETE', '/api/tokens', {}, [401, 422, 422, 422, 422, 422, 422, 401]],
  ['POST', '/api/agencies', {}, [401, 403, 403, 422, 422, 403, 403, 401]],
  ['POST', '/api/agencies/confirm', {}, [401, 422, 422, 422, 422, 403, 403, 401]],
  // applications: A is registered, filed by the agent for the owner; D is
  // the owner's draft
  ['GET', '/api/applications', undefined, [401, 200, 200, 200, 200, 200, 200, 401]],
  ['POST', '/api/applications', {}, [401, 422, 422, 422, 422, 403, 403, 401]],
  ['GET', '/api/applications/{A}', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/applications/{D}', undefined, [404, 200, 404, 404, 404, 200, 200, 404]],
  ['PUT', '/api/applications/{A}', { content: {} }, [401, 409, 403, 409, 403, 403, 403, 401]],
  ['PUT', '/api/applications/{D}', { content: valid }, [401, 200, 404, 404, 404, 403, 403, 401]],
  ['POST', '/api/applications/{A}/confirm', undefined, [401, 409, 403, 409, 403, 403, 403, 401]],
  ['POST', '/api/applications/{A}/submit', undefined, [401, 409, 403, 409, 403, 403, 403, 401]],
  ['POST', '/api/applications/{A}/withdraw', {}, [401, 409, 403, 409, 403, 403, 403, 401]],
  ['POST', '/api/applications/{A}/reply', { content: valid }, [401, 409, 403, 409, 403, 403, 403, 401]],
  ['POST', '/api/applications/{A}/late-reply', { content: valid, reason: '住院' },
    [401, 409, 403, 409, 403, 403, 403, 401]],
  ['POST', '/api/applications/{A}/renew', undefined, [401, 409, 403, 409, 403, 403, 403, 401]],
  ['GET', '/api/applications/{A}/events', undefined, [401, 200, 404, 200, 404, 200, 200, 401]],
  ['POST', '/api/applications/{A}/objections', { name: '王五', contact: 'w@example.org', grounds: '权属有争议' },
    [409, 409, 409, 409, 409, 409, 409, 409]],
  ['POST', '/api/applications/{A}/requests', { kind: 'transaction' }, [401, 422, 403, 422, 403, 403, 403, 401]],
  // examination
  ['GET', '/api/tasks', undefined, [401, 403, 403, 403, 403, 200, 403, 401]],
  ['POST', '/api/applications/{A}/correction', { defects: [{ field: 'name', message: '名称有误' }] },
    [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/applications/{A}/late-reply/decision', { accept: true, reason: '理由正当' },
    [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/applications/{A}/refuse', { grounds: [1], text: '不符合' }, [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/applications/{A}/publish', undefined, [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/applications/{A}/register', undefined, [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/applications/{A}/cancel', {}, [401, 403, 403, 403, 403, 422, 403, 401]],
  ['POST', '/api/applications/{A}/revoke', {}, [401, 403, 403, 403, 403, 422, 403, 401]],
  // objections on P (the owner's, in publication): F is filed and not yet
  // forwarded, W was withdrawn by its objector before it was forwarded
  ['GET', '/api/objections/{F}', undefined, [404, 404, 404, 404, 404, 200, 200, 200]],
  ['GET', '/api/objections/{W}', undefined, [404, 404, 404, 404, 404, 200, 200, 200]],
  ['POST', '/api/objections/{W}/forward', {}, [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/objections/{W}/answer', { text: '不成立' }, [401, 409, 403, 403, 403, 403, 403, 401]],
  ['POST', '/api/objections/{W}/forward-answer', {}, [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/objections/{W}/supplement', { text: '补充' }, [403, 403, 403, 403, 403, 409, 403, 409]],
  ['POST', '/api/objections/{W}/decide', { upheld: false, text: '不成立' }, [401, 403, 403, 403, 403, 409, 403, 401]],
  ['POST', '/api/objections/{W}/withdraw', {}, [403, 403, 403, 403, 403, 409, 403, 409]],
  ['GET', '/api/objections/{W}/messages', undefined, [404, 404, 404, 404, 404, 200, 200, 200]],
  // requests: R is the owner's change request on A, rejected
  ['GET', '/api/requests', undefined, [401, 200, 200, 200, 200, 200, 200, 401]],
  ['GET', '/api/requests/{R}', undefined, [401, 200, 404, 200, 404, 200, 200, 401]],
  ['POST', '/api/requests/{R}/confirm', undefined, [401, 404, 404, 404, 404, 403, 403, 401]],
  ['POST', '/api/requests/{R}/decline', {}, [401, 404, 404, 404, 404, 403, 403, 401]],
  ['POST', '/api/requests/{R}/withdraw', {}, [401, 409, 404, 409, 404, 403, 403, 401]],
  ['POST', '/api/requests/{R}/decision', { accept: true }, [401, 403, 403, 403, 403, 409, 403, 401]],
  // uploads: S is the owner's sample of A
  ['POST', '/api/uploads', 'BYTES', [201, 201, 201, 201, 201, 201, 201, 201]],
  ['GET', '/api/uploads/{S}', undefined, [401, 200, 404, 200, 404, 200, 200, 401]],
  // inbox: M is a document delivered to the owner
  ['GET', '/api/inbox', undefined, [401, 200, 200, 200, 200, 200, 200, 401]],
  ['GET', '/api/inbox/unread', undefined, [401, 200, 200, 200, 200, 200, 200, 401]],
  ['POST', '/api/inbox/{M}/read', undefined, [401, 200, 404, 404, 404, 404, 404, 401]],
  // public register
  ['GET', '/api/publications', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/register', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/search?q=%E6%95%B0%E6%8D%AE', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/announcements', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  // admin: U is the other applicant's account
  ['GET', '/api/admin/accounts', undefined, [401, 403, 403, 403, 403, 403, 200, 401]],
  ['POST', '/api/admin/accounts', {}, [401, 403, 403, 403, 403, 403, 422, 401]],
  ['PATCH', '/api/admin/accounts/{U}', {}, [401, 403, 403, 403, 403, 403, 200, 401]],
  ['GET', '/api/admin/audit', undefined, [401, 403, 403, 403, 403, 403, 200, 401]],
  ['GET', '/api/admin/calendar', undefined, [401, 403, 403, 403, 403, 403, 200, 401]],
  ['PUT', '/api/admin/calendar', {}, [401, 403, 403, 403, 403, 403, 422, 401]],
  ['POST', '/api/admin/tick', undefined, [401, 403, 403, 403, 403, 403, 200, 401]],
  ['POST', '/api/admin/clock', {}, nobody.map((s, i) => (i === 6 ? 422 : s))],
  // certificates: C is A's certificate number
  ['GET', '/api/certificates/{C}', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/certificates/{C}/document', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['POST', '/api/verify', {}, [422, 422, 422, 422, 422, 422, 422, 422]],
  ['GET', '/api/certificates/{C}/pdf', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/certificates/{C}/qr.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  // the transparency log: T a tile of it, I an entry, G A's fingerprint;
  // K is a deposit of the owner
  ['GET', '/log/checkpoint', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/log/keys', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/log/tile/{T}', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/log/entries/{I}', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/log/proof/inclusion?index={I}', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/log/proof/consistency?from=1', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/log/fingerprints/{G}', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['POST', '/api/log/cosignatures', {}, [422, 422, 422, 422, 422, 422, 422, 422]],
  ['POST', '/api/deposits', {}, [401, 422, 422, 422, 422, 403, 403, 401]],
  ['GET', '/api/deposits/{K}/receipt', undefined, [401, 200, 404, 404, 404, 200, 200, 401]],
  // statistics and open data: public, and nothing confidential in them
  ['GET', '/api/stats/summary', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/summary.csv', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/registrations', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/registrations.csv', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/filings', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/filings.csv', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/index', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/index.csv', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/charts/registrations.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/charts/filings.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/charts/amounts.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/charts/index.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/charts/sections.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/stats/charts/holders.svg', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['PUT', '/api/admin/stats/index-base', {}, [401, 403, 403, 403, 403, 403, 200, 401]], // {}: the default rule, as before
  ['GET', '/api/open/register.csv', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/open/catalog.jsonld', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/open/feed.atom', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
  // operations: by address (metrics_allow), not by account
  ['GET', '/metrics', undefined, [200, 200, 200, 200, 200, 200, 200, 200]],
];

// The parameter a fixture stands for in the document's path patterns.
const PARAM = { S: 'sha256', C: 'number', T: 'path', I: 'index', G: 'fingerprint' };

const INVENTED = [
  ['GET', '/api/nothing-here'],
  ['GET', '/api/admin'],
  ['POST', '/api/applications/1/frobnicate'],
  ['GET', '/api/applications/1/events/2'],
  ['PUT', '/api/tasks/1'],
  ['GET', '/api/v2/applications'],
  ['DELETE', '/api/objections'],
];

let srv, doc;
const clients = {};
const fx = {};
const tokens = {};
let content;

before(async () => {
  srv = await startServer();
  await srv.admin();
  await srv.setClock('2025-06-09T09:00:00+08:00');
  const examiner = await srv.examiner({ mode: 'bearer' });
  const owner = await srv.signUp({ mode: 'bearer' });
  const other = await srv.signUp({ mode: 'bearer' });
  const agent = await srv.agency({ mode: 'bearer' });
  const noPoa = await srv.agency({ mode: 'bearer' });
  const admin = await srv.signInAs('admin', ADMIN_PASSWORD, 'bearer');
  Object.assign(clients, { anon: srv.anon(), owner, other, agent, noPoa, examiner, admin });

  // Art. 6 para 2: the owner confirms the agency's power of attorney.
  const poa = await agent.upload(pdf('授权委托书'), 'application/pdf', 'poa.pdf');
  await agent.ok('POST', '/api/agencies', { principal: owner.login, power_of_attorney: poa });
  await owner.ok('POST', '/api/agencies/confirm', { agent: agent.login, confirm: true });

  content = await makeContent(owner);
  const a = await agent.ok('POST', '/api/applications', { content, principals: [owner.login] }, 201);
  await agent.ok('POST', `/api/applications/${a.id}/submit`);
  await examiner.ok('POST', `/api/applications/${a.id}/publish`);
  await srv.setClock('2025-06-24T09:00:00+08:00');
  await srv.tick();
  fx.A = a.id;
  assert.equal((await owner.ok('GET', `/api/applications/${a.id}`)).state, 'registered');
  fx.S = content.sample;

  fx.D = (await fileApplication(owner, { draftOnly: true })).id;
  const p = await fileApplication(owner, { content: await makeContent(owner, { name: '公示中数据集' }) });
  await examiner.ok('POST', `/api/applications/${p.id}/publish`);
  fx.P = p.id;
  for (const key of ['F', 'W']) {
    const anon = srv.anon();
    const ev = await anon.upload(pdf(key), 'application/pdf', 'evidence.pdf');
    const o = await anon.ok('POST', `/api/applications/${p.id}/objections`,
      { name: '王五', contact: 'w@example.org', grounds: `异议${key}`, evidence: [ev] }, 201);
    fx[key] = o.id;
    tokens[key] = o.token;
  }
  const w = srv.anon();
  w.objectionToken = tokens.W;
  await w.ok('POST', `/api/objections/${fx.W}/withdraw`, {});

  const r = await owner.ok('POST', `/api/applications/${fx.A}/requests`,
    { kind: 'change', payload: { changes: { other: { status: '暂停更新' } } } }, 201);
  await examiner.ok('POST', `/api/requests/${r.id}/decision`, { accept: false, reason: '材料不全' });
  fx.R = r.id;
  fx.M = (await owner.ok('GET', '/api/inbox')).items[0].id;
  fx.U = other.id;
  fx.C = (await owner.ok('GET', `/api/applications/${fx.A}`)).certificate_number;
  fx.G = encodeURIComponent(content.evidence.fingerprint);
  fx.I = 0;
  const dep = await owner.call('POST', '/api/deposits', { json: { fingerprint: `sha256:${hex(32)}`, files: 3, bytes: 4096 } });
  assert.equal(dep.status, 201, dep.text);
  fx.K = Number(dep.headers.get('x-deposit-id'));
  const size = Number((await srv.anon().call('GET', '/log/checkpoint')).text.split('\n')[1]);
  assert.ok(size > 0 && size < 256, `log size ${size}`);
  fx.T = `0/000.p/${size}`;
  fx.logSize = (await srv.anon().ok('GET', '/api/health')).log_size;
  doc = await srv.anon().ok('GET', '/api/openapi.json');
});
after(() => srv?.stop());

const key = (method, pattern) => `${method} ${pattern}`;
// The document's pattern of a row's path: fixtures become the parameter.
const docPattern = (path) => path.split('?')[0].replace(/\{([A-Z])\}/g, (_, k) => `{${PARAM[k] ?? 'id'}}`);

function documented() {
  const out = [];
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops)) out.push(key(m.toUpperCase(), p));
  return out.sort();
}

test('the table covers exactly the routes of the OpenAPI document', () => {
  const rows = [...new Set(MATRIX.map(([m, p]) => key(m, docPattern(p))))].sort();
  const docs = documented();
  assert.deepEqual(docs.filter((r) => !rows.includes(r)), [], 'routes without a row in MATRIX');
  assert.deepEqual(rows.filter((r) => !docs.includes(r)), [], 'rows for routes the server does not have');
  for (const row of MATRIX) assert.equal(row[3].length, ROLES.length, row.slice(0, 2).join(' '));
});

test('authorization matrix: every route by every kind of caller', async () => {
  const failures = [];
  for (const [method, path, body0, want, opts = {}] of MATRIX) {
    const url = path.replace(/\{([A-Z])\}/g, (_, k) => fx[k]);
    const objKey = (/\{([FW])\}/.exec(path) || [])[1];
    for (let i = 0; i < ROLES.length; i++) {
      const role = ROLES[i];
      let c = clients[role];
      if (role === 'objector') {
        c = srv.anon();
        c.objectionToken = objKey ? tokens[objKey] : hex(24);
      } else if (opts.fresh && role !== 'anon') {
        c = await srv.signInAs(c.login, role === 'admin' ? ADMIN_PASSWORD : PASSWORD, 'bearer');
        srv.clients.pop();
      }
      let r;
      if (body0 === 'BYTES')
        r = await c.call(method, `${url}?name=note.txt`, { body: Buffer.from(`note ${role}`), type: 'text/plain' });
      else {
        const body = body0 && typeof body0 === 'object' && !Array.isArray(body0)
          ? JSON.parse(JSON.stringify(body0).replaceAll(`"${valid}"`, JSON.stringify(content)))
          : body0;
        r = await c.call(method, url, body === undefined ? {} : { json: body });
      }
      if (r.status !== want[i])
        failures.push(`${method} ${path} as ${role}: want ${want[i]}, got ${r.status} ${r.text.slice(0, 160)}`);
      if (r.body?.error?.code === 'no_route')
        failures.push(`${method} ${path} as ${role}: the documented route answers no_route`);
      if (r.status >= 400 && (!r.body?.error?.code || !('message' in r.body.error)))
        failures.push(`${method} ${path} as ${role}: ${r.status} without a JSON error`);
    }
  }
  assert.deepEqual(failures, []);
});

test('invented routes answer 404 no_route', async () => {
  for (const [m, p] of INVENTED) {
    const r = await clients.owner.call(m, p, m === 'GET' ? {} : { json: {} });
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.equal(r.body.error.code, 'no_route', `${m} ${p}: ${r.text}`);
  }
});

test('the matrix changed none of the fixtures', async () => {
  const a = await clients.owner.ok('GET', `/api/applications/${fx.A}`);
  assert.equal(a.state, 'registered');
  assert.deepEqual(a.content, content);
  assert.equal(a.cert_version, 1);
  assert.equal((await clients.examiner.ok('GET', `/api/objections/${fx.F}`)).state, 'filed');
  assert.equal((await clients.examiner.ok('GET', `/api/requests/${fx.R}`)).state, 'rejected');
  assert.equal((await clients.owner.ok('GET', `/api/applications/${fx.P}`)).state, 'publication');
  const u = (await clients.admin.ok('GET', '/api/admin/accounts')).items.find((x) => x.id === fx.U);
  assert.deepEqual(u.roles, ['applicant']);
  assert.equal(u.disabled, false);
  assert.equal((await clients.anon.ok('GET', '/api/health')).log_size, fx.logSize, 'no public act');
});

test('art6: an agency whose power of attorney is revoked no longer acts or reads for the principal', async () => {
  const { owner, agent } = clients;
  await owner.ok('POST', '/api/agencies/confirm', { agent: agent.login, confirm: false });
  const a = await agent.ok('GET', `/api/applications/${fx.A}`);
  assert.equal(a.content.sample, undefined, 'only the register entry');
  assert.equal((await agent.get(`/api/applications/${fx.A}/events`)).status, 404);
  assert.equal((await agent.get(`/api/requests/${fx.R}`)).status, 404);
  assert.equal((await agent.get(`/api/uploads/${fx.S}`)).status, 404, "the principal's files");
  assert.equal((await agent.post(`/api/applications/${fx.A}/requests`,
    { kind: 'change', payload: { changes: { other: { status: '代理已撤销' } } } })).status, 403);
});
