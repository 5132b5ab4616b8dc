// verify.test.mjs - "dipreg keygen" and "dipreg verify" against receipts
// made here by an independent implementation of the formats (RFC 8785 JCS,
// RFC 9162 proofs, C2SP signed-note, tlog-checkpoint, tlog-cosignature)
// using node's crypto and the keys dipreg keygen wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.DIPREG_BIN || path.resolve('build/dipreg');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dipreg-verify-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8' });

// ---- the formats, written independently ----

// RFC 8785: JS's own number and string serialisation, keys in UTF-16 order.
function jcs(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
}

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (d) => sha256(Buffer.from([0]), d);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const split = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };

function mth(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function path_(m, leaves) {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k ? [...path_(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path_(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function parseVkey(vkey) {
  const [name, id] = vkey.split('+');
  return { name, id: Buffer.from(id, 'hex') };
}

function sigLine(name, bytes) {
  return `\u2014 ${name} ${bytes.toString('base64')}\n`;
}

function keygen(name, ...flags) {
  const dir = path.join(tmp, 'keys');
  const r = run('keygen', '--name', name, '--out', dir, ...flags);
  assert.equal(r.status, 0, r.stderr);
  const vkey = r.stdout.trim();
  const base = name.replace(/[^A-Za-z0-9._-]/g, '_') + (flags.includes('--witness') ? '-witness' : '');
  const key = crypto.createPrivateKey(fs.readFileSync(path.join(dir, `${base}.key`)));
  return { vkey, key, ...parseVkey(vkey), file: path.join(dir, `${base}.vkey`), keyFile: path.join(dir, `${base}.key`) };
}

const ORIGIN = 'registry.example/log';
const log = keygen(ORIGIN);
const w1 = keygen('notary.example/w', '--witness');
const w2 = keygen('court.example/w', '--witness');
const w3 = keygen('other.example/w', '--witness');

// A dataset and its fingerprint, the subject of entry 2.
const data = path.join(tmp, 'dataset');
fs.mkdirSync(data);
fs.writeFileSync(path.join(data, 'records.csv'), 'id,name\n1,数据\n');
const fp = JSON.parse(run('fingerprint', data, '--json').stdout).fingerprint;

const entries = [];
for (let i = 0; i < 11; i++)
  entries.push({ kind: 'deposit', seq: i, holder: '北京示例数据有限公司', fingerprint: i === 2 ? fp : `sha256:${'0'.repeat(63)}${i % 10}`, ratio: i / 4 });
const leaves = entries.map((e) => leafHash(Buffer.from(jcs(e))));

function checkpoint(cosigners, ts = 1750000000) {
  const text = `${ORIGIN}\n${entries.length}\n${mth(leaves).toString('base64')}\n`;
  let note = text + '\n' + sigLine(log.name, Buffer.concat([log.id, crypto.sign(null, Buffer.from(text), log.key)]));
  for (const w of cosigners) {
    const t = Buffer.alloc(8);
    t.writeBigUInt64BE(BigInt(ts));
    const msg = `cosignature/v1\ntime ${ts}\n${text}`;
    note += sigLine(w.name, Buffer.concat([w.id, t, crypto.sign(null, Buffer.from(msg), w.key)]));
  }
  return note;
}

function receipt(i, cosigners = [w1, w2], edit = (r) => r) {
  const r = {
    type: 'dipreg-receipt/v1', entry: entries[i], index: i,
    leaf_hash: leaves[i].toString('hex'), checkpoint: checkpoint(cosigners),
    inclusion_proof: path_(i, leaves).map((h) => h.toString('base64')), log: ORIGIN,
  };
  const file = path.join(tmp, `receipt-${crypto.randomUUID()}.json`);
  fs.writeFileSync(file, JSON.stringify(edit(r), null, 2));
  return file;
}

// ---- tests ----

test('keygen writes a 0600 PKCS#8 key and prints the signed-note verifier key', () => {
  assert.match(log.vkey, /^registry\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  const raw = Buffer.from(log.vkey.split('+').slice(2).join('+'), 'base64');
  assert.equal(raw[0], 0x01);
  const pub = crypto.createPublicKey(log.key).export({ format: 'der', type: 'spki' }).subarray(-32);
  assert.deepEqual(raw.subarray(1), pub);
  assert.deepEqual(log.id, sha256(Buffer.from(`${ORIGIN}\n`), raw).subarray(0, 4));
  assert.equal(Buffer.from(w1.vkey.split('+').slice(2).join('+'), 'base64')[0], 0x04);
  assert.equal(fs.statSync(log.keyFile).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(log.keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(fs.readFileSync(log.file, 'utf8').trim(), log.vkey);
  const again = run('keygen', '--name', ORIGIN, '--out', path.join(tmp, 'keys'));
  assert.equal(again.status, 1);
  assert.match(again.stderr, /refusing to replace a key/);
  const sm2 = run('keygen', '--name', ORIGIN, '--out', path.join(tmp, 'keys'), '--sm2');
  assert.equal(sm2.status, 0, sm2.stderr);
  const sraw = Buffer.from(sm2.stdout.trim().split('+').slice(2).join('+'), 'base64');
  assert.deepEqual(sraw.subarray(0, 8), Buffer.concat([Buffer.from([0xff]), Buffer.from('sm2-sm3')]));
  assert.equal(sraw.length, 8 + 65);
  assert.equal(run('keygen', '--name', 'a b', '--out', tmp).status, 1);
  assert.equal(run('keygen', '--out', tmp).status, 2);
});

test('every receipt of the log verifies, with the key as a string or a file', () => {
  for (let i = 0; i < entries.length; i++) {
    const r = run('verify', receipt(i), '--key', i % 2 ? log.vkey : log.file, '--witness', w1.vkey, '--witness', w2.file);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `ok: entry ${i} is in ${ORIGIN} at tree size ${entries.length}, signed by the log, cosigned by 2 of 2 witnesses\n`);
  }
});

test('bad signature: another key, or a changed checkpoint', () => {
  const other = keygen('registry.example/other');
  let r = run('verify', receipt(3), '--key', other.vkey);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad signature: no signature by a known key/);
  const f = receipt(3, [w1, w2], (x) => ({ ...x, checkpoint: x.checkpoint.replace(`\n${entries.length}\n`, `\n${entries.length + 1}\n`) }));
  r = run('verify', f, '--key', log.vkey);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad signature: bad signature by registry\.example\/log/);
});

test('proof mismatch: a changed entry, leaf, index or proof', () => {
  const cases = [
    (x) => ({ ...x, entry: { ...x.entry, holder: '别的公司' }, leaf_hash: leafHash(Buffer.from(jcs({ ...x.entry, holder: '别的公司' }))).toString('hex') }),
    (x) => ({ ...x, entry: { ...x.entry, seq: 99 } }),
    (x) => ({ ...x, index: x.index + 1 }),
    (x) => ({ ...x, inclusion_proof: x.inclusion_proof.slice(1) }),
    (x) => ({ ...x, inclusion_proof: [...x.inclusion_proof].reverse() }),
  ];
  for (const edit of cases) {
    const r = run('verify', receipt(5, [w1, w2], edit), '--key', log.vkey);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /proof mismatch: /);
  }
});

test('quorum not met, and a bad cosignature', () => {
  let r = run('verify', receipt(1, [w1]), '--key', log.vkey, '--witness', w1.vkey, '--witness', w2.vkey);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /quorum not met: 1 of 2 witness cosignatures/);
  r = run('verify', receipt(1, [w1]), '--key', log.vkey, '--witness', w1.vkey, '--witness', w2.vkey, '--quorum', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /cosigned by 1 of 2 witnesses/);
  r = run('verify', receipt(1, [w1, w2, w3]), '--key', log.vkey, '--witness', w1.vkey, '--witness', w2.vkey, '--witness', w3.vkey);
  assert.equal(r.status, 0, r.stderr);
  // w3's line signed by w2's key: a known witness with a bad signature.
  const forged = receipt(1, [w1], (x) => {
    const text = x.checkpoint.slice(0, x.checkpoint.indexOf('\n\n') + 1);
    const t = Buffer.alloc(8);
    t.writeBigUInt64BE(1750000000n);
    const sig = crypto.sign(null, Buffer.from(`cosignature/v1\ntime 1750000000\n${text}`), w2.key);
    return { ...x, checkpoint: x.checkpoint + sigLine(w3.name, Buffer.concat([w3.id, t, sig])) };
  });
  r = run('verify', forged, '--key', log.vkey, '--witness', w1.vkey, '--witness', w3.vkey, '--quorum', '1');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad signature: bad signature by witness other\.example\/w/);
});

test('--data recomputes the fingerprint and compares it with the entry', () => {
  let r = run('verify', receipt(2), '--key', log.vkey, '--data', data);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`; ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} matches ${fp}\\n$`));
  fs.appendFileSync(path.join(data, 'records.csv'), '2,x\n');
  r = run('verify', receipt(2), '--key', log.vkey, '--data', data);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`data differs: .* has sha256:[0-9a-f]{64}, the entry records ${fp}`));
});

test('malformed receipts and usage errors', () => {
  const bad = path.join(tmp, 'bad.json');
  fs.writeFileSync(bad, '{"type":"dipreg-receipt/v1"');
  let r = run('verify', bad, '--key', log.vkey);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not valid JSON/);
  r = run('verify', receipt(0, [w1, w2], (x) => ({ ...x, extra: 1 })), '--key', log.vkey);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown member "extra"/);
  r = run('verify', receipt(0), '--key', 'not-a-key');
  assert.equal(r.status, 1);
  assert.equal(run('verify', receipt(0)).status, 2);
  assert.equal(run('verify', '--key', log.vkey).status, 2);
  r = run('verify', receipt(0), '--key', log.vkey, '--quorum', '1');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--quorum 1 needs at least 1 --witness keys/);
});
