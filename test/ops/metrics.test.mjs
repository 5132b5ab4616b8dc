// GET /metrics: the Prometheus text format, route patterns as labels,
// the registry's state, and only for the addresses of metrics_allow; and
// the threads as process listings show them.
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { hex, request, startServer, until } from './lib.mjs';
import { workingDay } from './scenario.mjs';

// name{labels} value lines, with HELP and TYPE for every family.
function parse(text) {
  const samples = [];
  const types = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') types[m[2]] = m[3];
      continue;
    }
    m = /^(\w+)(?:\{(.*)\})? (-?[0-9.e+]+|\+Inf)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  for (const s of samples) {
    const family = s.name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types[s.name] || types[family], `no TYPE for ${s.name}`);
  }
  return samples;
}

const one = (samples, name, labels = {}) => samples.filter((s) => s.name === name &&
  Object.entries(labels).every(([k, v]) => s.labels[k] === v));

test('requests by route pattern and status, latency histograms, registry state', async () => {
  const mark = `M${hex(4)}`;
  const srv = await startServer({ adminPassword: 'pw-metrics-admin' });
  try {
    const said = await workingDay(srv, { mark, adminPassword: 'pw-metrics-admin' });
    for (let i = 0; i < 3; i++) await request(`${srv.url}/api/applications/${said.appId}`);
    await request(`${srv.url}/api/applications/999999`);
    await request(`${srv.url}/api/nothing/here`);
    // The sequencer signs a checkpoint of the publication.
    await until(async () => (await request(`${srv.url}/log/checkpoint`)).status === 200, 10000, 'a checkpoint');
    const r = await request(`${srv.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const s = parse(r.text);
    // Route patterns, never raw paths.
    assert.ok(!/route="[^"]*\/\d+/.test(r.text), 'a raw path in a label');
    const get = one(s, 'dipreg_http_requests_total', { method: 'GET', route: '/api/applications/{id}' });
    assert.equal(get.find((x) => x.labels.status === '200').value, 4);
    assert.equal(get.find((x) => x.labels.status === '404').value, 1);
    assert.equal(one(s, 'dipreg_http_requests_total', { route: '/api/applications/{id}/submit', status: '200' })[0].value, 1);
    assert.equal(one(s, 'dipreg_http_requests_total', { route: 'none', status: '404' })[0].value, 1);
    // A histogram: cumulative buckets ending in +Inf, which equals the count.
    const buckets = one(s, 'dipreg_http_request_duration_seconds_bucket', { route: '/api/applications/{id}', method: 'GET' });
    assert.equal(buckets.at(-1).labels.le, '+Inf');
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value);
    assert.equal(buckets.at(-1).value, 5);
    assert.equal(one(s, 'dipreg_http_request_duration_seconds_count', { route: '/api/applications/{id}', method: 'GET' })[0].value, 5);
    assert.ok(one(s, 'dipreg_http_request_duration_seconds_sum', { route: '/api/applications/{id}', method: 'GET' })[0].value > 0);
    // The registry.
    assert.equal(one(s, 'dipreg_applications', { state: 'publication' })[0].value, 1);
    assert.equal(one(s, 'dipreg_applications', { state: 'draft' })[0].value, 0);
    assert.equal(one(s, 'dipreg_database_up')[0].value, 1);
    assert.ok(one(s, 'dipreg_log_entries')[0].value >= 1);
    assert.ok(one(s, 'dipreg_log_checkpoint_size')[0].value >= 1);
    const age = one(s, 'dipreg_log_checkpoint_age_seconds')[0].value;
    assert.ok(age >= 0 && age < 60, `checkpoint age ${age}`);
    assert.equal(one(s, 'dipreg_tasks_overdue')[0].value, 0);
    assert.ok(one(s, 'dipreg_scheduler_runs_total')[0].value >= 1);
    assert.equal(one(s, 'dipreg_database_errors_total')[0].value, 0);
    assert.equal(one(s, 'dipreg_threads')[0].value, 2);
    // Connections by the thread that accepted them: one line a thread.
    const accepted = one(s, 'dipreg_connections_accepted_total');
    assert.deepEqual(accepted.map((x) => x.labels.thread), ['0', '1']);
    assert.ok(accepted[0].value + accepted[1].value >= 1);
    // The working day's writes were committed in batches, none lost.
    const batches = one(s, 'dipreg_commit_batches_total')[0].value;
    assert.ok(batches >= 1);
    assert.ok(one(s, 'dipreg_commit_batched_transactions_total')[0].value >= batches);
    assert.equal(one(s, 'dipreg_commit_batches_lost_total')[0].value, 0);
  } finally {
    await srv.stop();
  }
});

// A connection kept open after one request answered on it.
function openConnection(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () =>
      sock.write(`GET /api/health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`));
    let got = '';
    sock.on('data', (d) => {
      got += d;
      if (got.includes('\r\n\r\n')) resolve(sock);
    });
    sock.on('error', reject);
  });
}

test('a burst of connections is shared evenly by the threads', async () => {
  const srv = await startServer();
  const socks = [];
  try {
    const count = (s) => one(s, 'dipreg_connections_accepted_total').map((x) => x.value);
    const before = count(parse((await request(`${srv.url}/metrics`)).text));
    socks.push(...await Promise.all(Array.from({ length: 40 }, () => openConnection(srv.url))));
    const after = count(parse((await request(`${srv.url}/metrics`)).text));
    const took = after.map((n, i) => n - before[i]);
    // 41 with the metrics request.  A thread that is ahead waits for the
    // other; only one that keeps a connection waiting over a millisecond
    // lets it go, which a loaded machine may, now and then.
    assert.equal(took[0] + took[1], 41);
    assert.ok(Math.min(...took) >= 14, `accepted by thread: ${took}`);
  } finally {
    for (const s of socks) s.destroy();
    await srv.stop();
  }
});

// top -H and ps -L show each thread by what it does; the first serving
// thread is the process's own and keeps the name pgrep and systemd know.
test('the server names its threads', async () => {
  const srv = await startServer({ args: ['--threads', '3'] });
  try {
    const task = `/proc/${srv.proc.pid}/task`;
    const names = readdirSync(task).map((t) => readFileSync(join(task, t, 'comm'), 'utf8').trim()).sort();
    for (const n of ['dipreg', 'dipreg-http1', 'dipreg-http2', 'dipreg-sync', 'dipreg-ckpt', 'dipreg-stats', 'dipreg-signals'])
      assert.ok(names.includes(n), `no thread ${n} among ${names}`);
    assert.equal(names.filter((n) => n === 'dipreg').length, 1, `threads: ${names}`);
  } finally {
    await srv.stop();
  }
});

test('overdue tasks show when the clock passes their deadline', async () => {
  const srv = await startServer({ adminPassword: 'pw-metrics-admin', args: ['--test-clock'] });
  try {
    await workingDay(srv, { mark: `M${hex(4)}`, adminPassword: 'pw-metrics-admin' });
    const { Client } = await import('./lib.mjs');
    const admin = await new Client(srv.url).signIn('admin', 'pw-metrics-admin');
    // The forwarded objection awaits the applicant; the registry's own
    // duties (the objection decision) fall due later.
    await admin.ok('POST', '/api/admin/clock', { now: new Date(Date.now() + 90 * 86400e3).toISOString() });
    await until(async () => {
      const s = parse((await request(`${srv.url}/metrics`)).text);
      return one(s, 'dipreg_tasks_overdue')[0].value + one(s, 'dipreg_scheduler_applied_total')[0].value > 0;
    }, 10000, 'overdue work');
  } finally {
    await srv.stop();
  }
});

test('only the addresses of metrics_allow may read it', async () => {
  const srv = await startServer({ args: ['--metrics-allow', '127.0.0.9, 10.0.0.0/8'] });
  try {
    assert.equal((await request(`${srv.url}/metrics`)).status, 403);
    assert.equal((await request(`${srv.url}/metrics`, { localAddress: '127.0.0.9' })).status, 200);
    // A forged header from an address that is no trusted proxy changes nothing.
    assert.equal((await request(`${srv.url}/metrics`, { headers: { 'X-Forwarded-For': '127.0.0.9' } })).status, 403);
  } finally {
    await srv.stop();
  }
  const off = await startServer({ args: ['--metrics-allow', ''] });
  try {
    assert.equal((await request(`${off.url}/metrics`)).status, 403);
  } finally {
    await off.stop();
  }
});
