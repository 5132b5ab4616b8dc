// make install into a DESTDIR: what lands where, manual pages that lint
// clean and say what "dipreg help" says, bash completion, and an
// installed binary that finds its portal.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, dipreg, request, sleep, tempDir } from './lib.mjs';

const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
let dest, bin, commands;

function makeInstall() {
  const san = BIN.includes('/san/') ? ['SAN=1'] : [];
  return spawnSync('make', ['--no-print-directory', '-s', 'install', `DESTDIR=${dest}`, 'PREFIX=/usr', ...san],
    { cwd: ROOT, encoding: 'utf8', timeout: 300000 });
}

before(() => {
  dest = tempDir('install');
  const r = makeInstall();
  assert.equal(r.status, 0, r.stderr + r.stdout);
  bin = join(dest, 'usr', 'bin', 'dipreg');
  commands = dipreg(['help', '--commands']).stdout.trim().split('\n');
});

test('the binary, data, migrations, manual pages, completion and samples are installed', () => {
  assert.ok(statSync(bin).mode & 0o111);
  for (const f of ['usr/share/dipreg/data/cn-holidays.txt', 'usr/share/dipreg/data/rules/beijing.conf',
    'usr/share/dipreg/migrations/sqlite/001_init.sql', 'usr/share/dipreg/deploy/dipreg.conf',
    'usr/share/dipreg/deploy/nginx-dipreg.conf', 'usr/share/dipreg/deploy/dipreg.service',
    'usr/share/bash-completion/completions/dipreg', 'usr/share/man/man1/dipreg.1',
    'usr/share/man/man5/dipreg.conf.5', 'etc/dipreg/dipreg.conf'])
    assert.ok(existsSync(join(dest, f)), f);
  assert.ok(commands.includes('serve') && commands.includes('admin') && commands.includes('config'));
  for (const c of commands) assert.ok(existsSync(join(dest, `usr/share/man/man1/dipreg-${c}.1`)), c);
  if (existsSync(join(ROOT, 'web')))
    for (const f of readdirSync(join(ROOT, 'web')))
      assert.ok(existsSync(join(dest, 'usr/share/dipreg/web', f)), `web/${f}`);
  const r = spawnSync(bin, ['config', 'check', '--config', join(dest, 'etc/dipreg/dipreg.conf')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('installing again keeps the operator\'s configuration', () => {
  const conf = join(dest, 'etc/dipreg/dipreg.conf');
  writeFileSync(conf, '[server]\nthreads = 3\n');
  const r = makeInstall();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(conf, 'utf8'), '[server]\nthreads = 3\n');
});

test('the installed binary serves the installed portal', async () => {
  const web = join(dest, 'usr/share/dipreg/web');
  writeFileSync(join(web, 'ops-probe.txt'), 'installed portal\n');
  const dir = tempDir('installed');
  const ready = join(dir, 'ready');
  const proc = spawn(bin, ['serve', '--db', join(dir, 'r.db'), '--data-dir', dir, '--listen', '127.0.0.1:0',
    '--ready-file', ready, '--threads', '1'], { stdio: 'ignore', env: { PATH: process.env.PATH } });
  try {
    for (let i = 0; i < 250 && !existsSync(ready); i++) await sleep(20);
    const url = readFileSync(ready, 'utf8').trim();
    const r = await request(`${url}/ops-probe.txt`);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'installed portal\n');
  } finally {
    proc.kill('SIGTERM');
  }
  const cfg = spawnSync(bin, ['config', 'check'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.match(cfg.stdout, new RegExp(`^web = ${web}\\s`, 'm'));
});

test('manual pages lint clean with mandoc', { skip: !have('mandoc') }, () => {
  const pages = [join(dest, 'usr/share/man/man1/dipreg.1'), join(dest, 'usr/share/man/man5/dipreg.conf.5'),
    ...commands.map((c) => join(dest, `usr/share/man/man1/dipreg-${c}.1`))];
  for (const p of pages) {
    const r = spawnSync('mandoc', ['-Tlint', '-Wwarning', p], { encoding: 'utf8' });
    assert.equal(r.stdout + r.stderr, '', p);
    assert.equal(r.status, 0, p);
  }
});

// The SYNOPSIS section of a page as mandoc prints it, without spaces.
function synopsis(page) {
  const r = spawnSync('mandoc', ['-Tascii', '-Owidth=400', page], { encoding: 'utf8' });
  const text = r.stdout.replace(/.\x08/g, '');
  const m = /\nSYNOPSIS\n([\s\S]*?)\n[A-Z][A-Z ]+\n/.exec(text);
  return m[1].replace(/\s+/g, '');
}

test('each page\'s synopsis is what dipreg help prints', { skip: !have('mandoc') }, () => {
  for (const c of commands) {
    const help = dipreg(['help', c]).stdout;
    const usage = help.slice('usage: '.length, help.lastIndexOf('\n  ')).replace(/\s+/g, '');
    assert.equal(synopsis(join(dest, `usr/share/man/man1/dipreg-${c}.1`)), usage, c);
  }
  // Every setting is documented in dipreg.conf(5) and in dipreg-serve(1).
  const conf = spawnSync('mandoc', ['-Tascii', join(dest, 'usr/share/man/man5/dipreg.conf.5')], { encoding: 'utf8' })
    .stdout.replace(/.\x08/g, '');
  const serve = spawnSync('mandoc', ['-Tascii', join(dest, 'usr/share/man/man1/dipreg-serve.1')], { encoding: 'utf8' })
    .stdout.replace(/.\x08/g, '');
  const sample = readFileSync(join(ROOT, 'deploy/dipreg.conf'), 'utf8');
  for (const [, flag, env] of sample.matchAll(/^# flag --(\S+), environment (\S+)$/gm)) {
    assert.ok(conf.includes(`--${flag}`) && conf.includes(env), flag);
    assert.ok(serve.includes(`--${flag}`), flag);
  }
});

// What bash offers for the words typed so far (the last one being completed).
function complete(words) {
  const script = `
    source ${JSON.stringify(join(dest, 'usr/share/bash-completion/completions/dipreg'))}
    COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})
    COMP_CWORD=${words.length - 1}
    _dipreg
    printf '%s\\n' "\${COMPREPLY[@]}"
  `;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: `${join(dest, 'usr/bin')}:${process.env.PATH}` } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).sort();
}

test('bash completes subcommands, verbs, flags and their values', { skip: !have('bash') }, () => {
  assert.deepEqual(complete(['dipreg', 'se']), ['serve']);
  assert.deepEqual(complete(['dipreg', 'c']), commands.filter((c) => c.startsWith('c')).sort());
  assert.ok(complete(['dipreg', 'c']).includes('config'));
  assert.deepEqual(complete(['dipreg', 'serve', '--li']), ['--listen']);
  assert.deepEqual(complete(['dipreg', 'serve', '--log-']), ['--log-format', '--log-key', '--log-level', '--log-origin', '--log-sm2-key']);
  assert.deepEqual(complete(['dipreg', 'serve', '--log-level', '']), ['debug', 'error', 'info', 'warn']);
  assert.ok(complete(['dipreg', 'admin', '']).includes('rotate-key'));
  assert.deepEqual(complete(['dipreg', 'admin', 'a']), ['audit-export']);
  assert.deepEqual(complete(['dipreg', 'admin', 'audit-export', '--format', '']), ['csv', 'json']);
  assert.deepEqual(complete(['dipreg', 'config', '']), ['check', 'sample']);
  assert.ok(complete(['dipreg', 'tick', '--']).includes('--now'));
  assert.ok(complete(['dipreg', 'fingerprint', '--']).includes('--algo'));
});
