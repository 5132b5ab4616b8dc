// witness-tls.test.mjs - "dipreg witness" reaches a registry served over
// https (a TLS front on 127.0.0.1, as a registry behind its reverse proxy
// would be): it cosigns when the certificate verifies against the trusted
// authorities (here SSL_CERT_FILE, a test authority) for the address in
// the URL, and refuses, saying why, when the authority is not trusted or
// the certificate names another host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Server, cosignedBy, keygen, runAsyncWith, tempDir } from './logutil.mjs';

function openssl(dir, ...args) {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30000 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
}

// A test authority and a server certificate it signed for name (an IP
// address or a host name).
function certificates(dir) {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=dipreg test authority',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  const leaf = (base, san) => {
    fs.writeFileSync(path.join(dir, `${base}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${base}`);
    openssl(dir, 'x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', `${base}.pem`, '-days', '2', '-extfile', `${base}.ext`);
    return { key: fs.readFileSync(path.join(dir, `${base}.key`)), cert: fs.readFileSync(path.join(dir, `${base}.pem`)) };
  };
  return { ca: path.join(dir, 'ca.pem'), here: leaf('here', 'IP:127.0.0.1'), elsewhere: leaf('elsewhere', 'DNS:registry.example') };
}

// An https front for the registry at target, on 127.0.0.1.
async function front(tls, target) {
  const to = new URL(target);
  const srv = https.createServer(tls, (req, res) => {
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) };
}

const witness = (env, ...args) => runAsyncWith(env, 'witness', ...args);

test('a witness cosigns over https, and refuses a certificate it cannot trust for the host', async (t) => {
  const dir = tempDir('witness-tls');
  const certs = certificates(dir);
  const w = keygen(path.join(dir, 'keys'), 'notary.test/witness', '--witness');
  const srv = await Server.start(dir, ['--witness', w.vkey, '--witness-quorum', '1']);
  t.after(() => srv.stop());
  const [logKey] = await srv.keys();
  const who = await srv.applicant();
  for (let i = 0; i < 3; i++) await srv.deposit(who);
  const good = await front(certs.here, srv.url);
  const wrong = await front(certs.elsewhere, srv.url);
  t.after(() => Promise.all([good.close(), wrong.close()]));
  const args = (url, state) => ['--log', url, '--key', w.key, '--log-key', logKey,
    '--state', path.join(dir, state), '--once', '--submit'];

  // The authority is not among those the system trusts.
  let r = await witness({ SSL_CERT_FILE: path.join(dir, 'none.pem'), SSL_CERT_DIR: path.join(dir, 'none') }, ...args(good.url, 'state-untrusted'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`GET ${good.url.replace(/[.]/g, '\\.')}.*the server's certificate: unable to get local issuer certificate`));
  assert.equal(r.stdout, '');
  // Trusted, but made out to another host.
  r = await witness({ SSL_CERT_FILE: certs.ca }, ...args(wrong.url, 'state-wrong'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the server's certificate: IP address mismatch/);
  // Trusted and for this address: cosigned and submitted over TLS.
  r = await witness({ SSL_CERT_FILE: certs.ca }, ...args(good.url, 'state-good'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /cosigned registry\.test\/log at tree size 3, .*submitted to the log\n$/);
  const note = (await srv.get('/log/checkpoint')).body.toString('utf8');
  assert.ok(cosignedBy(note, w.vkey), 'the log took the cosignature sent over https');
});
