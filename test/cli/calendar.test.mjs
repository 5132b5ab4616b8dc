// dipreg calendar and tick from the command line: the answers a registry
// clerk would check by hand against the State Council notices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.env.DIPREG_BIN || 'build/dipreg';
const run = (...args) => spawnSync(bin, args, { encoding: 'utf8' });

test('art8: due date of 3 working days across Spring Festival 2024', () => {
  const r = run('calendar', 'due', '2024-02-09', '3');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '2024-02-20\n');
});

test('art10: 10 working days across National Day 2025', () => {
  assert.equal(run('calendar', 'due', '2025-09-30', '10').stdout, '2025-10-21\n');
});

test('art13: validity periods', () => {
  assert.equal(run('calendar', 'period', '2023-06-15', '3y').stdout, '2026-06-14\n');
  assert.equal(run('calendar', 'period', '2024-02-29', '3y').stdout, '2027-02-28\n');
  assert.equal(run('calendar', 'period', '2024-01-31', '1m').stdout, '2024-02-29\n');
});

test('adjusted working weekend and holidays', () => {
  assert.equal(run('calendar', 'is-working', '2024-02-04').stdout, 'yes\n');
  assert.equal(run('calendar', 'is-working', '2024-02-12').stdout, 'no\n');
  assert.equal(run('calendar', 'is-working', '2024-02-17').stdout, 'no\n');
});

test('a holiday file of the operator replaces the built-in one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dipreg-cal-'));
  const f = join(dir, 'h.txt');
  writeFileSync(f, Array.from({ length: 6 }, (_, i) => `2027-01-0${i + 1} off 元旦\n`).join(''));
  const r = run('calendar', 'due', '2026-12-31', '3', '--holidays', f);
  assert.equal(r.stdout, '2027-01-11\n');
  assert.equal(r.stderr, '');
  rmSync(dir, { recursive: true });
});

test('a year outside the calendar falls back to Monday-Friday and says so', () => {
  const r = run('calendar', 'due', '2026-12-31', '3');
  assert.equal(r.stdout, '2027-01-05\n');
  assert.match(r.stderr, /calendar_year_unknown year=2027/);
});

test('bad input: one-line error, non-zero status', () => {
  for (const args of [['calendar', 'due', '2024-13-01', '3'], ['calendar', 'due', '2024-01-01', 'x'],
                      ['calendar', 'period', '2024-01-01', '3w'], ['calendar', 'frobnicate', '2024-01-01']]) {
    const r = run(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
  }
});

test('tick on a fresh database applies nothing and reports it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dipreg-tick-'));
  const r = run('tick', '--db', join(dir, 'r.db'), '--now', '2024-03-01T09:00:00+08:00');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'applied 0\n');
  assert.notEqual(run('tick', '--db', join(dir, 'r.db'), '--now', 'yesterday').status, 0);
  rmSync(dir, { recursive: true });
});
