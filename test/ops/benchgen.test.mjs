// dipreg bench-gen: the synthetic registry of `make bench` passes the
// registry's own check, and new drafts can be added to one generated before
// (a kept registry whose drafts an earlier P3 submitted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dipreg, request, startServer, tempDir } from './lib.mjs';

const tokenFile = (path) => Object.fromEntries(readFileSync(path, 'utf8').trim().split('\n')
  .map((l) => l.split('=')));

const check = (dir) => {
  const r = dipreg(['check', '--db', join(dir, 'r.db'), '--data-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  const m = /log of (\d+) entries matches its checkpoint/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return Number(m[1]);
};

test('a generated registry passes check, and drafts added later can be submitted', async () => {
  const dir = tempDir('benchgen');
  const db = join(dir, 'r.db');
  try {
    let r = dipreg(['bench-gen', '--db', db, '--data-dir', dir, '--count', '300', '--drafts', '20',
      '--token-file', join(dir, 't1')]);
    assert.equal(r.status, 0, r.stderr);
    const gen = JSON.parse(r.stdout);
    assert.equal(gen.registrations, 300);
    const first = tokenFile(join(dir, 't1'));
    assert.equal(Number(first.last) - Number(first.first), 19);
    const entries = check(dir);

    // Not a second registry on top of the first.
    r = dipreg(['bench-gen', '--db', db, '--data-dir', dir, '--count', '10']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /already has accounts.*--count 0 --drafts K/);

    r = dipreg(['bench-gen', '--db', db, '--data-dir', dir, '--count', '0', '--drafts', '15',
      '--token-file', join(dir, 't2')]);
    assert.equal(r.status, 0, r.stderr);
    const added = JSON.parse(r.stdout);
    assert.equal(added.drafts, 15);
    assert.match(added.login, /^bench-\d+$/);
    const second = tokenFile(join(dir, 't2'));
    assert.equal(Number(second.first), Number(first.last) + 1);
    assert.equal(Number(second.last) - Number(second.first), 14);
    assert.notEqual(second.token, first.token);
    // Each new draft's deposit is a log entry of its own.
    assert.equal(check(dir), entries + 15);

    const srv = await startServer({ dir });
    try {
      const submit = (id, token) => request(`${srv.url}/api/applications/${id}/submit`,
        { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      const ok = await submit(second.first, second.token);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.state, 'submitted');
      assert.equal(ok.body.id, Number(second.first));
      // The new applicant's drafts are theirs alone.
      const other = await submit(second.last, first.token);
      assert.ok(other.status === 403 || other.status === 404, other.text);
      const still = await submit(first.first, first.token);
      assert.equal(still.status, 200, still.text);
    } finally {
      await srv.stop({ keep: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
