// A batch lost to the disk (src/server/durable.c): when the write-ahead
// log cannot grow during a commit, as on a full disk, every submission of
// that batch is answered 503 with a JSON error, the server goes on, and
// what it acknowledged before is still there after a restart while what
// it refused is not (Art. 7: a filing not durably received is not
// submitted).
//
// The disk refuses writes through the file size limit (RLIMIT_FSIZE),
// set on the running server with prlimit: the log's size at that moment
// plus less than one frame, so that the next commit's first frame does
// not fit, whatever commit it is, while nothing written before is
// touched.  Until a checkpoint (at 4 MiB) the log only grows, and no
// commit writes the database file, so the failure lands in a commit's
// write of the log, every time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, fileApplication, metric } from './harness.mjs';

let srv;
after(async () => { await srv?.stop(); });

const SUBMIT = '/api/applications/{id}/submit';
const submits = (text, status) => Number((text.match(new RegExp(
  `^dipreg_http_requests_total\\{method="POST",route="${SUBMIT.replace(/[{}]/g, '\\$&')}",status="${status}"\\} (\\d+)$`,
  'm')) ?? [0, 0])[1]);

// Sets the soft limit on the size of files the server writes (bytes or
// 'unlimited'); the hard limit stays, so the soft one can be raised again.
function fileSizeLimit(pid, bytes) {
  const r = spawnSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`prlimit: ${r.error ?? r.stderr}`);
}

// Batched commit is SQLite's: the PostgreSQL runs (test/pg/dipreg-on-pg.sh)
// have nothing to lose here.
const skip = spawnSync('prlimit', ['--version']).status !== 0 ? 'prlimit (util-linux) is not installed'
  : process.env.DIPREG_REAL_BIN ? 'batched commit is SQLite only' : false;

test('art7: submissions of a batch the disk refuses are answered 503 and not stored; acknowledged ones stay',
  { skip }, async () => {
    srv = await startServer();
    const dir = srv.dir;
    await srv.setClock('2025-03-03T09:00:00+08:00');
    const alice = await srv.signUp();
    const drafts = [];
    for (let i = 0; i < 12; i++)
      drafts.push(await fileApplication(alice, { name: `磁盘写满测试数据集${i}`, draftOnly: true }));
    const early = drafts.slice(0, 4);
    const lost = drafts.slice(4, 11);
    const late = drafts[11];

    // Acknowledged while the disk takes writes.
    const acked = [];
    for (const d of early) acked.push(await alice.ok('POST', `/api/applications/${d.id}/submit`));
    assert.equal(metric(await srv.metrics(), 'dipreg_commit_batches_lost_total'), 0);

    // From here on no commit fits in the log.  All at once, so that
    // some share a batch.
    const wal = join(dir, 'r.db-wal');
    const walBefore = statSync(wal).size;
    const dbBefore = statSync(join(dir, 'r.db')).size;
    fileSizeLimit(srv.proc.pid, walBefore + 100);
    const replies = await Promise.all(lost.map((d) => alice.post(`/api/applications/${d.id}/submit`,
      undefined, { headers: { 'X-Request-Id': `lost-${d.id}` }, signal: AbortSignal.timeout(10000) })));
    for (const r of replies) {
      assert.equal(r.status, 503, r.text);
      assert.match(r.headers.get('content-type'), /^application\/json/);
      assert.equal(r.body?.error?.code, 'busy', r.text);
      assert.match(r.body.error.message, /could not store this request; nothing of it was recorded/);
    }
    // The commits did reach for the log, and only for the log.
    assert.ok(statSync(wal).size > walBefore, 'the lost commits did not write to the log');
    assert.equal(statSync(join(dir, 'r.db')).size, dbBefore);
    assert.equal(srv.exited, null, srv.log());

    // The operator sees why and which requests: each batch's loss with
    // SQLite's reason, and each reply taken back under its request id.
    const log = srv.log();
    assert.match(log, /level=error event=batch_lost error="database: a batch of \d+ transactions was lost: disk I\/O error"/);
    for (const d of lost) {
      assert.match(log, new RegExp(`level=error event=reply_taken_back req=lost-${d.id} route=\\S+ status=503 instead_of=200`));
      // The access line is written when the reply goes, with the status it went with.
      assert.match(log, new RegExp(`event=access req=lost-${d.id} method=POST route=\\S+ status=503 `));
      assert.doesNotMatch(log, new RegExp(`event=access req=lost-${d.id} method=POST route=\\S+ status=200 `));
    }
    const m = await srv.metrics();
    const batchesLost = metric(m, 'dipreg_commit_batches_lost_total');
    assert.ok(batchesLost >= 1 && batchesLost <= lost.length, m);
    assert.ok(metric(m, 'dipreg_database_errors_total') >= batchesLost, m);
    assert.equal(submits(m, 503), lost.length, m);
    assert.equal(submits(m, 200), early.length, m);

    // The disk takes writes again: the same server stores what comes next.
    fileSizeLimit(srv.proc.pid, 'unlimited');
    const later = await alice.ok('POST', `/api/applications/${late.id}/submit`);
    assert.equal(later.state, 'submitted');

    // Restarted, the registry holds what it acknowledged, as it said it
    // was, and none of what it refused.
    const stopped = await srv.stop({ keep: true });
    assert.deepEqual(stopped, { code: 0, signal: null });
    srv = await startServer({ dir });
    const again = await srv.signInAs(alice.login, alice.password);
    for (const a of [...acked, later]) {
      const stored = await again.ok('GET', `/api/applications/${a.id}`);
      assert.equal(stored.state, 'submitted');
      assert.equal(stored.submitted_at, a.submitted_at);
    }
    for (const d of lost) {
      const stored = await again.ok('GET', `/api/applications/${d.id}`);
      assert.equal(stored.state, 'draft', `${d.id} was answered 503 but is ${stored.state}`);
      assert.equal(stored.submitted_at ?? null, null);
    }
    // Not lost for good: submitted again, it is stored.
    const retried = await again.ok('POST', `/api/applications/${lost[0].id}/submit`);
    assert.equal(retried.state, 'submitted');
  });
