// bench/requests.mjs - exactly N requests over two keep-alive connections,
// then exit: the load of bench/instructions.sh, which must not leave the
// server idle under its counter the way a timed load would.
//   node bench/requests.mjs URL N get PATH [TOKEN]
//   node bench/requests.mjs URL N submit TOKEN FIRST
// Prints the number of answers with a 2xx status and of the others.
import http from 'node:http';

const [url, nArg, what, a, b] = process.argv.slice(2);
const n = Number(nArg);
if (!url || !(n > 0) || !['get', 'submit'].includes(what)) {
  console.error('usage: node bench/requests.mjs URL N get PATH [TOKEN] | URL N submit TOKEN FIRST');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
const token = what === 'get' ? b : a;
const headers = token ? { Authorization: `Bearer ${token}` } : {};

function one(i) {
  const path = what === 'get' ? a : `/api/applications/${Number(b) + i}/submit`;
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, url), { method: what === 'get' ? 'GET' : 'POST', headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
    req.on('error', reject);
    req.end();
  });
}

let ok = 0;
let other = 0;
let next = 0;
async function worker() {
  while (next < n) {
    const status = await one(next++);
    if (status >= 200 && status < 300) ok++;
    else other++;
  }
}
await Promise.all([worker(), worker()]);
agent.destroy();
console.log(`${ok} ${other}`);
