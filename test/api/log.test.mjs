// log.test.mjs - the transparency log over HTTP, checked from outside:
// deposits and their receipts with "dipreg verify" (tampering, --data),
// tiles and proofs recomputed by an independent client from fetched tiles
// across a full tile, cache headers and entry bundles, and a rotation of
// the log's key after which old receipts still verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  ORIGIN, Server, consistencyProof, decodeBundle, inclusionProof, jcs, keygen, leafHash, nodeHash,
  noteSignedBy, parseCheckpoint, rootFromInclusion, run, runAsync, tempDir, tilePath, tileWidth,
  treeHash, verifyConsistency,
} from './logutil.mjs';

const tmp = tempDir('log');
const b64 = (h) => h.toString('base64');
const writeJson = (name, v) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, JSON.stringify(v, null, 1));
  return f;
};

// ---- deposits and receipts ----

test('a deposit receipt verifies offline with the published key; every tampering is named', async (t) => {
  const srv = await Server.start(tempDir('deposits'));
  t.after(() => srv.stop());
  const who = await srv.applicant();
  const [logKey] = await srv.keys();
  assert.match(logKey, /^registry\.test\/log\+[0-9a-f]{8}\+/);

  // The holder fingerprints a dataset locally and deposits only the root.
  const data = path.join(tmp, 'dataset');
  fs.mkdirSync(path.join(data, 'part'), { recursive: true });
  fs.writeFileSync(path.join(data, 'stations.csv'), 'station,count\n朝阳,12\n');
  fs.writeFileSync(path.join(data, 'part', 'b.csv'), 'x,y\n1,2\n');
  const fp = JSON.parse(run('fingerprint', data, '--json').stdout).fingerprint;
  for (let i = 0; i < 3; i++) await srv.deposit(who);
  const mine = await srv.deposit(who, fp, { description: '交通流量数据' });
  assert.equal(mine.receipt.type, 'dipreg-receipt/v1');
  assert.equal(mine.receipt.entry.fingerprint, fp);
  assert.equal(mine.receipt.index, 3);
  for (let i = 0; i < 6; i++) await srv.deposit(who);

  // The receipt as issued, and again later against a larger tree.
  const first = writeJson('first.json', mine.receipt);
  let r = run('verify', first, '--key', logKey);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `ok: entry 3 is in ${ORIGIN} at tree size 4, signed by the log\n`);
  const later = await srv.get(`/api/deposits/${mine.id}/receipt`, who.auth);
  assert.equal(later.status, 200);
  assert.equal(later.headers['cache-control'], 'no-store');
  const rec = JSON.parse(later.body);
  assert.equal(parseCheckpoint(rec.checkpoint).size, 10);
  assert.ok(rec.inclusion_proof.length >= 3);
  const good = writeJson('later.json', rec);
  r = run('verify', good, '--key', logKey);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `ok: entry 3 is in ${ORIGIN} at tree size 10, signed by the log\n`);

  // Each tampered receipt must fail with exactly the expected reason.  The
  // bytes flipped are spread over each field (first, last, and between).
  const cases = [];
  const expect = (v, want) => cases.push({ v, want });
  const flipped = (buf, i) => { const b = Buffer.from(buf); b[i] ^= 0x01; return b; };
  const spread = (n) => [...new Set([0, 1, n >> 2, n >> 1, n - 2, n - 1])];
  const NO_ROOT = 'proof mismatch: the inclusion proof does not lead to the checkpoint\'s root hash';
  const NO_LEAF = 'proof mismatch: leaf_hash is not the hash of the entry';

  for (let h = 0; h < rec.inclusion_proof.length; h++) {
    for (const i of spread(32)) {
      const proof = [...rec.inclusion_proof];
      proof[h] = b64(flipped(Buffer.from(proof[h], 'base64'), i));
      expect({ ...rec, inclusion_proof: proof }, NO_ROOT);
    }
  }
  // The log's signature line: every byte of the key ID, spread over the
  // signature; then the signed text itself.
  const cp = parseCheckpoint(rec.checkpoint);
  const raw = Buffer.concat([Buffer.from(cp.sigs[0].id, 'hex'), cp.sigs[0].sig]);
  for (const i of [0, 1, 2, 3, ...spread(raw.length - 4).map((x) => x + 4)]) {
    const note = rec.checkpoint.replace(cp.sigs[0].line, `\u2014 ${cp.sigs[0].name} ${b64(flipped(raw, i))}`);
    expect({ ...rec, checkpoint: note },
      i < 4 ? 'bad signature: no signature by a known key' : `bad signature: bad signature by ${ORIGIN}`);
  }
  expect({ ...rec, checkpoint: rec.checkpoint.replace('\n10\n', '\n11\n') }, `bad signature: bad signature by ${ORIGIN}`);
  // The entry: its fingerprint, its other members; with the leaf hash made
  // to match, the proof gives the change away.
  const hex = '0123456789abcdef';
  for (const i of spread(64).map((x) => x + 'sha256:'.length)) {
    const c = hex[(hex.indexOf(fp[i]) + 1) % 16];
    expect({ ...rec, entry: { ...rec.entry, fingerprint: fp.slice(0, i) + c + fp.slice(i + 1) } }, NO_LEAF);
  }
  for (const edit of [{ deposit: rec.entry.deposit + 1 }, { bytes: 11 }, { time: '2020-01-01T00:00:00+08:00' }]) {
    const entry = { ...rec.entry, ...edit };
    expect({ ...rec, entry }, NO_LEAF);
    expect({ ...rec, entry, leaf_hash: leafHash(Buffer.from(jcs(entry))).toString('hex') }, NO_ROOT);
  }
  expect({ ...rec, index: 4 }, NO_ROOT);
  // Run them a few at a time.
  for (let k = 0; k < cases.length; k += 4) {
    await Promise.all(cases.slice(k, k + 4).map(async ({ v, want }, j) => {
      const file = writeJson(`tampered-${k + j}.json`, v);
      const x = await runAsync('verify', file, '--key', logKey);
      assert.equal(x.status, 1, `verify accepted ${file}`);
      assert.equal(x.stderr, `dipreg: verify: ${file}: ${want}\n`);
    }));
  }

  // --data recomputes the fingerprint from the files.
  r = run('verify', good, '--key', logKey, '--data', data);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.endsWith(`; ${data} matches ${fp}\n`), r.stdout);
  fs.appendFileSync(path.join(data, 'part', 'b.csv'), '3,4\n');
  r = run('verify', good, '--key', logKey, '--data', data);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^dipreg: verify: data differs: ${data} has sha256:[0-9a-f]{64}, the entry records ${fp}\\n$`));

  // The deposit is found by its fingerprint, and the receipt is private.
  const other = await srv.applicant();
  assert.equal((await srv.get(`/api/deposits/${mine.id}/receipt`, other.auth)).status, 404);
  assert.equal((await srv.get(`/api/deposits/${mine.id}/receipt`)).status, 401);
});

// ---- tiles and proofs ----

// A client of the tlog-tiles API that knows nothing of the server's
// proofs: it fetches every tile of the tree of one size and computes node
// hashes from the highest tile that holds them.
class TileClient {
  constructor(srv, size) {
    this.srv = srv;
    this.size = size;
    this.tiles = new Map();
  }

  async load() {
    for (let level = 0; 256 ** level <= this.size; level++) {
      const hashes = Math.floor(this.size / 256 ** level);
      for (let index = 0; index * 256 < hashes; index++) {
        const width = tileWidth(this.size, level, index);
        const r = await this.srv.get(`/log/${tilePath(level, index, width)}`);
        assert.equal(r.status, 200, `${tilePath(level, index, width)}: ${r.body}`);
        assert.equal(r.body.length, width * 32);
        const hs = [];
        for (let i = 0; i < width; i++) hs.push(r.body.subarray(i * 32, i * 32 + 32));
        this.tiles.set(`${level}/${index}`, hs);
      }
    }
    return this;
  }

  // The hash at position i of tile level L (its own hashes, not nodes).
  hashAt(L, i) {
    const t = this.tiles.get(`${L}/${Math.floor(i / 256)}`);
    assert.ok(t && t[i % 256], `tile ${L}/${Math.floor(i / 256)} lacks hash ${i % 256}`);
    return t[i % 256];
  }

  // Node (h, i): the root of leaves [i * 2^h, (i + 1) * 2^h), from the
  // tile level L = floor(h / 8) as a perfect subtree of 2^(h mod 8) hashes.
  node = (h, i) => {
    const L = Math.floor(h / 8);
    const n = 2 ** (h % 8);
    let row = [];
    for (let j = 0; j < n; j++) row.push(this.hashAt(L, i * n + j));
    while (row.length > 1) {
      const up = [];
      for (let j = 0; j < row.length; j += 2) up.push(nodeHash(row[j], row[j + 1]));
      row = up;
    }
    return row[0];
  };

  root() { return treeHash(this.node, 0, this.size); }
}

test('the registry checks a receipt someone holds: genuine, in its log, or not and why', async (t) => {
  const srv = await Server.start(tempDir('verify-receipt'));
  t.after(() => srv.stop());
  const who = await srv.applicant();
  const mine = await srv.deposit(who);
  for (let i = 0; i < 4; i++) await srv.deposit(who);
  const check = async (text) => {
    const r = await srv.post('/api/verify', JSON.parse(text), {});
    return { status: r.status, body: JSON.parse(r.body) };
  };
  let v = await check(mine.text);
  assert.equal(v.status, 200);
  assert.deepEqual([v.body.valid, v.body.kind, v.body.index, v.body.tree_size, v.body.origin], [true, 'receipt', 0, 1, ORIGIN]);
  assert.equal(v.body.entry.fingerprint, mine.receipt.entry.fingerprint);
  assert.deepEqual([v.body.cosignatures, v.body.witnesses, v.body.witnessed], [0, 0, false]);
  // Another entry's fingerprint: the proof no longer leads to the root.
  const other = { ...mine.receipt, entry: { ...mine.receipt.entry, fingerprint: `sha256:${'0'.repeat(64)}` } };
  v = await check(JSON.stringify(other));
  assert.deepEqual([v.status, v.body.valid, v.body.failure], [200, false, 'proof']);
  assert.match(v.body.message, /^proof mismatch: /);
  // A receipt of another registry's log (its own key): not signed by this one.
  const elsewhere = await Server.start(tempDir('verify-elsewhere'));
  t.after(() => elsewhere.stop());
  const theirs = await elsewhere.deposit(await elsewhere.applicant());
  v = await check(theirs.text);
  assert.deepEqual([v.body.valid, v.body.failure], [false, 'signature']);
  // A log forked from this one (its keys copied to another database):
  // signed by this log's key and a sound proof, but of trees this log
  // never grew, whether smaller than its own or larger.
  const forkDir = tempDir('verify-fork');
  fs.cpSync(path.join(srv.dir, 'keys'), path.join(forkDir, 'keys'), { recursive: true });
  const fork = await Server.start(forkDir);
  t.after(() => fork.stop());
  assert.deepEqual(await fork.keys(), await srv.keys());
  const forker = await fork.applicant();
  const forged = await fork.deposit(forker);
  v = await check(forged.text);
  assert.deepEqual([v.status, v.body.valid, v.body.failure], [200, false, 'not_in_log']);
  assert.equal(v.body.message, "its tree of 1 entries is not the one this registry's log holds: the log or the document was altered");
  let ahead;
  for (let i = 0; i < 6; i++) ahead = await fork.deposit(forker);
  v = await check(ahead.text);
  assert.deepEqual([v.body.valid, v.body.failure], [false, 'not_in_log']);
  assert.equal(v.body.message, "its checkpoint names 7 entries; this registry's log has published 5");
});

test('proofs computed from fetched tiles equal the server\'s and verify against signed roots', async (t) => {
  const srv = await Server.start(tempDir('tiles'));
  t.after(() => srv.stop());
  const who = await srv.applicant();
  const [logKey] = await srv.keys();
  const N = 300;
  const roots = new Map(); // size -> signed root, from the receipts handed out
  for (let i = 0; i < N; i++) {
    const { receipt } = await srv.deposit(who);
    assert.equal(receipt.index, i);
    const cp = parseCheckpoint(receipt.checkpoint);
    assert.equal(cp.origin, ORIGIN);
    if (!roots.has(cp.size)) {
      assert.ok(noteSignedBy(receipt.checkpoint, logKey), `checkpoint ${cp.size} is not signed by ${logKey}`);
      roots.set(cp.size, cp.root);
    }
  }

  // The latest checkpoint: text/plain, never cached, signed, size N.
  const head = await srv.get('/log/checkpoint');
  assert.equal(head.status, 200);
  assert.match(head.headers['content-type'], /^text\/plain/);
  assert.equal(head.headers['cache-control'], 'no-store');
  const note = head.body.toString('utf8');
  assert.ok(noteSignedBy(note, logKey));
  const latest = parseCheckpoint(note);
  assert.equal(latest.size, N);
  assert.deepEqual(latest.root, roots.get(N));

  // Tiles: immutable, and the levels agree with each other.
  const full = await new TileClient(srv, N).load();
  const t0 = await srv.get('/log/tile/0/000');
  assert.equal(t0.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(t0.headers['content-type'], 'application/octet-stream');
  const fromLeaves = (h, i) => (h === 0 ? full.hashAt(0, i) : nodeHash(fromLeaves(h - 1, 2 * i), fromLeaves(h - 1, 2 * i + 1)));
  assert.deepEqual(full.hashAt(1, 0), fromLeaves(8, 0), 'tile/1/000.p/1 holds the root of tile/0/000');
  assert.deepEqual(full.root(), latest.root);
  assert.ok(full.tiles.has('1/0') && full.tiles.get('0/1').length === N - 256);

  // Entries: the bundles decode into the entries, whose leaf hashes are
  // the level-0 tile hashes; gzip only when asked, with Vary.
  const entries = [];
  for (const [index, width] of [[0, 256], [1, N - 256]]) {
    const p = `/log/${tilePath('entries', index, width)}`;
    const plain = await srv.get(p);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(plain.headers.vary ?? '', /Accept-Encoding/i);
    const gz = await srv.get(p, { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gz.headers.vary ?? '', /Accept-Encoding/i);
    assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
    const got = decodeBundle(plain.body);
    assert.equal(got.length, width);
    entries.push(...got);
  }
  for (let i = 0; i < N; i++) {
    assert.deepEqual(leafHash(entries[i]), full.hashAt(0, i), `entry ${i}`);
    if (i % 37 === 0 || i === N - 1) {
      const e = await srv.json(`/api/log/entries/${i}`);
      assert.equal(e.index, i);
      assert.equal(jcs(e.entry), entries[i].toString('utf8'));
      assert.equal(e.leaf_hash, leafHash(entries[i]).toString('hex'));
      assert.equal(e.entry.type, 'deposit');
    }
  }

  // Inclusion proofs at several sizes, from the tiles of that size.
  const sizes = [1, 2, 3, 7, 8, 100, 255, 256, 257, 299, 300];
  const clients = new Map();
  for (const size of sizes) {
    assert.ok(roots.has(size), `no checkpoint of size ${size} was handed out`);
    const c = await new TileClient(srv, size).load();
    clients.set(size, c);
    assert.deepEqual(c.root(), roots.get(size), `root at ${size}`);
    for (const index of new Set([0, 1, size >> 1, size - 2, size - 1].filter((x) => x >= 0 && x < size))) {
      const mine = inclusionProof(c.node, index, 0, size);
      const theirs = await srv.json(`/api/log/proof/inclusion?index=${index}&size=${size}`);
      assert.equal(theirs.tree_size, size);
      assert.deepEqual(theirs.inclusion_proof, mine.map(b64), `inclusion ${index} in ${size}`);
      assert.deepEqual(rootFromInclusion(index, size, leafHash(entries[index]), mine), roots.get(size));
      if (mine.length)
        assert.equal(rootFromInclusion(index, size, leafHash(entries[index]), [nodeHash(mine[0], mine[0]), ...mine.slice(1)])?.equals(roots.get(size)) ?? false, false);
    }
  }
  const byLeaf = await srv.json(`/api/log/proof/inclusion?leaf_hash=${leafHash(entries[200]).toString('hex')}&size=257`);
  assert.equal(byLeaf.index, 200);
  assert.deepEqual(byLeaf.inclusion_proof, inclusionProof(clients.get(257).node, 200, 0, 257).map(b64));

  // Consistency proofs between every pair of those sizes.
  for (const m of sizes) {
    for (const n of sizes) {
      if (m > n) continue;
      const mine = consistencyProof(clients.get(n).node, m, n);
      const theirs = await srv.json(`/api/log/proof/consistency?from=${m}&to=${n}`);
      assert.deepEqual(theirs.consistency_proof, mine.map(b64), `consistency ${m} -> ${n}`);
      assert.ok(verifyConsistency(m, n, roots.get(m), roots.get(n), mine), `verify ${m} -> ${n}`);
      if (m < n)
        assert.equal(verifyConsistency(m, n, roots.get(m), roots.get(n), mine.map((h, k) => (k === mine.length - 1 ? leafHash(h) : h))), false);
    }
  }

  // Tiles that do not exist in the published tree, or are misspelt.
  for (const p of ['tile/0/002', 'tile/0/001', `tile/0/001.p/${N - 256 + 1}`, 'tile/1/000', 'tile/2/000.p/1',
    'tile/entries/001', 'tile/0/1', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/0/x000/000']) {
    assert.equal((await srv.get(`/log/${p}`)).status, 404, p);
  }
  assert.equal((await srv.get(`/api/log/proof/inclusion?index=0&size=${N + 1}`)).status, 422);
  assert.equal((await srv.get(`/api/log/proof/consistency?from=5&to=${N + 1}`)).status, 422);
});

// ---- key rotation ----

test('after a key rotation old receipts verify with the retired key /log/keys still lists', async (t) => {
  const dir = tempDir('rotation');
  const oldKey = keygen(path.join(dir, 'k2024'), ORIGIN);
  const newKey = keygen(path.join(dir, 'k2025'), ORIGIN);
  const witnessKey = keygen(path.join(dir, 'w'), 'notary.test/w', '--witness');
  const witness = (...keys) => runAsync('witness', '--log', srv.url, '--key', witnessKey.key,
    '--state', path.join(dir, 'witness'), '--once', ...keys.flatMap((k) => ['--log-key', k]));

  let srv = await Server.start(dir, ['--log-key', oldKey.key]);
  const who = await srv.applicant();
  assert.deepEqual(await srv.keys(), [oldKey.vkey]);
  const before1 = await srv.deposit(who);
  await srv.deposit(who);
  const oldReceipt = writeJson('old.json', before1.receipt);
  let w = await witness(oldKey.vkey);
  assert.equal(w.status, 0, w.stderr);
  await srv.stop();

  // The operator restarts with the new key and keeps the old one published.
  srv = await Server.start(dir, ['--log-key', newKey.key, '--old-log-key', oldKey.vkey]);
  t.after(() => srv.stop());
  const published = await srv.keys();
  assert.deepEqual(published, [newKey.vkey, oldKey.vkey]);
  const r1 = await srv.get('/log/keys');
  assert.match(r1.headers['content-type'], /^text\/plain/);
  const after1 = await srv.deposit(who);
  const newReceipt = writeJson('new.json', after1.receipt);
  assert.ok(noteSignedBy(after1.receipt.checkpoint, newKey.vkey));
  assert.equal(noteSignedBy(after1.receipt.checkpoint, oldKey.vkey), false);

  // The old receipt: with the retired key from /log/keys, or all of them.
  let r = run('verify', oldReceipt, '--key', published[1]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `ok: entry 0 is in ${ORIGIN} at tree size 1, signed by the log\n`);
  r = run('verify', oldReceipt, ...published.flatMap((k) => ['--key', k]));
  assert.equal(r.status, 0, r.stderr);
  r = run('verify', oldReceipt, '--key', published[0]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `dipreg: verify: ${oldReceipt}: bad signature: no signature by a known key\n`);
  // The new receipt, and the old deposit's receipt fetched again.
  r = run('verify', newReceipt, ...published.flatMap((k) => ['--key', k]));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(run('verify', newReceipt, '--key', oldKey.vkey).status, 1);
  const again = writeJson('again.json', JSON.parse((await srv.get(`/api/deposits/${before1.id}/receipt`, who.auth)).body));
  r = run('verify', again, '--key', published[0]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `ok: entry 0 is in ${ORIGIN} at tree size 3, signed by the log\n`);

  // A witness that still knows only the old key stops; told the new one,
  // it finds the tree grew consistently across the rotation.
  w = await witness(oldKey.vkey);
  assert.equal(w.status, 1);
  assert.match(w.stderr, /^dipreg: witness: checkpoint from http:\/\/127\.0\.0\.1:\d+: bad signature: no signature by a known key\n$/);
  w = await witness(newKey.vkey, oldKey.vkey);
  assert.equal(w.status, 0, w.stderr);
  assert.match(w.stderr, /cosigned registry\.test\/log at tree size 3, .*consistent with the accepted tree of size 2/);
});
