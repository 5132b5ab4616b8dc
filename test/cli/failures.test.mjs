// Clear failures: each cause gives a one-line error naming it, and nothing
// already stored is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, renameSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.env.DIPREG_BIN || 'build/dipreg';
const run = (args, input) => spawnSync(bin, args, { encoding: 'utf8', input, timeout: 60000 });
const oneLine = (r) => {
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').filter((l) => !l.includes('level=')).length, 1, r.stderr);
};

function demo() {
  const dir = mkdtempSync(join(tmpdir(), 'dipreg-fail-'));
  const r = run(['demo', '--db', join(dir, 'r.db'), '--data-dir', dir, '--count', '30', '--pw-cost', '4']);
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

const count = (dir) => spawnSync('sqlite3', [join(dir, 'r.db'), 'select count(*) from applications; select count(*) from ledger_entries'], { encoding: 'utf8' }).stdout;

test('an unreadable holiday file stops the server with one line naming it', () => {
  const dir = demo();
  const r = run(['serve', '--db', join(dir, 'r.db'), '--data-dir', dir, '--listen', '127.0.0.1:0', '--holidays', join(dir, 'nope.txt')]);
  oneLine(r);
  assert.match(r.stderr, /holidays: .*nope\.txt: No such file/);
  writeFileSync(join(dir, 'bad.txt'), '2024-02-30 off x\n');
  const b = run(['tick', '--db', join(dir, 'r.db'), '--holidays', join(dir, 'bad.txt')]);
  oneLine(b);
  assert.match(b.stderr, /line 1/);
  rmSync(dir, { recursive: true });
});

test('a missing log key of a log that already signed checkpoints is refused, not replaced', () => {
  const dir = demo();
  const before = count(dir);
  renameSync(join(dir, 'keys', 'log.key'), join(dir, 'keys', 'log.key.away'));
  const r = run(['serve', '--db', join(dir, 'r.db'), '--data-dir', dir, '--listen', '127.0.0.1:0']);
  oneLine(r);
  assert.match(r.stderr, /log key: .*log\.key is missing .*restore the key/);
  assert.equal(existsSync(join(dir, 'keys', 'log.key')), false, 'no new key was made');
  renameSync(join(dir, 'keys', 'log.key.away'), join(dir, 'keys', 'log.key'));
  const c = run(['check', '--db', join(dir, 'r.db'), '--data-dir', dir]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(count(dir), before);
  rmSync(dir, { recursive: true });
});

test('a locked database gives a clear error after waiting, and loses nothing', async () => {
  const dir = demo();
  const before = count(dir);
  // Hold the write lock from another process for a while.
  const holder = spawn('sqlite3', [join(dir, 'r.db')], { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.write('BEGIN EXCLUSIVE; INSERT INTO settings(key, value) VALUES (\'lock\', \'x\');\n');
  await new Promise((r) => setTimeout(r, 300));
  const r = spawnSync(bin, ['admin', 'create-account', '--db', join(dir, 'r.db'), '--login', 'late', '--role', 'examiner',
    '--name', '审查员', '--kind', 'natural', '--id-number', '11010519491231002X', '--pw-cost', '4'],
  { encoding: 'utf8', input: 'late-password-1\n', timeout: 60000 });
  holder.stdin.write('ROLLBACK;\n.quit\n');
  holder.stdin.end();
  oneLine(r);
  assert.match(r.stderr, /locked|busy/);
  assert.equal(count(dir), before);
  const c = run(['check', '--db', join(dir, 'r.db'), '--data-dir', dir]);
  assert.equal(c.status, 0, c.stderr);
  rmSync(dir, { recursive: true });
});

test('a bad rules profile is refused with the key at fault', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dipreg-fail-'));
  writeFileSync(join(dir, 'p.conf'), readFileSync('data/rules/beijing.conf', 'utf8').replace('publication = 10 working_days', 'publication = ten working_days'));
  const r = run(['tick', '--db', join(dir, 'r.db'), '--rules', join(dir, 'p.conf')]);
  oneLine(r);
  assert.match(r.stderr, /rules: .*publication/);
  rmSync(dir, { recursive: true });
});

test('backup under a live server, restore, and the copy verifies', async () => {
  const dir = demo();
  const ready = join(dir, 'ready');
  const s = spawn(bin, ['serve', '--db', join(dir, 'r.db'), '--data-dir', dir, '--listen', '127.0.0.1:0', '--ready-file', ready, '--pw-cost', '4'], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 25));
  const url = readFileSync(ready, 'utf8');
  // Load while backing up.
  let stop = false;
  const load = (async () => { while (!stop) { await fetch(url + '/api/register?limit=50'); } })();
  const b = run(['backup', '--db', join(dir, 'r.db'), '--to', join(dir, 'copy.db'), '--data-dir', dir]);
  stop = true;
  await load;
  s.kill('SIGTERM');
  await new Promise((r) => s.once('exit', r));
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /signature and tiles verified/);
  const again = run(['backup', '--db', join(dir, 'r.db'), '--to', join(dir, 'copy.db'), '--data-dir', dir]);
  oneLine(again);
  const res = run(['restore', '--from', join(dir, 'copy.db'), '--db', join(dir, 'new.db'), '--data-dir', dir]);
  assert.equal(res.status, 0, res.stderr);
  const c = run(['check', '--db', join(dir, 'new.db'), '--data-dir', dir]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(spawnSync('sqlite3', [join(dir, 'new.db'), 'select count(*) from applications'], { encoding: 'utf8' }).stdout,
    spawnSync('sqlite3', [join(dir, 'r.db'), 'select count(*) from applications'], { encoding: 'utf8' }).stdout);
  rmSync(dir, { recursive: true });
});
