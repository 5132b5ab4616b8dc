// dipreg migrate: a demo registry in SQLite moved to PostgreSQL.  The copy
// passes `dipreg check` against the source's checkpoint, every table holds
// the same rows, and a server on the copy, with the same data directory,
// serves the same certificates, signed with the same key, that `dipreg
// verify` accepts; the registry then goes on where it stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgBase, psql, freshDatabase, startServer, Client, dipreg, fingerprint } from './harness.mjs';

const skip = pgBase() === null ? 'PostgreSQL is not installed' : false;

const TABLES = ['settings', 'counters', 'accounts', 'sessions', 'agencies', 'applications', 'parties',
  'objections', 'requests', 'events', 'deadlines', 'messages', 'uploads', 'upload_links', 'deposits',
  'certificates', 'audit', 'ledger_entries', 'ledger_tiles', 'checkpoints'];

const sqlite = (file, sql) => {
  const r = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${sql}: ${r.stderr}`);
  return r.stdout.trim();
};

const withoutReceipt = (text) => {
  const d = JSON.parse(text);
  delete d.receipt;
  return d;
};

// What a server on db serves: its verifier key, its checkpoint and the
// document of each certificate.
async function served(db, dir, numbers) {
  const srv = await startServer({ db, dir });
  try {
    const anon = srv.client();
    const keys = await anon.call('GET', '/log/keys');
    const checkpoint = await anon.call('GET', '/log/checkpoint');
    assert.equal(checkpoint.status, 200);
    const docs = {};
    for (const no of numbers) {
      const r = await anon.call('GET', `/api/certificates/${no}/document`);
      assert.equal(r.status, 200, `${no}: ${r.text}`);
      docs[no] = r.text;
    }
    return { srv, vkey: keys.text.split('\n')[0], checkpoint: checkpoint.text, docs };
  } catch (err) {
    await srv.stop();
    throw err;
  }
}

test('migrate: a demo registry moves from SQLite to PostgreSQL whole, and goes on there', { skip, timeout: 180000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dipreg-migrate-'));
    const file = join(dir, 'x.db');
    const demo = dipreg(['demo', '--db', file, '--data-dir', dir, '--count', '30', '--pw-cost', '4']);
    assert.equal(demo.status, 0, demo.stderr);
    const numbers = sqlite(file, 'SELECT DISTINCT cert_no FROM certificates ORDER BY 1').split('\n');
    assert.ok(numbers.length >= 5, `${numbers.length} certificates`);

    const before = await served(file, dir, numbers);
    await before.srv.stop();

    const db = freshDatabase();
    const m = dipreg(['migrate', '--from', file, '--to', db, '--data-dir', dir]);
    assert.equal(m.status, 0, m.stderr + m.stdout);
    assert.match(m.stdout, /ledger_entries +\d+ rows/);
    assert.match(m.stdout, /consistent with 1 checkpoint/);
    assert.match(m.stdout, new RegExp(`uploaded files and log keys stay in ${dir}`));

    // dipreg check on the copy, against the checkpoint the source served.
    const head = join(dir, 'head.txt');
    writeFileSync(head, before.checkpoint);
    const c = dipreg(['check', '--db', db, '--data-dir', dir, '--head', head]);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /signature and tiles verified/);
    for (const t of TABLES)
      assert.equal(psql(db, `SELECT count(*) FROM ${t}`), sqlite(file, `SELECT count(*) FROM ${t}`), t);
    assert.equal(psql(db, 'SELECT size FROM ledger_head'), sqlite(file, 'SELECT count(*) FROM ledger_entries'));

    // The same certificates, the same key, the same checkpoint.
    const after = await served(db, dir, numbers);
    try {
      assert.equal(after.vkey, before.vkey);
      assert.equal(after.checkpoint, before.checkpoint);
      for (const [i, no] of numbers.entries()) {
        assert.deepEqual(withoutReceipt(after.docs[no]), withoutReceipt(before.docs[no]), no);
        if (i % 4) continue; // a sample verifies offline: a process each
        const f = join(dir, `certificate-${no}.json`);
        writeFileSync(f, after.docs[no]);
        const v = dipreg(['verify', f, '--key', before.vkey]);
        assert.equal(v.status, 0, `${no}: ${v.stderr}${v.stdout}`);
      }
      // The registry goes on: a sign-in, a new deposit at the next log
      // index, a new application numbered after the copied ones.
      const alice = await new Client(after.srv.url).signIn('alice', 'demo-alice-pass');
      const size = Number(sqlite(file, 'SELECT count(*) FROM ledger_entries'));
      const d = await alice.call('POST', '/api/deposits', { json: { fingerprint: fingerprint(), files: 1, bytes: 10 } });
      assert.equal(d.status, 201, d.text);
      assert.equal(d.body.index, size);
      const maxId = Number(sqlite(file, 'SELECT max(id) FROM applications'));
      const draft = await alice.call('POST', '/api/applications', { json: { content: { name: '迁移之后的数据集' } } });
      assert.equal(draft.status, 201, draft.text);
      assert.ok(draft.body.id > maxId, `new id ${draft.body.id} after ${maxId}`);
    } finally {
      await after.srv.stop();
    }

    // A second migration into the same database is refused, and leaves it be.
    const again = dipreg(['migrate', '--from', file, '--to', db, '--data-dir', dir]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /is not empty \(table settings holds/);
    assert.equal(psql(db, 'SELECT count(*) FROM accounts'), sqlite(file, 'SELECT count(*) FROM accounts'));
    const missing = dipreg(['migrate', '--from', join(dir, 'nope.db'), '--to', freshDatabase()]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no such database file/);
    rmSync(dir, { recursive: true, force: true });
  });
