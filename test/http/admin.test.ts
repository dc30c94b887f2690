/** The admin API against a real server: auth, validation, sites, history, top pages, audit. */
import { strict as assert } from 'node:assert';
import { postHit, startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'test-admin-token-0123456789';

describe('admin API', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ FOOTFALL_ADMIN_TOKEN: TOKEN });
  });
  after(() => server.close());

  function admin(path: string, init: RequestInit = {}, token = TOKEN): Promise<Response> {
    return fetch(`${server.url}/api/v1/admin${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
  }

  async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, ...body.error };
  }

  it('answers 404 when no admin token is configured', async () => {
    const plain = await startTestServer();
    try {
      const response = await fetch(`${plain.url}/api/v1/admin/sites`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.status, 404);
    } finally {
      await plain.close();
    }
  });

  it('answers 401 unauthorized without the right bearer token', async () => {
    assert.deepEqual((await errorOf(await admin('/sites', {}, 'wrong-token'))).code, 'unauthorized');
    const none = await fetch(`${server.url}/api/v1/admin/sites`);
    assert.equal(none.status, 401);
    const basic = await fetch(`${server.url}/api/v1/admin/sites`, { headers: { authorization: `Basic ${TOKEN}` } });
    assert.equal(basic.status, 401);
  });

  it('creates, updates, lists and deletes a site', async () => {
    const created = await admin('/sites/truong-thcs', {
      method: 'PUT',
      body: JSON.stringify({ origins: ['https://thcs.example.edu.vn'], timezone: 'Asia/Ho_Chi_Minh' }),
    });
    assert.equal(created.status, 201);
    assert.deepEqual(await created.json(), {
      id: 'truong-thcs',
      origins: ['https://thcs.example.edu.vn'],
      timezone: 'Asia/Ho_Chi_Minh',
      weekStart: 1,
      baseline: { views: 0, visitors: 0 },
      pageQuery: [],
      pathLimit: { day: 2000, total: 10000 },
      collect: ['referrer', 'campaign', 'country', 'browser', 'os', 'device'],
      public: false,
    });
    const updated = await admin('/sites/truong-thcs', { method: 'PUT', body: JSON.stringify({ baseline: { views: 120_000, visitors: 30_000 } }) });
    assert.equal(updated.status, 200);
    assert.deepEqual(((await updated.json()) as { origins: string[] }).origins, ['https://thcs.example.edu.vn'], 'fields not sent are kept');
    const list = (await (await admin('/sites')).json()) as Array<{ id: string }>;
    assert.ok(list.some((site) => site.id === 'truong-thcs'));
    const counts = (await (await fetch(`${server.url}/api/v1/sites/truong-thcs/counts`)).json()) as { total: unknown };
    assert.deepEqual(counts.total, { views: 120_000, visitors: 30_000 });
    assert.equal((await admin('/sites/truong-thcs', { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(`${server.url}/api/v1/sites/truong-thcs/counts`)).status, 404);
    assert.equal((await errorOf(await admin('/sites/truong-thcs', { method: 'DELETE' }))).code, 'unknown_site');
  });

  it('refuses invalid settings with 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ timezone: 'Asia/Hanoi City' }, /^The site settings are not valid: timezone: /],
      [{ weekStart: 3 }, /weekStart/],
      [{ origins: ['not an origin'] }, /origins\.0/],
      [{ origins: ['https://a.example/path'] }, /origins\.0/],
      [{ baseline: { views: -1 } }, /baseline\.views/],
      [{ pageQuery: ['id', 'id'] }, /pageQuery/],
      [{ pageQuery: ['a b'] }, /pageQuery\.0/],
      [{ pathLimit: { day: 5 } }, /pathLimit\.day/],
      [{ collect: ['referrer', 'shoe size'] }, /collect\.1/],
      [{ public: 'yes' }, /public/],
      [{ colour: 'red' }, /colour/],
    ];
    for (const [body, message] of cases) {
      const failure = await errorOf(await admin('/sites/bad-site', { method: 'PUT', body: JSON.stringify(body) }));
      assert.equal(failure.status, 400);
      assert.equal(failure.code, 'invalid_settings');
      assert.match(failure.message, message);
    }
    const badId = await errorOf(await admin('/sites/Bad_Id', { method: 'PUT', body: '{}' }));
    assert.deepEqual([badId.status, badId.code], [400, 'invalid_settings']);
    assert.equal((await admin('/sites/bad-site', { method: 'PUT', body: '{nope' })).status, 400);
    const list = (await (await admin('/sites')).json()) as Array<{ id: string }>;
    assert.ok(!list.some((site) => site.id === 'bad-site'), 'nothing was saved');
  });

  it('gives history with zero days and top pages of a day', async () => {
    await server.addSite('history-site');
    for (const [path, n] of [['/a', 3], ['/b', 1]] as const) {
      for (let i = 0; i < n; i++) await postHit(server, 'history-site', { url: `https://longhuu.example.vn${path}`, headers: { 'user-agent': `Mozilla/5.0 Chrome/131 reader ${i}` } });
    }
    await server.counter.flush();
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const history = await (await admin(`/sites/history-site/history?from=${yesterday}&to=${today}`)).json();
    assert.deepEqual(history, [
      { date: yesterday, views: 0, visitors: 0 },
      { date: today, views: 4, visitors: 3 },
    ]);
    const pages = await (await admin(`/sites/history-site/pages?date=${today}&limit=1`)).json();
    assert.deepEqual(pages, [{ path: '/a', views: 3 }]);
    assert.equal((await errorOf(await admin('/sites/history-site/history?from=2026-13-01'))).code, 'invalid_query');
    assert.equal((await errorOf(await admin(`/sites/history-site/history?from=${today}&to=${yesterday}`))).code, 'invalid_query');
    assert.equal((await errorOf(await admin('/sites/history-site/pages?limit=0'))).code, 'invalid_query');
    assert.equal((await errorOf(await admin('/sites/nope/history'))).code, 'unknown_site');
  });

  it('keeps an audit trail of every change: who, what, before and after', async () => {
    await admin('/sites/audited', { method: 'PUT', body: JSON.stringify({ origins: ['https://a.example'] }) });
    await admin('/sites/audited', { method: 'PUT', body: JSON.stringify({ origins: ['https://b.example'] }) });
    await admin('/sites/audited', { method: 'DELETE' });
    const audit = (await (await admin('/audit?limit=10')).json()) as Array<{ action: string; site: string; actor: string; before: unknown; after: unknown }>;
    const mine = audit.filter((entry) => entry.site === 'audited');
    assert.deepEqual(mine.map((entry) => entry.action), ['site.delete', 'site.update', 'site.create']);
    assert.match(mine[0]!.actor, /^api:/);
    assert.deepEqual((mine[1]!.before as { origins: string[] }).origins, ['https://a.example']);
    assert.deepEqual((mine[1]!.after as { origins: string[] }).origins, ['https://b.example']);
    assert.equal(mine[0]!.after, null);
  });
});
