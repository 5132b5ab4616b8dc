// Submissions that arrive together share transactions (batched commit,
// src/server/durable.c), yet each is stored, numbered and answered on its
// own, and one that fails takes nothing of the others with it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fileApplication, metric } from './harness.mjs';

let srv;
after(async () => { await srv?.stop(); });


test('art7: submissions arriving together each land once, committed in batches', async () => {
  srv = await startServer();
  await srv.setClock('2025-03-03T09:00:00+08:00');
  const alice = await srv.signUp();
  const drafts = [];
  for (let i = 0; i < 24; i++)
    drafts.push(await fileApplication(alice, { name: `批量提交测试数据集${i}`, draftOnly: true }));
  // All at once, the first twice: one of its two submissions must fail
  // alone (Art. 7: it was submitted already).
  const ids = [drafts[0].id, ...drafts.map((d) => d.id)];
  const replies = await Promise.all(ids.map((id) => alice.post(`/api/applications/${id}/submit`)));
  const first = replies.filter((r, i) => ids[i] === drafts[0].id).map((r) => r.status).sort();
  assert.deepEqual(first, [200, 409]);
  const ok = replies.filter((r) => r.status === 200).map((r) => r.body);
  assert.equal(ok.length, drafts.length);
  assert.equal(new Set(ok.map((a) => a.id)).size, drafts.length);
  for (const a of ok) {
    assert.equal(a.state, 'submitted');
    const stored = await alice.ok('GET', `/api/applications/${a.id}`);
    assert.equal(stored.state, 'submitted');
    assert.equal(stored.submitted_at, a.submitted_at);
  }
  const m = await srv.metrics();
  const batches = metric(m, 'dipreg_commit_batches_total');
  assert.ok(batches >= 1, m);
  // Some of them shared a batch.
  assert.ok(metric(m, 'dipreg_commit_batched_transactions_total') > batches, m);
  assert.equal(metric(m, 'dipreg_commit_batches_lost_total'), 0);
});
