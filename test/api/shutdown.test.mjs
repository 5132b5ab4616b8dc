// Graceful shutdown: SIGTERM while requests are in flight lets them finish,
// the process exits 0 promptly, and the database opens fine afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, PASSWORD, BIN, hex } from './harness.mjs';

// A timer that does not keep the test process alive.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

test('SIGTERM lets requests in flight finish, exits 0, and the database opens afterwards', async () => {
  // Sign-in costs a real scrypt here, so requests queue up on the threads.
  const srv = await startServer({ pwCost: 11 });
  const dir = srv.dir;
  try {
    const alice = await srv.signUp({ mode: 'bearer' });
    // Open and keep alive enough connections first: a request on a
    // connection the server has not accepted yet is not in flight, since a
    // stopping server closes its listening socket first.
    await Promise.all(Array.from({ length: 40 }, () => fetch(`${srv.url}/api/health`).then((r) => r.text())));
    const files = Array.from({ length: 6 }, (_, i) => Buffer.from(`${'x'.repeat(1 << 20)}${i}${hex(8)}`));
    let answered;
    const first = new Promise((resolve) => { answered = resolve; });
    const settle = (p) => p.then(async (r) => {
      answered();
      return { status: r.status, body: await r.json() };
    }, (e) => ({ status: 0, error: String(e.cause ?? e) }));
    const uploads = files.map((body, i) => settle(fetch(`${srv.url}/api/uploads?name=big${i}.txt`, {
      method: 'POST', headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${alice.token}` }, body,
    })));
    const logins = Array.from({ length: 16 }, () => settle(fetch(`${srv.url}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: alice.login, password: PASSWORD }),
    })));
    // Once the first answer is back, every request was sent and the
    // server is busy with the rest.
    await first;
    srv.proc.kill('SIGTERM');
    const results = await Promise.all([...logins, ...uploads]);
    const exit = await Promise.race([srv.exitPromise, sleep(10000).then(() => 'timeout')]);
    assert.notEqual(exit, 'timeout', 'the server did not stop within 10 s');
    assert.deepEqual(exit, { code: 0, signal: null });
    const bad = results.filter((r) => r.status !== 200 && r.status !== 201);
    assert.deepEqual(bad, [], `${bad.length} of ${results.length} requests in flight were cut off`);
    assert.match(srv.log(), /event=shutdown/);
    assert.match(srv.log(), /event=stopped/);

    // The database is intact and the server starts on it again.
    const check = spawnSync(BIN, ['tick', '--db', join(dir, 'r.db'), '--now', '2030-01-01T00:00:00+08:00'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const again = await startServer({ dir, pwCost: 11 });
    try {
      const me = await again.signInAs(alice.login, PASSWORD);
      assert.equal(me.account.login, alice.login);
      for (const r of results.slice(16)) {
        const dl = await me.get(`/api/uploads/${r.body.sha256}`);
        assert.equal(dl.status, 200);
      }
      const sizes = results.slice(16).map((r) => r.body.size).sort();
      assert.deepEqual(sizes, files.map((f) => f.length).sort());
    } finally {
      await again.stop({ keep: true });
    }
  } finally {
    if (!srv.exited) await srv.stop({ keep: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM with idle keep-alive connections open stops at once', async () => {
  const srv = await startServer();
  await srv.admin();
  for (let i = 0; i < 5; i++) assert.equal((await srv.anon().get('/api/health')).status, 200);
  const t0 = Date.now();
  const exit = await srv.stop({ wait: 5000 });
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
});
