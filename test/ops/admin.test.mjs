// dipreg admin: the operator's day on the command line.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PASSWORD, Client, dipreg, request, startServer, tempDir } from './lib.mjs';

// A demo registry (applications in every state, with open deadlines) shared
// by the read-only tests.
let demo;
before(() => {
  demo = tempDir('admin-demo');
  const r = dipreg(['demo', '--db', join(demo, 'r.db'), '--data-dir', demo, '--count', '40', '--pw-cost', '4',
    '--now', '2025-06-02T10:00:00+08:00']);
  assert.equal(r.status, 0, r.stderr);
});

const admin = (args, o) => dipreg(['admin', ...args, '--pw-cost', '4'], o);

test('accounts: create, list, disable and enable again', () => {
  const dir = tempDir('admin');
  const db = join(dir, 'r.db');
  assert.equal(admin(['init', '--db', db], { input: 'first admin password\n' }).status, 0);
  let r = admin(['create-account', '--db', db, '--login', 'examiner1', '--role', 'examiner', '--name', '王审查',
    '--kind', 'natural', '--id-number', '11010519491231002X'], { input: 'an examiner password\n' });
  assert.equal(r.status, 0, r.stderr);
  r = admin(['list-accounts', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ID\s+LOGIN\s+ROLES\s+STATE\s+NAME$/m);
  assert.match(r.stdout, /^\d+\s+examiner1\s+examiner\s+active\s+王审查$/m);
  assert.equal(admin(['disable', '--db', db, '--login', 'examiner1']).stdout, 'disabled examiner1\n');
  let rows = admin(['list-accounts', '--db', db, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((a) => [a.login, a.roles, a.disabled]), [['admin', 'admin', false], ['examiner1', 'examiner', true]]);
  assert.equal(admin(['enable', '--db', db, '--login', 'examiner1']).stdout, 'enabled examiner1\n');
  rows = admin(['list-accounts', '--db', db, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows[1].disabled, false);
  r = admin(['enable', '--db', db, '--login', 'nobody']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no account "nobody"/);
  assert.equal(admin(['frobnicate', '--db', db]).status, 2);
  assert.equal(admin(['list-accounts', 'extra', '--db', db]).status, 2);
});

test('the demo registry lists every account page by page', () => {
  const rows = admin(['list-accounts', '--db', join(demo, 'r.db'), '--json']).stdout.trim().split('\n');
  assert.ok(rows.length >= 5);
  const ids = rows.map((l) => JSON.parse(l).id);
  assert.deepEqual([...ids].sort((a, b) => a - b), ids);
});

test('rotate-key: serve signs with the new key and still publishes the old one', async () => {
  const srv = await startServer();
  const keys1 = (await request(`${srv.url}/log/keys`)).text.trim().split('\n');
  assert.equal(keys1.length, 1);
  await srv.stop({ keep: true });
  const db = join(srv.dir, 'r.db');
  const r = admin(['rotate-key', '--db', db, '--data-dir', srv.dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^retired key: ${keys1[0].replaceAll('+', '\\+')} `, 'm'));
  assert.equal(readFileSync(join(srv.dir, 'keys', 'retired.vkeys'), 'utf8'), `${keys1[0]}\n`);
  assert.equal(readdirSync(join(srv.dir, 'keys', 'retired')).filter((f) => /^log-\d{8}T\d{6}Z\.key$/.test(f)).length, 1);
  const newKey = /^new key:\s+(\S+)$/m.exec(r.stdout)[1];
  const srv2 = await startServer({ dir: srv.dir });
  try {
    const keys2 = (await request(`${srv2.url}/log/keys`)).text.trim().split('\n');
    assert.deepEqual(keys2, [newKey, keys1[0]]);
    // The rotation is in the audit log.
    const c = await new Client(srv2.url).signIn('admin', ADMIN_PASSWORD);
    const audit = await c.ok('GET', '/api/admin/audit');
    assert.ok(audit.items.some((i) => i.action === 'log_key_rotated' && i.detail === keys1[0]));
  } finally {
    await srv2.stop({ keep: true });
  }
  // No registry log yet: nothing to rotate.
  const fresh = tempDir('admin');
  const no = admin(['rotate-key', '--db', join(fresh, 'r.db'), '--data-dir', fresh]);
  assert.equal(no.status, 1);
  assert.match(no.stderr, /no log yet/);
});

function holidays(year, extra = []) {
  return [`# ${year} notice`, ...[1, 2, 3].map((d) => `${year}-01-0${d} off 元旦`),
    `${year}-05-01 off 劳动节`, `${year}-05-02 off 劳动节`, `${year}-10-01 off 国庆节`, ...extra].join('\n') + '\n';
}

test('calendar-upload: one year, checked, merged into the stored calendar that serve loads', async () => {
  const srv = await startServer();
  await srv.stop({ keep: true });
  const db = join(srv.dir, 'r.db');
  const f = join(srv.dir, '2027.txt');
  const bad = (text, re, year = '2027') => {
    writeFileSync(f, text);
    const r = admin(['calendar-upload', f, '--year', year, '--db', db]);
    assert.equal(r.status, 1, text);
    assert.match(r.stderr, re);
  };
  bad(holidays(2027, ['2028-01-03 off 元旦']), /line 8: 2028-01-03 is not in 2027/);
  bad(holidays(2027, ['2027-05-01 off 劳动节']), /2027-05-01 is listed twice/);
  bad(holidays(2027, ['2027-05-08 werk 劳动节']), /line 8/);
  bad('2027-01-01 off 元旦\n', /fewer than 5 days off/);
  bad(holidays(2027), /--year/, 'MMXXVII');
  assert.equal(admin(['calendar-upload', '--year', '2027', '--db', db]).status, 2);
  // 2 January 2027 is a Saturday: "work" makes it a working day.
  writeFileSync(f, holidays(2027, ['2027-01-09 work 元旦']));
  let r = admin(['calendar-upload', f, '--year', '2027', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  // Uploading the year again replaces it rather than adding to it.
  r = admin(['calendar-upload', f, '--year', '2027', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  const srv2 = await startServer({ dir: srv.dir });
  try {
    const c = await new Client(srv2.url).signIn('admin', ADMIN_PASSWORD);
    const cal = await c.ok('GET', '/api/admin/calendar');
    assert.equal(cal.source, 'uploaded');
    assert.equal(cal.text.split('\n').filter((l) => l.startsWith('2027-05-01')).length, 1);
    assert.ok(cal.text.includes('2024-02-10 off'), 'the other years stay');
    assert.doesNotMatch(srv2.output, /calendar_invalid/);
  } finally {
    await srv2.stop();
  }
});

test('scheduler-queue: binding deadlines and examiner tasks, soonest first', () => {
  const db = join(demo, 'r.db');
  const r = admin(['scheduler-queue', '--db', db, '--now', '2025-06-02T10:00:00+08:00', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const q = JSON.parse(r.stdout);
  assert.equal(q.now, '2025-06-02T10:00:00+08:00');
  assert.ok(q.scheduler.length > 0 && q.tasks.length > 0, r.stdout);
  for (const list of [q.scheduler, q.tasks]) {
    const due = list.map((d) => d.due_at);
    assert.deepEqual([...due].sort(), due);
  }
  assert.ok(q.scheduler.some((d) => d.kind === 'expiry'));
  assert.ok(q.tasks.every((d) => d.flag === '' || d.flag === 'overdue'));
  const text = admin(['scheduler-queue', '--db', db, '--now', '2025-06-02T10:00:00+08:00', '--limit', '3']);
  assert.match(text.stdout, /^scheduler \(binding deadlines/m);
  assert.match(text.stdout, /^tasks \(registry duties/m);
  assert.equal(text.stdout.split('\n').filter((l) => /^ {2}\d{4}-/.test(l)).length, 6);
});

test('audit-export: a date range as CSV or JSON lines, oldest first', () => {
  const db = join(demo, 'r.db');
  const all = admin(['audit-export', '--db', db]);
  assert.equal(all.status, 0, all.stderr);
  const lines = all.stdout.trim().split('\n');
  assert.equal(lines[0], 'id,at,actor,action,object,detail,addr');
  assert.ok(lines.length > 10);
  const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
  assert.deepEqual([...ids].sort((a, b) => a - b), ids);
  const json = admin(['audit-export', '--db', db, '--format', 'json', '--from', '2024-01-01', '--to', '2024-12-31']);
  assert.equal(json.status, 0, json.stderr);
  const rows = json.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(rows.length > 0 && rows.length < lines.length - 1);
  for (const row of rows) assert.match(row.at, /^2024-/);
  assert.deepEqual(Object.keys(rows[0]), ['id', 'at', 'actor', 'action', 'object', 'detail', 'addr']);
  const out = join(demo, 'audit.csv');
  assert.equal(admin(['audit-export', '--db', db, '--out', out]).status, 0);
  assert.equal(readFileSync(out, 'utf8'), all.stdout);
  const again = admin(['audit-export', '--db', db, '--out', out]);
  assert.equal(again.status, 1, 'never overwrites');
  assert.ok(existsSync(out));
  assert.match(admin(['audit-export', '--db', db, '--from', '2024-02-30']).stderr, /--from: a date/);
  assert.match(admin(['audit-export', '--db', db, '--format', 'xml']).stderr, /--format: csv or json/);
});
