// Settings: one configuration file, the environment and flags, in that
// order of precedence, validated with line numbers, secrets masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, dipreg, request, startServer, tempDir } from './lib.mjs';

// "key = value    # source" lines of dipreg config check, by section.key.
function effective(stdout) {
  const out = {};
  let section = '';
  for (const line of stdout.split('\n')) {
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) { section = s[1]; continue; }
    const m = /^(\w+) = (.*?)\s+# (.*)$/.exec(line);
    if (m) out[`${section}.${m[1]}`] = { value: m[2].replace(/^"(.*)"$/, '$1'), source: m[3] };
  }
  return out;
}

test('flag beats environment beats file beats default', () => {
  const dir = tempDir('cfg');
  const conf = join(dir, 'dipreg.conf');
  writeFileSync(conf, [
    '# a registry in Shanghai',
    '[registry]',
    'name = 上海数据交易所登记中心',
    'code = 3100    ; Shanghai',
    'rules = shanghai',
    '',
    '[server]',
    'listen = 127.0.0.1:9001',
    'threads = 3',
    '[logging]',
    'level = warn',
  ].join('\n'));
  const r = dipreg(['config', 'check', '--config', conf, '--threads', '5'],
    { env: { DIPREG_THREADS: '4', DIPREG_REGISTRY_CODE: '3101', DIPREG_LOG_LEVEL: 'debug' } });
  assert.equal(r.status, 0, r.stderr);
  const e = effective(r.stdout);
  assert.deepEqual(e['registry.name'], { value: '上海数据交易所登记中心', source: 'file line 3' });
  assert.deepEqual(e['registry.code'], { value: '3101', source: 'environment DIPREG_REGISTRY_CODE' });
  assert.deepEqual(e['registry.rules'], { value: 'shanghai', source: 'file line 5' });
  assert.deepEqual(e['server.listen'], { value: '127.0.0.1:9001', source: 'file line 8' });
  assert.deepEqual(e['server.threads'], { value: '5', source: 'flag --threads' });
  assert.deepEqual(e['logging.level'], { value: 'debug', source: 'environment DIPREG_LOG_LEVEL' });
  assert.deepEqual(e['limits.max_upload'], { value: '20971520', source: 'default' });
  // Defaults that follow from other settings.
  assert.equal(e['registry.base_url'].value, 'http://127.0.0.1:9001');
  rmSync(dir, { recursive: true });
});

test('DIPREG_CONFIG names the file when --config does not', () => {
  const dir = tempDir('cfg');
  const conf = join(dir, 'x.conf');
  writeFileSync(conf, '[server]\nthreads = 7\n');
  const r = dipreg(['config', 'check'], { env: { DIPREG_CONFIG: conf } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^# effective settings; file: ${conf}$`, 'm'));
  assert.deepEqual(effective(r.stdout)['server.threads'], { value: '7', source: 'file line 2' });
  const missing = dipreg(['config', 'check'], { env: { DIPREG_CONFIG: join(dir, 'none.conf') } });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /none\.conf/);
  rmSync(dir, { recursive: true });
});

test('every problem is reported with its line, and the run fails', () => {
  const dir = tempDir('cfg');
  const conf = join(dir, 'bad.conf');
  writeFileSync(conf, [
    '[server]',
    'listen = 127.0.0.1:99999',
    'lisen = 127.0.0.1:80',
    'threads = many',
    'threads = 2',
    '[registry]',
    'max_body = 4096',
    'code = 11',
    'zone = Mars/Olympus',
    '[nonsense]',
    'a = b',
    '[security]',
    'trusted_proxies = 10.0.0.0/8, 10.1.0.0/8, frob',
    '[logging]',
    'format = xml',
    'just some words',
    'max_upload = 1',
  ].join('\n'));
  const r = dipreg(['config', 'check', '--config', conf]);
  assert.equal(r.status, 1);
  const lines = r.stderr.split('\n');
  const has = (re) => assert.ok(lines.some((l) => re.test(l)), `${re} in\n${r.stderr}`);
  has(/bad\.conf:2: listen: an IPv4 address and port/);
  has(/bad\.conf:3: unknown key "lisen" in \[server\]/);
  has(/bad\.conf:4: threads: a whole number from 0 to 64, got "many"/);
  has(/bad\.conf:7: unknown key "max_body" in \[registry\] \(it belongs in \[limits\]\)/);
  has(/bad\.conf:8: code: four digits/);
  has(/bad\.conf:9: zone: a UTC offset/);
  has(/bad\.conf:10: unknown section \[nonsense\]/);
  has(/bad\.conf:13: trusted_proxies: "10\.1\.0\.0\/8" is not an address or prefix/);
  has(/bad\.conf:15: format: logfmt or json/);
  has(/bad\.conf:16: expected key = value/);
  has(/bad\.conf:17: unknown key "max_upload" in \[logging\] \(it belongs in \[limits\]\)/);
  has(/problems in the settings/);
  // serve refuses to start on the same file, naming the first problem.
  const s = dipreg(['serve', '--config', conf, '--listen', '127.0.0.1:0']);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /^dipreg: .*bad\.conf:2: listen/);
  // A key given twice.
  writeFileSync(conf, '[server]\nthreads = 2\nthreads = 3\n');
  assert.match(dipreg(['config', 'check', '--config', conf]).stderr, /:3: threads given twice \(first on line 2\)/);
  rmSync(dir, { recursive: true });
});

test('bad flags and variables are refused like bad lines', () => {
  let r = dipreg(['serve', '--threads', '65']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--threads: a whole number from 0 to 64, got "65"/);
  r = dipreg(['serve', '--no-such-flag']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option "--no-such-flag"/);
  r = dipreg(['tick', '--now', '2024-03-01T09:00:00+08:00'], { env: { DIPREG_MAX_UPLOAD: 'lots' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /DIPREG_MAX_UPLOAD: a whole number/);
  // --log-json is still understood, as --log-format json.
  r = dipreg(['config', 'check', '--log-json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(effective(r.stdout)['logging.format'], { value: 'json', source: 'flag --log-format' });
});

test('secrets are masked wherever settings are shown', () => {
  const dir = tempDir('cfg');
  const conf = join(dir, 'pg.conf');
  writeFileSync(conf, '[database]\nurl = postgresql://dipreg:S3cretPassw0rd@db.internal:5432/dipreg\n');
  let r = dipreg(['config', 'check', '--config', conf]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(effective(r.stdout)['database.url'].value, 'postgresql://dipreg:****@db.internal:5432/dipreg');
  assert.doesNotMatch(r.stdout + r.stderr, /S3cretPassw0rd/);
  r = dipreg(['config', 'check', '--db', "host=db user=dipreg password='S3cret Passw0rd' dbname=x"]);
  assert.match(r.stdout, /^url = "?host=db user=dipreg password=\*\*\*\* dbname=x"?\s+# flag --db$/m);
  assert.doesNotMatch(r.stdout + r.stderr, /S3cret/);
  rmSync(dir, { recursive: true });
});

test('deploy/dipreg.conf is the sample the binary prints, and it checks clean', () => {
  const sample = dipreg(['config', 'sample']);
  assert.equal(sample.status, 0);
  assert.equal(readFileSync(join(ROOT, 'deploy', 'dipreg.conf'), 'utf8'), sample.stdout,
    'deploy/dipreg.conf is stale: regenerate it with "dipreg config sample > deploy/dipreg.conf"');
  const r = dipreg(['config', 'check', '--config', join(ROOT, 'deploy', 'dipreg.conf')]);
  assert.equal(r.status, 0, r.stderr);
  // Every key is documented in the sample, with its flag and variable.
  const e = effective(r.stdout);
  assert.ok(Object.keys(e).length >= 30);
  for (const key of Object.keys(e)) {
    const k = key.split('.')[1];
    assert.match(sample.stdout, new RegExp(`^#?${k} = `, 'm'), key);
  }
  assert.equal(e['database.url'].source, 'file line ' + (sample.stdout.split('\n').findIndex((l) => l.startsWith('url = ')) + 1));
});

test('serve runs with the settings of the file, the environment and its flags', async () => {
  const dir = tempDir('cfg');
  const conf = join(dir, 'dipreg.conf');
  writeFileSync(conf, '[registry]\nname = 测试登记机构\nrules = zhejiang\n[limits]\nmax_body = 2048\n');
  const srv = await startServer({ dir, args: ['--config', conf], env: { DIPREG_REGISTRY_NAME: '环境变量登记机构' } });
  try {
    const rules = await request(`${srv.url}/api/reference/rules`);
    assert.equal(rules.body.registry, '环境变量登记机构');
    assert.equal(rules.body.name, 'zhejiang');
    const big = await request(`${srv.url}/api/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'x', password: 'y'.repeat(3000) }),
    });
    assert.equal(big.status, 413);
  } finally {
    await srv.stop();
  }
});
