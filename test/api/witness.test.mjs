// witness.test.mjs - "dipreg witness" against a real registry: two
// witnesses cosign as the log grows, receipts then satisfy a 2-of-2
// policy, the log accepts cosignature lines only from its witnesses, and
// after the log's history is rewritten in the database (and its tiles and
// checkpoint rebuilt, so that it serves a self-consistent tree under a
// valid signature) both witnesses refuse to cosign and say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ORIGIN, Server, cosignedBy, keygen, noteSignedBy, parseCheckpoint, run, runAsync, tempDir,
} from './logutil.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', ['-bail', db, sql], { encoding: 'utf8', timeout: 30000 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Waits (bounded) until the log publishes a checkpoint of at least size.
async function checkpointOf(srv, size) {
  for (let i = 0; i < 100; i++) {
    const r = await srv.get('/log/checkpoint');
    if (r.status === 200 && parseCheckpoint(r.body.toString('utf8')).size >= size) return r.body.toString('utf8');
    await sleep(100);
  }
  throw new Error(`no checkpoint of size ${size}`);
}

test('two witnesses cosign a growing log and refuse it once its history is rewritten', async (t) => {
  const dir = tempDir('witness');
  const keys = path.join(dir, 'keys');
  const w1 = keygen(keys, 'notary.test/witness', '--witness');
  const w2 = keygen(keys, 'court.test/witness', '--witness');
  const stranger = keygen(keys, 'stranger.test/witness', '--witness');
  const serveArgs = ['--witness', w1.vkey, '--witness', w2.vkey, '--witness-quorum', '2'];
  let srv = await Server.start(dir, serveArgs);
  t.after(() => srv.stop());
  const [logKey] = await srv.keys();
  const who = await srv.applicant();
  const witness = (w, ...more) => runAsync('witness', '--log', srv.url, '--key', w.key, '--log-key', logKey,
    '--state', path.join(dir, `state-${w.name.split('.')[0]}`), '--once', '--submit', ...more);

  // The depositor's messages that receipts are witnessed.
  const told = async () => JSON.parse((await srv.get('/api/inbox', who.auth)).body).items
    .filter((m) => m.kind === 'receipt_witnessed').map((m) => m.body);
  const ids = (list) => list.map((d) => `#${d.id}`).join(', ');

  // Round 1: five deposits, both witnesses see the log for the first time.
  const deposits = [];
  for (let i = 0; i < 5; i++) deposits.push(await srv.deposit(who));
  for (const w of [w1, w2]) {
    const r = await witness(w);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^\u2014 ${w.name.replace('.', '\\.')} [A-Za-z0-9+/]+=*\\n$`));
    assert.match(r.stderr, /cosigned registry\.test\/log at tree size 5, root \S+ \(first checkpoint seen; its tiles lead to its root\); submitted to the log\n$/);
    // One cosignature of the two the quorum needs: nothing to tell yet.
    if (w === w1) assert.deepEqual(await told(), []);
  }
  let note = await checkpointOf(srv, 5);
  assert.ok(cosignedBy(note, w1.vkey) && cosignedBy(note, w2.vkey));
  // The quorum is met: the depositor hears once, of all five.
  let heard = await told();
  assert.equal(heard.length, 1);
  assert.ok(heard[0].includes(`5 of your deposits (${ids(deposits)}) are now cosigned by the log's witnesses at tree size 5`), heard[0]);

  // Round 2: more deposits; each witness proves consistency from tiles.
  for (let i = 0; i < 6; i++) deposits.push(await srv.deposit(who));
  // Meanwhile the log has signed newer checkpoints that no witness has
  // seen: a receipt for an entry of the witnessed tree stays on it, with
  // the cosignatures; one for a newer entry is on the latest checkpoint.
  const onFive = path.join(dir, 'on-five.json');
  fs.writeFileSync(onFive, (await srv.get(`/api/deposits/${deposits[2].id}/receipt`, who.auth)).body);
  let v = run('verify', onFive, '--key', logKey, '--witness', w1.vkey, '--witness', w2.vkey, '--quorum', '2');
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `ok: entry 2 is in ${ORIGIN} at tree size 5, signed by the log, cosigned by 2 of 2 witnesses\n`);
  const newer = path.join(dir, 'newer.json');
  fs.writeFileSync(newer, (await srv.get(`/api/deposits/${deposits[7].id}/receipt`, who.auth)).body);
  v = run('verify', newer, '--key', logKey);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `ok: entry 7 is in ${ORIGIN} at tree size 11, signed by the log\n`);
  for (const w of [w1, w2]) {
    const r = await witness(w);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /at tree size 11, .*\(consistent with the accepted tree of size 5\); submitted to the log\n$/);
  }
  note = (await srv.get('/log/checkpoint')).body.toString('utf8');
  const accepted = parseCheckpoint(note);
  assert.equal(accepted.size, 11);
  assert.ok(noteSignedBy(note, logKey));
  assert.ok(cosignedBy(note, w1.vkey), 'w1 cosigned the checkpoint');
  assert.ok(cosignedBy(note, w2.vkey), 'w2 cosigned the checkpoint');
  assert.equal(accepted.sigs.length, 3);
  heard = await told();
  assert.equal(heard.length, 2, 'one message a witnessed checkpoint');
  assert.ok(heard.some((b) => b.includes(`6 of your deposits (${ids(deposits.slice(5))}) are now cosigned by the log's witnesses at tree size 11`)), heard.join('\n'));

  // A receipt fetched now satisfies a 2-of-2 witness policy offline; the
  // one handed out at deposit time, before any witness saw it, does not.
  const rec = path.join(dir, 'receipt.json');
  const got = await srv.get(`/api/deposits/${deposits[2].id}/receipt`, who.auth);
  fs.writeFileSync(rec, got.body);
  let r = run('verify', rec, '--key', logKey, '--witness', w1.vkey, '--witness', w2.vkey, '--quorum', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `ok: entry 2 is in ${ORIGIN} at tree size 11, signed by the log, cosigned by 2 of 2 witnesses\n`);
  const early = path.join(dir, 'early.json');
  fs.writeFileSync(early, deposits[2].text);
  r = run('verify', early, '--key', logKey, '--witness', w1.vkey, '--witness', w2.vkey, '--quorum', '2');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `dipreg: verify: ${early}: quorum not met: 0 of 2 witness cosignatures\n`);

  // Seen again unchanged: cosigned, but not sent twice.
  r = await witness(w1);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\(the tree accepted before\); the log already has this witness's cosignature\n$/);
  // Polling: bounded rounds at an interval.
  const t0 = Date.now();
  r = await runAsync('witness', '--log', srv.url, '--key', w2.key, '--log-key', logKey,
    '--state', path.join(dir, 'state-court'), '--interval', '1', '--rounds', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.match(/cosigned registry\.test\/log at tree size 11/g)?.length, 2);
  assert.ok(Date.now() - t0 >= 900);

  // The log takes cosignature lines only from its witnesses, for its
  // latest checkpoint, and never lets a line spoil its own signature.
  const forged = `\u2014 ${ORIGIN} ${Buffer.concat([Buffer.from(logKey.split('+')[1], 'hex'), Buffer.alloc(64)]).toString('base64')}\n`;
  let p = await srv.post('/api/log/cosignatures', { size: 11, cosignature: forged });
  assert.equal(p.status, 422, p.body.toString());
  assert.match(JSON.parse(p.body).error.message, /not by a configured witness/);
  const strangerLine = (await runAsync('witness', '--log', srv.url, '--key', stranger.key, '--log-key', logKey,
    '--state', path.join(dir, 'state-stranger'), '--once')).stdout;
  assert.match(strangerLine, /^\u2014 stranger\.test\/witness /);
  p = await srv.post('/api/log/cosignatures', { size: 11, cosignature: strangerLine });
  assert.equal(p.status, 422);
  p = await srv.post('/api/log/cosignatures', { size: 10, cosignature: strangerLine });
  assert.equal(p.status, 409);
  note = (await srv.get('/log/checkpoint')).body.toString('utf8');
  assert.equal(parseCheckpoint(note).sigs.length, 3);
  assert.ok(noteSignedBy(note, logKey));

  // A witness that is given another log's key refuses the signature.
  const other = keygen(keys, 'other.test/log');
  r = await runAsync('witness', '--log', srv.url, '--key', w1.key, '--log-key', other.vkey,
    '--state', path.join(dir, 'state-other'), '--once');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dipreg: witness: checkpoint from http:\/\/127\.0\.0\.1:\d+: bad signature: no signature by a known key\n$/);

  // ---- the registry rewrites its history ----
  await srv.stop();
  const entry = JSON.parse(sqlite(srv.db, 'SELECT CAST(entry AS TEXT) FROM ledger_entries WHERE idx = 3'));
  assert.equal(entry.type, 'deposit');
  const changed = sqlite(srv.db, `UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), '"bytes":10', '"bytes":9999') AS BLOB) WHERE idx = 3; SELECT changes();`);
  assert.equal(changed, '1');
  // Its tiles and checkpoints go, so the sequencer rebuilds a tree that
  // is consistent in itself, and signs it.
  sqlite(srv.db, 'DELETE FROM ledger_tiles; DELETE FROM checkpoints;');
  const stateBefore = fs.readFileSync(path.join(dir, 'state-notary', 'checkpoint'), 'utf8');
  srv = await Server.start(dir, serveArgs);
  const forkedNote = await checkpointOf(srv, 11);
  const forked = parseCheckpoint(forkedNote);
  assert.equal(forked.size, 11);
  assert.ok(noteSignedBy(forkedNote, logKey), 'the rewritten tree is signed with the log key');
  assert.notDeepEqual(forked.root, accepted.root);
  assert.equal(JSON.parse((await srv.get('/api/log/entries/3')).body).entry.bytes, 9999);

  // Same size, another root: both witnesses call it a fork.
  for (const w of [w1, w2]) {
    r = await witness(w);
    assert.equal(r.status, 1, `${w.name} cosigned a rewritten log: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `dipreg: witness: will not cosign ${ORIGIN}: the log forked or was rewritten: tree size 11 had root ${accepted.root.toString('base64')} when accepted, now root ${forked.root.toString('base64')}\n`);
  }
  // The log grows on: still no consistency with what they accepted.
  await srv.deposit(who);
  await checkpointOf(srv, 12);
  for (const w of [w1, w2]) {
    r = await witness(w);
    assert.equal(r.status, 1, `${w.name} cosigned a rewritten log: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^dipreg: witness: will not cosign registry\\.test/log: the log forked or was rewritten: the tree of size 12 \\(root \\S+\\) does not extend the accepted tree of size 11 \\(root ${accepted.root.toString('base64').replace(/[+/]/g, '\\$&')}\\)\\n$`));
  }
  // Their state still holds the tree they vouched for, and the log's
  // checkpoint carries no cosignature from either.
  assert.equal(fs.readFileSync(path.join(dir, 'state-notary', 'checkpoint'), 'utf8'), stateBefore);
  note = (await srv.get('/log/checkpoint')).body.toString('utf8');
  assert.equal(cosignedBy(note, w1.vkey) || cosignedBy(note, w2.vkey), false);
  // A receipt of the rewritten log cannot meet the witness policy.
  fs.writeFileSync(rec, (await srv.get(`/api/deposits/${deposits[3].id}/receipt`, who.auth)).body);
  r = run('verify', rec, '--key', logKey, '--witness', w1.vkey, '--witness', w2.vkey, '--quorum', '2');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /quorum not met: 0 of 2 witness cosignatures\n$/);
  // Only history gives the rewrite away: a witness without it accepts.
  r = await runAsync('witness', '--log', srv.url, '--key', stranger.key, '--log-key', logKey,
    '--state', path.join(dir, 'state-newcomer'), '--once');
  assert.equal(r.status, 0, r.stderr);
});

test('a tree that shrank is refused, and the witness checks its flags', async (t) => {
  const dir = tempDir('witness-shrink');
  const w = keygen(path.join(dir, 'keys'), 'notary.test/witness', '--witness');
  const srv = await Server.start(dir, ['--witness', w.vkey]);
  t.after(() => srv.stop());
  const [logKey] = await srv.keys();
  const who = await srv.applicant();
  for (let i = 0; i < 3; i++) await srv.deposit(who);
  const state = path.join(dir, 'state');
  const witness = (...more) => runAsync('witness', '--log', srv.url, '--key', w.key, '--log-key', logKey,
    '--state', state, '--once', ...more);
  let r = await witness();
  assert.equal(r.status, 0, r.stderr);

  // The witness remembers a larger tree than the log now shows (as after
  // the registry restored an old backup).
  const saved = fs.readFileSync(path.join(state, 'checkpoint'), 'utf8');
  fs.writeFileSync(path.join(state, 'checkpoint'), saved.replace(/\n3\n/, '\n7\n'));
  r = await witness();
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `dipreg: witness: will not cosign ${ORIGIN}: the log shrank: tree size 7 was accepted, now it shows size 3 (rolled back or forked)\n`);
  fs.writeFileSync(path.join(state, 'checkpoint'), 'not a note');
  r = await witness();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dipreg: witness: state: .*checkpoint is damaged/);
  fs.writeFileSync(path.join(state, 'checkpoint'), saved);

  // Usage and unreachable logs.
  r = await runAsync('witness', '--log', srv.url, '--key', w.key, '--state', state);
  assert.equal(r.status, 2);
  r = await runAsync('witness', '--log', srv.url.replace('http:', 'https:'), '--key', w.key, '--log-key', logKey, '--state', state, '--once');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /GET https:\/\/127\.0\.0\.1:\d+\/log\/checkpoint: TLS: wrong version number \(is it an https server\?\)\n$/);
  r = await runAsync('witness', '--log', srv.url.replace('http:', 'ftp:'), '--key', w.key, '--log-key', logKey, '--state', state, '--once');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /only http:\/\/ and https:\/\/ URLs are supported/);
  r = await runAsync('witness', '--log', srv.url, '--key', w.key, '--log-key', w.vkey, '--state', state, '--once');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is a witness key, not the log's/);
  r = await runAsync('witness', '--log', 'http://127.0.0.1:9', '--key', w.key, '--log-key', logKey, '--state', state, '--once', '--timeout', '2');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dipreg: witness: GET http:\/\/127\.0\.0\.1:9\/log\/checkpoint: Connection refused\n$/);
});
