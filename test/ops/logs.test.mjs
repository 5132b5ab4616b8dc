// Logs: one event per line (JSON or logfmt), an access line per request
// with the id the response carried, and nothing secret or confidential,
// at the most talkative level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, request, startServer, until } from './lib.mjs';
import { workingDay } from './scenario.mjs';

for (const format of ['json', 'logfmt']) {
  test(`${format}: a working day logs no secret and no confidential content`, async () => {
    const mark = `MARK${hex(6)}`;
    const adminPassword = `pw-${mark}-admin`;
    // The database URL carries a password of its own, as a PostgreSQL one
    // would: the listening line must not show it either.
    const srv = await startServer({ adminPassword, args: ['--log-level', 'debug', '--log-format', format] });
    let said;
    try {
      said = await workingDay(srv, { mark, adminPassword });
      const h = await request(`${srv.url}/api/health`, { headers: { 'X-Request-Id': `probe-${format}` } });
      assert.equal(h.headers['x-request-id'], `probe-${format}`, `${h.status} ${h.text} ${srv.output.slice(-3000)}`);
      await until(() => srv.output.includes(`probe-${format}`), 5000, 'the probe in the log');
    } finally {
      await srv.stop();
    }
    const out = srv.output;
    for (const secret of [mark, said.token, said.sessionCookie, said.csrf])
      assert.ok(!out.includes(secret), `"${secret}" appears in the log:\n${out.split('\n').filter((l) => l.includes(secret)).join('\n')}`);
    const lines = out.trim().split('\n');
    assert.ok(lines.length > 20, `${lines.length} lines`);
    const events = lines.map((l) => {
      if (format === 'json') return JSON.parse(l);
      assert.match(l, /^ts=\S+ level=(debug|info|warn|error) event=\S+/, l);
      return Object.fromEntries([...l.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));
    });
    for (const e of events) {
      assert.match(e.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['debug', 'info', 'warn', 'error'].includes(e.level));
    }
    const access = events.filter((e) => e.event === 'access');
    assert.ok(access.length >= 20, `${access.length} access lines`);
    for (const a of access) {
      assert.match(a.req, /^[0-9a-f]{24}$|^probe-/);
      assert.match(a.method, /^(GET|POST|PUT|DELETE|PATCH|HEAD)$/);
      assert.match(a.status, /^\d{3}$/);
      assert.match(a.ms, /^\d+\.\d\d$/);
      // Route patterns, never raw paths with their identifiers.
      assert.ok(a.route === 'static' || a.route === 'none' || !/\/\d+(\/|$)/.test(a.route), a.route);
      assert.equal(a.level, 'info');
    }
    assert.ok(access.some((a) => a.route === '/api/applications/{id}/submit' && a.status === '200'));
    assert.ok(access.some((a) => a.route === '/api/session' && a.status === '401'));
    assert.ok(access.some((a) => a.req === `probe-${format}` && a.route === '/api/health'));
  });
}
