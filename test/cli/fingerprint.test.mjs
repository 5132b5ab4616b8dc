// fingerprint.test.mjs - "dipreg fingerprint" against an independent
// implementation of the fingerprint written here with node's crypto
// (createHash('sha256') and createHash('sm3')), on the trees whose values
// docs/fingerprint.md publishes as test vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = process.env.DIPREG_BIN || path.resolve('build/dipreg');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHUNK = 1048576;

// ---- the specification, written independently ----

const H = (alg, ...parts) => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
};

// RFC 9162 MTH over leaf hashes (each already H(0x00 || d)).
function mth(alg, leaves) {
  if (leaves.length === 0) return H(alg, Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return H(alg, Buffer.from([1]), mth(alg, leaves.slice(0, k)), mth(alg, leaves.slice(k)));
}

function fileRoot(alg, data) {
  const leaves = [];
  for (let off = 0; off < data.length; off += CHUNK)
    leaves.push(H(alg, Buffer.from([0]), data.subarray(off, off + CHUNK)));
  return mth(alg, leaves);
}

function listFiles(dir, rel = '') {
  const out = [];
  for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...listFiles(dir, r));
    else if (d.isFile()) out.push(r);
    else throw new Error(`special file ${r}`);
  }
  return out;
}

function fingerprint(alg, p) {
  const st = fs.statSync(p);
  let files;
  if (st.isDirectory()) files = listFiles(p).map((r) => [r, path.join(p, r)]);
  else files = [[path.basename(p), p]];
  files.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  const entries = files.map(([rel, full]) => {
    const data = fs.readFileSync(full);
    const size = Buffer.alloc(8);
    size.writeBigUInt64BE(BigInt(data.length));
    const entry = Buffer.concat([Buffer.from(rel), Buffer.from([0]), size, fileRoot(alg, data)]);
    return H(alg, Buffer.from([0]), entry);
  });
  return { fp: `${alg}:${mth(alg, entries).toString('hex')}`, files: files.length,
    bytes: files.reduce((n, [, full]) => n + fs.statSync(full).size, 0) };
}

// ---- the vector trees (docs/fingerprint.md describes them) ----

const pattern = (n) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
};

function makeVectors(base) {
  fs.mkdirSync(path.join(base, 'empty-dir'));
  fs.writeFileSync(path.join(base, 'empty.txt'), '');
  fs.writeFileSync(path.join(base, 'pattern.bin'), pattern(3 * CHUNK));
  const t = path.join(base, 'tree');
  fs.mkdirSync(path.join(t, 'sub', 'deeper'), { recursive: true });
  fs.mkdirSync(path.join(t, '数据'));
  fs.writeFileSync(path.join(t, '.hidden'), 'secret\n');
  fs.writeFileSync(path.join(t, 'a.txt'), 'hello\n');
  fs.writeFileSync(path.join(t, 'sub-x.txt'), 'a dash sorts before a slash\n');
  fs.writeFileSync(path.join(t, 'sub', 'b.bin'), pattern(CHUNK + 1));
  fs.writeFileSync(path.join(t, 'sub', 'deeper', 'c.txt'), '');
  fs.writeFileSync(path.join(t, '数据', '说明.txt'), '数据知识产权登记\n');
  return { 'empty-dir': path.join(base, 'empty-dir'), 'empty.txt': path.join(base, 'empty.txt'),
    'pattern.bin': path.join(base, 'pattern.bin'), tree: t };
}

function documentedVectors() {
  const md = fs.readFileSync(path.join(ROOT, 'docs/fingerprint.md'), 'utf8');
  const v = {};
  for (const m of md.matchAll(/^\| `([^`]+)` \| [^|]+ \| `((sha256|sm3):[0-9a-f]{64})` \|/gm))
    v[`${m[1]} ${m[3]}`] = m[2];
  return v;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dipreg-fp-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const vec = makeVectors(tmp);

const run = (...args) => spawnSync(BIN, ['fingerprint', ...args], { encoding: 'utf8' });

for (const alg of ['sha256', 'sm3']) {
  for (const [name, p] of Object.entries(vec)) {
    test(`${name} ${alg}: binary equals the independent implementation and the documented vector`, () => {
      const want = fingerprint(alg, p);
      const r = run(p, '--algo', alg, '--json');
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout);
      assert.equal(got.fingerprint, want.fp);
      assert.equal(got.algorithm, alg);
      assert.equal(got.files, want.files);
      assert.equal(got.bytes, want.bytes);
      assert.equal(documentedVectors()[`${name} ${alg}`], want.fp, 'docs/fingerprint.md is out of date');
    });
  }
}

test('plain output: fingerprint, file count and bytes on one line; nothing on a non-terminal stderr', () => {
  const r = run(vec.tree);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  const want = fingerprint('sha256', vec.tree);
  assert.equal(r.stdout, `${want.fp}  6 files, ${want.bytes} bytes\n`);
});

test('one large file gives the same root on 1, 2 and 7 threads', () => {
  const outs = ['1', '2', '7'].map((t) => run(vec['pattern.bin'], '--threads', t).stdout);
  assert.equal(new Set(outs).size, 1);
  assert.match(outs[0], /^sha256:[0-9a-f]{64}  1 file, 3145728 bytes\n$/);
});

test('a symbolic link stops with the path named, unless --skip-special', () => {
  const d = path.join(tmp, 'with-link');
  fs.mkdirSync(d);
  fs.writeFileSync(path.join(d, 'real.txt'), 'x');
  fs.symlinkSync('real.txt', path.join(d, 'link'));
  const r = run(d);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${path.join(d, 'link').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is a symbolic link`));
  const s = run(d, '--skip-special', '--json');
  assert.equal(s.status, 0, s.stderr);
  const j = JSON.parse(s.stdout);
  assert.equal(j.files, 1);
  assert.equal(j.skipped, 1);
  assert.match(s.stderr, /skipped .*link: is a symbolic link/);
  const only = fs.mkdtempSync(path.join(tmp, 'only-'));
  fs.writeFileSync(path.join(only, 'real.txt'), 'x');
  assert.equal(j.fingerprint, JSON.parse(run(only, '--json').stdout).fingerprint);
});

test('a FIFO is refused', () => {
  const d = path.join(tmp, 'with-fifo');
  fs.mkdirSync(d);
  execFileSync('mkfifo', [path.join(d, 'pipe')]);
  const r = run(d);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /pipe: is a FIFO/);
});

test('usage errors and bad options', () => {
  assert.equal(run().status, 2);
  assert.equal(run(vec.tree, '--bogus').status, 2);
  const a = run(vec.tree, '--algo', 'md5');
  assert.equal(a.status, 1);
  assert.match(a.stderr, /unknown algorithm "md5"/);
  assert.equal(run(vec.tree, '--threads', '0').status, 1);
  const m = run(path.join(tmp, 'missing'));
  assert.equal(m.status, 1);
  assert.match(m.stderr, /missing: No such file or directory/);
});
