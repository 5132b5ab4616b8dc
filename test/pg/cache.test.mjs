// Answers kept ready by one server stay true to what another server
// writes (DESIGN.md §7, two servers behind a balancer on one database).
// Server B keeps a public record (Art. 10) and a search (Art. 20) ready to
// send; changes made through server A reach B's answers at once, because
// every commit is announced and B listens.  B's caches would otherwise
// serve what they hold for up to a second.  When B's listening connection
// is cut, B asks the database at every send until it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { pgBase, psql, registry, startServer, staff, signUp, submit, pdf, eventually,
  sleep } from './harness.mjs';

const skip = pgBase() === null ? 'PostgreSQL is not installed' : false;

// Whether srv says it hears of every commit (its /metrics).
async function listening(srv) {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const m = /^dipreg_database_listening (\d)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

// B's answer, polled every 20 ms for at most ms, until ok(answer).
async function within(ms, fetchAnswer, ok) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    last = await fetchAnswer();
    if (ok(last) || Date.now() > until) return last;
    await sleep(20);
  }
}

test('art10 art20: a change through one server is in the other server\'s answers at once',
  { skip, timeout: 120000 }, async () => {
    const reg = registry();
    const A = await startServer(reg);
    const B = await startServer(reg);
    try {
      for (const s of [A, B]) await s.setClock('2025-06-09T09:00:00+08:00'); // a Monday
      await eventually(async () => await listening(B) === 1, 'B listens');
      const examiner = await staff(A, ['examiner']);
      const holder = await signUp(A.url);
      const name = '北京市地铁进出站客流数据集';
      const app = await submit(holder, name);
      const onB = B.client();
      const search = async () => (await onB.ok('GET', `/api/search?q=${encodeURIComponent('地铁 进出站')}`)).items
        .map((h) => h.application);

      // B's search, asked twice: the second answer comes from its cache.
      assert.deepEqual(await search(), []);
      assert.deepEqual(await search(), []);
      await examiner.ok('POST', `/api/applications/${app.id}/publish`);
      const found = await within(300, search, (ids) => ids.includes(app.id));
      assert.deepEqual(found, [app.id], 'B\'s search shows the publication made through A');

      // B's public record, asked twice: kept ready.
      const record = () => onB.ok('GET', `/api/applications/${app.id}`);
      assert.deepEqual((await record()).objections, []);
      assert.deepEqual((await record()).objections, []);
      const objector = A.client();
      const ev = await objector.upload(pdf('证据'), 'application/pdf', 'evidence.pdf');
      const o = await objector.ok('POST', `/api/applications/${app.id}/objections`,
        { name: '王五', contact: 'wangwu@example.org', grounds: '该数据集系异议人享有权益的数据。',
          evidence: [ev] }, 201);
      const seen = await within(300, record, (r) => r.objections.length === 1);
      assert.deepEqual(seen.objections.map((x) => [x.id, x.state]), [[o.id, 'filed']],
        'B\'s record shows the objection filed through A');

      // B's listening connection cut: B notices, asks the database at
      // every send meanwhile, and listens again.
      const cut = psql(reg.db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
        "WHERE datname = current_database() AND application_name = 'dipreg-watch'");
      assert.equal(cut, '2', 'each server listens on one connection');
      await examiner.ok('POST', `/api/objections/${o.id}/forward`);
      const after = await within(300, record, (r) => r.objections[0].state !== 'filed');
      assert.notEqual(after.objections[0].state, 'filed', 'B\'s record shows the forwarding');
      await eventually(() => /event=watch_restored/.test(B.output), 'B listens again');
      assert.equal(await listening(B), 1);
      await eventually(() => psql(reg.db, "SELECT count(*) FROM pg_stat_activity " +
        "WHERE datname = current_database() AND application_name = 'dipreg-watch'") === '2',
      'both servers listen again');
      assert.match(B.output, /event=watch_lost/);
    } finally {
      await Promise.all([A.stop(), B.stop()]);
      rmSync(reg.dir, { recursive: true, force: true });
    }
  });
