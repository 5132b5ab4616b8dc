// Statistics follow the register: the figures a reader gets are the ones
// after the latest act, even though the server keeps the rows it counted
// between requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, fileApplication } from './harness.mjs';

let srv;

before(async () => {
  srv = await startServer();
  await srv.setClock('2025-06-09T09:00:00+08:00');
});
after(async () => { await srv?.stop(); });

const figure = (summary, name) => summary.indicators.find((i) => i.indicator === name).value;

test('art20 statistics change with each act and stay put between acts', async () => {
  const anon = srv.anon();
  const examiner = await srv.examiner();
  const alice = await srv.signUp();
  const s0 = await anon.ok('GET', '/api/stats/summary');
  assert.equal(figure(s0, 'received'), 0);
  assert.deepEqual((await anon.ok('GET', '/api/stats/summary')).indicators, s0.indicators, 'nothing happened');

  const a = await fileApplication(alice);
  const s1 = await anon.ok('GET', '/api/stats/summary');
  assert.equal(figure(s1, 'received'), 1, 'the submission counts at once');
  assert.equal(figure(s1, 'in_publication'), 0);

  await examiner.ok('POST', `/api/applications/${a.id}/publish`);
  const s2 = await anon.ok('GET', '/api/stats/summary');
  assert.equal(figure(s2, 'in_publication'), 1, 'the publication counts at once');

  // Art. 11: the publication period ends with no objection; the scheduler
  // registers it.
  await srv.setClock('2025-06-24T09:00:00+08:00');
  await srv.tick();
  const s3 = await anon.ok('GET', '/api/stats/summary');
  assert.equal(figure(s3, 'registered'), 1);
  assert.equal(figure(s3, 'in_publication'), 0);
  const csv = await anon.get('/api/stats/registrations.csv?table=states');
  assert.equal(csv.status, 200);
});

test('art20 on a register whose count is slow, reports answer from the last count and say when', async () => {
  // 0 ms: every count counts as slow, as on a register of a million.
  const big = await startServer({ extra: ['--stats-background-ms', '0'] });
  try {
    await big.setClock('2025-06-09T09:00:00+08:00');
    const anon = big.anon();
    const alice = await big.signUp();
    const s0 = await anon.ok('GET', '/api/stats/summary');
    assert.equal(figure(s0, 'received'), 0);
    assert.match(s0.as_of, /^2025-06-09T09:00:0\d\+08:00$/);

    await fileApplication(alice);
    // Out of date, answered at once from the count of 09:00, which it names.
    const s1 = await anon.ok('GET', '/api/stats/summary');
    assert.equal(figure(s1, 'received'), 0);
    assert.equal(s1.as_of, s0.as_of);

    // A minute later the count runs again, off the serving threads.
    await big.setClock('2025-06-09T09:01:30+08:00');
    let s2 = await anon.ok('GET', '/api/stats/summary');
    for (let i = 0; i < 100 && figure(s2, 'received') === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      s2 = await anon.ok('GET', '/api/stats/summary');
    }
    assert.equal(figure(s2, 'received'), 1, 'counted again in the background');
    assert.match(s2.as_of, /^2025-06-09T09:01:3\d\+08:00$/, 'as of the new count');
  } finally {
    await big.stop();
  }
});
