// The deployment samples of deploy/: nginx (from the sample site, with a
// self-signed certificate, on loopback ports) in front of dipreg serve,
// and the systemd unit through systemd-analyze.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BIN, Client, ROOT, citizenNumber, dipreg, request, sleep, startServer, tempDir, until } from './lib.mjs';

const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const SITE = readFileSync(join(ROOT, 'deploy', 'nginx-dipreg.conf'), 'utf8');

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// curl, for HTTPS with the self-signed certificate and HTTP/2.
function curl(args) {
  const r = spawnSync('curl', ['-sk', '--max-time', '10', '-D', '-', ...args], { encoding: 'utf8' });
  const [head, ...rest] = r.stdout.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { statusLine: lines[0], status: Number(lines[0].split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

let srv, nginx, dir, https, plain;

before(async () => {
  if (!have('nginx') || !have('openssl') || !have('curl')) return;
  // A small per-address sign-in limit shows whose address dipreg counts.
  srv = await startServer({ args: ['--trusted-proxies', '127.0.0.1', '--login-failures', '100',
    '--login-failures-per-address', '3', '--base-url', 'https://dipreg.example.org'] });
  dir = tempDir('nginx');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '1', '-subj', '/CN=dipreg.example.org', '-keyout', join(dir, 'key.pem'),
    '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  https = await freePort();
  plain = await freePort();
  const upstream = new URL(srv.url).port;
  // The sample as shipped, with only addresses and paths replaced.
  const site = SITE
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${upstream};`)
    .replace(/listen 80;\n\s*listen \[::\]:80;/, `listen 127.0.0.1:${plain};`)
    .replace(/listen 443 ssl http2;\n\s*listen \[::\]:443 ssl http2;/, `listen 127.0.0.1:${https} ssl http2;`)
    .replace('/etc/ssl/dipreg/fullchain.pem', join(dir, 'cert.pem'))
    .replace('/etc/ssl/dipreg/privkey.pem', join(dir, 'key.pem'))
    .replace('/var/cache/nginx/dipreg', join(dir, 'cache'));
  assert.doesNotMatch(site.replace(/#.*$/gm, ''), /listen 80|listen 443|\/etc\/ssl|\/var\/cache/);
  for (const d of ['cache', 'tmp']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
user root root;
events { worker_connections 64; }
http {
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/site.conf;
}
`);
  const t = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await until(() => curl([`https://127.0.0.1:${https}/api/health`]).status === 200, 10000, 'nginx');
});

after(async () => {
  if (nginx) {
    nginx.kill('SIGQUIT');
    await Promise.race([new Promise((r) => nginx.on('exit', r)), sleep(5000)]);
  }
  if (srv) await srv.stop();
});

// The access line of a request, once dipreg has written it.
function accessLine(id) {
  return until(() => srv.output.split('\n').find((l) => l.includes(`req=${id}`) && l.includes('event=access')),
    5000, `the access line of ${id}`);
}

const skip = !have('nginx') || !have('openssl') || !have('curl');

test('through nginx: HTTP/2 over TLS, dipreg\'s security headers and request id kept', { skip }, async () => {
  const r = curl(['--http2', `https://127.0.0.1:${https}/api/health`]);
  assert.equal(r.statusLine.split(' ')[0], 'HTTP/2');
  assert.equal(r.status, 200);
  assert.match(r.headers['x-request-id'], /^[0-9a-f]{24}$/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.match(r.headers['content-security-policy'], /default-src 'none'/);
  assert.match(r.headers['strict-transport-security'], /max-age=/);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.match(await accessLine(r.headers['x-request-id']), /method=GET route=\/api\/health status=200/);
  // Plain HTTP redirects to HTTPS.
  const p = curl([`http://127.0.0.1:${plain}/api/health`]);
  assert.equal(p.status, 301);
  assert.match(p.headers.location, /^https:\/\//);
});

test('the client address behind nginx counts, a forged X-Forwarded-For does not', { skip }, async () => {
  // Three failed sign-ins from 127.0.0.5 through the proxy, each claiming
  // another address, exhaust 127.0.0.5's allowance ...
  for (let i = 0; i < 3; i++) {
    const r = curl(['--interface', '127.0.0.5', '-H', `X-Forwarded-For: 198.51.100.${i}`, '-H', 'Content-Type: application/json',
      '--data', '{"login":"nobody","password":"wrong"}', `https://127.0.0.1:${https}/api/session`]);
    assert.equal(r.status, 401, r.body);
    assert.match(await accessLine(r.headers['x-request-id']), /addr=127\.0\.0\.5( |$)/);
  }
  let r = curl(['--interface', '127.0.0.5', '-H', 'Content-Type: application/json',
    '--data', '{"login":"nobody","password":"wrong"}', `https://127.0.0.1:${https}/api/session`]);
  assert.equal(r.status, 429);
  // ... while another client behind the same proxy is still served.
  r = curl(['--interface', '127.0.0.6', '-H', 'Content-Type: application/json',
    '--data', '{"login":"nobody","password":"wrong"}', `https://127.0.0.1:${https}/api/session`]);
  assert.equal(r.status, 401);
  // Straight to dipreg from an address that is no trusted proxy, the
  // headers are ignored.
  const d = await request(`${srv.url}/api/health`, { localAddress: '127.0.0.7',
    headers: { 'X-Forwarded-For': '203.0.113.1', 'X-Real-IP': '203.0.113.2' } });
  assert.match(await accessLine(d.headers['x-request-id']), /addr=127\.0\.0\.7( |$)/);
});

test('log tiles are cached as immutable, the checkpoint and the API never', { skip }, async () => {
  // A deposit puts an entry in the log.
  const anon = new Client(srv.url);
  const login = `ops${Date.now() % 100000}`;
  await anon.ok('POST', '/api/accounts', { login, password: 'a password for tests', kind: 'natural',
    display_name: '张三', id_number: citizenNumber() }, 201);
  const c = await new Client(srv.url).signIn(login, 'a password for tests');
  await c.ok('POST', '/api/deposits', { fingerprint: `sha256:${'ab'.repeat(32)}`, files: 1, bytes: 10,
    description: 'deploy test' }, 201);
  await until(async () => (await request(`${srv.url}/log/checkpoint`)).status === 200, 10000, 'a checkpoint');
  const cp = curl([`https://127.0.0.1:${https}/log/checkpoint`]);
  assert.equal(cp.status, 200);
  assert.equal(cp.headers['cache-control'], 'no-store');
  const size = Number(cp.body.split('\n')[1]);
  assert.ok(size >= 1);
  const tile = `/log/tile/entries/000.p/${size}`;
  const t1 = curl([`https://127.0.0.1:${https}${tile}`]);
  assert.equal(t1.status, 200);
  assert.match(t1.headers['cache-control'], /immutable/);
  const t2 = curl([`https://127.0.0.1:${https}${tile}`]);
  assert.equal(t2.headers['x-cache-status'], 'HIT');
  assert.equal(t2.body, t1.body);
  // Compressed for the client that asks, from the same cache entry.
  const direct = await request(`${srv.url}${tile}`);
  const gz = spawnSync('curl', ['-sk', '--compressed', `https://127.0.0.1:${https}${tile}`]);
  assert.ok(gz.stdout.equals(direct.buf));
  const api = curl([`https://127.0.0.1:${https}/api/session`]);
  assert.equal(api.headers['x-cache-status'], undefined);
  assert.equal(api.headers['cache-control'], 'no-store');
});

test('uploads up to dipreg\'s limit pass the proxy; /metrics is not served through it', { skip }, () => {
  const limit = Number(/client_max_body_size (\d+)m;/.exec(SITE)[1]) * 1024 * 1024;
  const maxUpload = Number(dipreg(['config', 'check']).stdout.match(/^max_upload = (\d+)/m)[1]);
  assert.ok(limit >= maxUpload && limit - maxUpload <= 2 * 1024 * 1024,
    `client_max_body_size ${limit} should just exceed max_upload ${maxUpload}`);
  const file = join(dir, 'up.pdf');
  writeFileSync(file, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 0x41), Buffer.from('\n%%EOF\n')]));
  const r = curl(['--interface', '127.0.0.8', '-H', 'Content-Type: application/pdf', '--data-binary', `@${file}`,
    `https://127.0.0.1:${https}/api/uploads?name=big.pdf`]);
  assert.equal(r.status, 201, r.body);
  assert.equal(curl([`https://127.0.0.1:${https}/metrics`]).status, 404);
  assert.equal(curl([`${srv.url}/metrics`]).status, 200);
});

test('systemd-analyze verify accepts deploy/dipreg.service', { skip: !have('systemd-analyze') }, () => {
  const d = tempDir('unit');
  // The unit names /usr/bin/dipreg and two manual pages: point it at this
  // build and at pages generated into a manual tree of its own.
  const unit = readFileSync(join(ROOT, 'deploy', 'dipreg.service'), 'utf8').replaceAll('/usr/bin/dipreg', BIN);
  for (const k of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/dipreg',
    'StateDirectory=dipreg', 'PrivateTmp=yes', 'ProtectHome=yes', 'CapabilityBoundingSet=\n',
    'SystemCallFilter=@system-service', 'User=dipreg'])
    assert.ok(unit.includes(k), k);
  writeFileSync(join(d, 'dipreg.service'), unit);
  mkdirSync(join(d, 'man', 'man1'), { recursive: true });
  mkdirSync(join(d, 'man', 'man5'), { recursive: true });
  writeFileSync(join(d, 'man', 'man1', 'dipreg-serve.1'), dipreg(['help', '--man', 'serve']).stdout);
  writeFileSync(join(d, 'man', 'man5', 'dipreg.conf.5'), dipreg(['help', '--man', 'dipreg.conf']).stdout);
  const r = spawnSync('systemd-analyze', ['verify', join(d, 'dipreg.service')],
    { encoding: 'utf8', env: { ...process.env, MANPATH: join(d, 'man') } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), '');
  assert.ok(existsSync(BIN));
});
