// A registry's working day over HTTP, for the tests that look at what the
// server says about it (logs, metrics): sign-up, tokens, uploads, a filed
// application, examination, publication, an objection.  Every secret and
// every confidential value carries the marker, so that a test can search
// the server's output for it.
import { Client, citizenNumber, hex } from './lib.mjs';

export async function workingDay(srv, { mark, adminPassword }) {
  const anon = new Client(srv.url);
  const login = `holder${hex(3)}`;
  const password = `pw-${mark}-holder`;
  await anon.ok('POST', '/api/accounts', {
    login, password, kind: 'natural', display_name: '李明', id_number: citizenNumber(),
    email: `${mark}@example.org`, phone: `1380000${mark.slice(0, 4).replace(/\D/g, '1').padEnd(4, '1')}`,
  }, 201);
  // A wrong password first, then the right one.
  await anon.call('POST', '/api/session', { json: { login, password: `${password}-wrong` } });
  const holder = await new Client(srv.url).signIn(login, password);
  const tok = await holder.ok('POST', '/api/tokens', { label: `label-${mark}` }, 201);
  const program = new Client(srv.url);
  program.token = tok.token;
  const up = async (c, bytes, type, name) => {
    const r = await c.call('POST', `/api/uploads?name=${encodeURIComponent(name)}`, { body: bytes, type });
    if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${r.text}`);
    return r.body.sha256;
  };
  const proof = await up(program, Buffer.from(`%PDF-1.4\n% proof ${mark}\n%%EOF\n`), 'application/pdf', 'proof.pdf');
  const sample = await up(program, Buffer.from(`station,count\n${mark},1\n`), 'text/csv', 'sample.csv');
  const scan = await up(program, Buffer.from(`%PDF-1.4\n% scan ${mark}\n%%EOF\n`), 'application/pdf', 'scan.pdf');
  const content = {
    name: '北京市公共交通客流数据集',
    industry: '54',
    scenario: '用于城市交通规划与公交线网优化，服务交通管理部门与出行平台，解决客流预测问题。',
    source: { kind: 'own', description: `由本公司公交刷卡系统自行采集形成。${mark}`, formed_on: '2023-12-01', lawful_proof: proof },
    structure: { fields: [{ name: `card_${mark.slice(0, 8)}`, format: 'char(64)' }, { name: 'station', format: 'varchar(32)' }],
      records: 120000000, bytes: 9800000000 },
    update: { frequency: 'daily', description: `每日凌晨增量更新${mark}` },
    algorithm: { summary: '对刷卡记录进行清洗、去重、按站点和时段聚合统计。', personal_data: true, public_data: false,
      anonymisation: `卡号经加盐哈希处理，不保留可还原原始卡号的信息。${mark}` },
    evidence: { kind: 'notarisation', fingerprint: `sha256:${hex(32)}`, notary_number: '(2024)京长安内经证字第123号',
      notary_date: '2024-01-15', notary_scan: scan },
    sample,
    other: { status: `正常运营中${mark}` },
    declaration: { truthful: true },
  };
  const draft = await holder.ok('POST', '/api/applications', { content }, 201);
  await holder.ok('POST', `/api/applications/${draft.id}/submit`);
  // The registry: an examiner created by the admin reads and publishes.
  const admin = await new Client(srv.url).signIn('admin', adminPassword);
  const exPassword = `pw-${mark}-examiner`;
  await admin.ok('POST', '/api/admin/accounts', { login: `ex${hex(3)}`, password: exPassword, kind: 'natural',
    display_name: '王审查', id_number: citizenNumber(), roles: ['examiner'] }, 201).then(async (a) => {
    const ex = await new Client(srv.url).signIn(a.login, exPassword);
    await ex.ok('GET', `/api/applications/${draft.id}`);
    await ex.call('GET', `/api/uploads/${sample}`);
    await ex.ok('GET', '/api/tasks');
    await ex.ok('POST', `/api/applications/${draft.id}/publish`);
    // Anyone objects, with a contact and evidence of their own.
    const evidence = await up(anon, Buffer.from(`%PDF-1.4\n% evidence ${mark}\n%%EOF\n`), 'application/pdf', 'evidence.pdf');
    const obj = await anon.ok('POST', `/api/applications/${draft.id}/objections`,
      { name: '赵异议', contact: `contact-${mark}`, grounds: `数据来源存疑${mark}`, evidence: [evidence] }, 201);
    const follow = new Client(srv.url);
    await follow.call('GET', `/api/objections/${obj.id}`, { headers: { 'X-Objection-Token': obj.token } });
    await ex.ok('POST', `/api/objections/${obj.id}/forward`, { text: `转交${mark}` });
    await ex.ok('DELETE', '/api/session');
  });
  await holder.ok('PUT', '/api/session/password', { old_password: password, password: `${password}-new` });
  await holder.call('GET', '/api/inbox');
  await program.call('GET', '/api/session');
  return { token: tok.token, sessionCookie: holder.cookie, csrf: holder.csrf, appId: draft.id };
}
