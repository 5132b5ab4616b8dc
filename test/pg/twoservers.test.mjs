// Two `dipreg serve` on one PostgreSQL database, as behind a load balancer
// (DESIGN.md §7): submissions, publications and deposits through both at
// once, both clocks moved past the publications' end, then one server
// killed with SIGKILL in the middle of more load.  Afterwards nothing
// acknowledged is lost, each timeout was applied exactly once (by one
// scheduler: the servers' own counts add up to the effects), the survivor
// went on sequencing the log and applying deadlines, and `dipreg check`
// verifies the log against every checkpoint either server handed out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgBase, psql, registry, startServer, staff, signUp, submit, dipreg, fingerprint,
  eventually, sleep } from './harness.mjs';

const skip = pgBase() === null ? 'PostgreSQL is not installed' : false;

const SCHEDULED = ['deem_withdrawn', 'end_publication', 'register', 'expire', 'answer_lapsed',
  'supplement_lapsed', 'expiry_notice'];

// The scheduler's effects applied more than once, as "app action count" lines.
function duplicates(db) {
  return psql(db, `SELECT app_id, ref_id, action, count(*) FROM events WHERE action IN (${
    SCHEDULED.map((a) => `'${a}'`).join(', ')}) GROUP BY app_id, ref_id, action HAVING count(*) > 1`);
}

const count = (db, sql) => Number(psql(db, sql));

// What a server's scheduler reported applying, from its log lines.
const applied = (srv) => [...srv.output.matchAll(/event=scheduler_applied count=(\d+)/g)]
  .reduce((n, m) => n + Number(m[1]), 0);

test('two servers on one database: each timeout once, nothing lost, the survivor of a SIGKILL takes over',
  { skip, timeout: 240000 }, async () => {
    const reg = registry();
    const { db } = reg;
    // The first server makes the log key; the second then reads it.
    const A = await startServer(reg);
    const B = await startServer(reg);
    const servers = [A, B];
    const heads = new Set();
    const acked = { submitted: [], published: [], deposits: [] };
    try {
      const setClock = async (iso) => {
        await Promise.all(servers.filter((s) => !s.exited).map((s) => s.setClock(iso)));
      };
      await setClock('2025-06-09T09:00:00+08:00'); // a Monday
      const examiner = await staff(A, ['examiner']);
      const holders = [];
      for (let i = 0; i < 4; i++) holders.push(await signUp(servers[i % 2].url));
      const live = () => servers.filter((s) => !s.exited);
      // A session is good on either server: each request goes to one of
      // the live ones in turn, as a round-robin balancer would send it.
      let turn = 0;
      const via = (c) => {
        const l = live();
        return c.on(l[turn++ % l.length].url);
      };
      const head = async () => {
        const s = live()[turn++ % live().length];
        const r = await fetch(`${s.url}/log/checkpoint`, { signal: AbortSignal.timeout(5000) });
        if (r.status === 200) heads.add(await r.text());
      };

      // Load: each holder submits and deposits, the examiner publishes,
      // all through both servers; returns when each worker has done n
      // rounds.
      const load = async (n, tag) => {
        const worker = async (h, k) => {
          for (let i = 0; i < n; i++) {
            try {
              const app = await submit(via(h), `双实例数据集${tag}-${k}-${i}`);
              acked.submitted.push(app.id);
              const p = await via(examiner).call('POST', `/api/applications/${app.id}/publish`);
              if (p.status === 200) acked.published.push(app.id);
              const d = await via(h).call('POST', '/api/deposits',
                { json: { fingerprint: fingerprint(), files: 1, bytes: 100 } });
              if (d.status === 201) acked.deposits.push({ id: Number(d.headers.get('x-deposit-id')), holder: h });
              await head();
            } catch {
              // A server killed under the request: its outcome is unknown,
              // so it is not counted as acknowledged.
            }
          }
        };
        await Promise.all(holders.map((h, k) => worker(h, k)));
      };

      // ---- both servers up ----
      await load(4, 'a');
      assert.equal(acked.published.length, 16, 'every publication of the first round acknowledged');
      await setClock('2025-06-24T09:00:00+08:00'); // past the 10 working days of Art. 10
      // The schedulers alone apply the deadlines (nothing here reads the
      // applications through the service meanwhile).
      await eventually(() => count(db, "SELECT count(*) FROM events WHERE action = 'register'") === 16,
        'the schedulers register the first round', { tries: 300, ms: 100 });
      assert.equal(duplicates(db), '', 'a timeout was applied twice');
      // A scheduler reports its count when its round is over.
      await eventually(() => applied(A) + applied(B) >= 16, 'the schedulers report their rounds');
      assert.equal(applied(A) + applied(B), 16, `scheduler counts A ${applied(A)} B ${applied(B)}`);

      // ---- one server killed mid-way ----
      for (const c of [examiner, ...holders]) await c.signIn();
      const before = acked.published.length;
      let roundDone = false;
      const round = load(6, 'b').then(() => { roundDone = true; });
      await eventually(() => acked.published.length >= before + 4, 'the second round under way',
        { tries: 1000, ms: 10 });
      await sleep(Math.floor(Math.random() * 100));
      assert.ok(!roundDone, 'A is killed while the second round is in flight');
      await A.kill('SIGKILL');
      await round;
      assert.equal(A.exited.signal, 'SIGKILL');
      const second = acked.published.length - before;
      assert.ok(second > 0, 'the second round published through the survivor');
      // The survivor sequences: its own deposits get receipts, and its
      // timer folds everything into a signed checkpoint.
      for (const c of [examiner, ...holders]) {
        c.url = B.url;
        await c.signIn();
      }
      const d = await holders[0].on(B.url).ok('POST', '/api/deposits',
        { fingerprint: fingerprint(), files: 2, bytes: 200 }, 201);
      assert.ok(d.entry);
      await eventually(() => {
        const size = count(db, 'SELECT size FROM ledger_head');
        return count(db, 'SELECT coalesce(max(size), 0) FROM checkpoints') === size;
      }, 'the survivor checkpoints every entry', { tries: 100, ms: 100 });
      // ... and applies deadlines.
      const registered = count(db, "SELECT count(*) FROM events WHERE action = 'register'");
      const beforeB = applied(B);
      const due = count(db, "SELECT count(*) FROM deadlines WHERE closed_at = 0 AND binds_party = 1 AND due_at < extract(epoch FROM timestamptz '2025-07-09T09:00:00+08:00')");
      assert.ok(due >= second, `${due} publications due`);
      await setClock('2025-07-09T09:00:00+08:00');
      await eventually(() => count(db, "SELECT count(*) FROM events WHERE action = 'register'") === registered + due,
        'the survivor registers the second round', { tries: 300, ms: 100 });
      await eventually(() => applied(B) - beforeB >= due, 'the survivor reports its round');
      assert.equal(applied(B) - beforeB, due);
      assert.equal(duplicates(db), '', 'a timeout was applied twice');
      await head();

      // Neither timer's work ever failed for the other's.
      for (const s of servers)
        assert.doesNotMatch(s.output, /event=(scheduler|sequencer)_failed.*/, s.output);

      // ---- nothing acknowledged is lost ----
      for (const c of holders) await c.signIn();
      const ids = (sql) => new Set(psql(db, sql).split('\n').filter(Boolean).map(Number));
      const apps = ids('SELECT id FROM applications');
      for (const id of acked.submitted) assert.ok(apps.has(id), `submitted application ${id} lost`);
      const registeredIds = ids("SELECT app_id FROM events WHERE action = 'register'");
      for (const id of acked.published) assert.ok(registeredIds.has(id), `published application ${id} not registered`);
      const deposits = ids('SELECT id FROM deposits WHERE ledger_index >= 0');
      for (const { id, holder } of acked.deposits) {
        assert.ok(deposits.has(id), `deposit ${id} lost`);
        const r = await holder.on(B.url).call('GET', `/api/deposits/${id}/receipt`);
        assert.equal(r.status, 200, r.text);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    // The log against every checkpoint either server handed out.
    const files = [...heads].map((h, i) => {
      const f = join(reg.dir, `head-${i}.txt`);
      writeFileSync(f, h);
      return f;
    });
    assert.ok(files.length > 3);
    const c = dipreg(['check', '--db', db, '--data-dir', reg.dir, ...files.flatMap((f) => ['--head', f])]);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /signature and tiles verified/);
    rmSync(reg.dir, { recursive: true, force: true });
  });
