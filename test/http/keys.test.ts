/**
 * Site owners' keys against real servers: what each credential opens, route by route; that a
 * key is shown once and stored only as a hash; that revocation reaches a second instance on
 * the same Redis within a push interval; and the /ops feed of a key's own sites.
 */
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import type { OpsSiteRow } from '../../src/live/events.js';
import { refusalOfSocket } from '../support/live-client.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { postHit, startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'keys-test-admin-token-0123';
const INTERVAL_MS = 300;

let address = 0;
/** Each request from its own address: the failed checks of one would otherwise be refused as guessing. */
function from(): Record<string, string> {
  address += 1;
  return { 'x-forwarded-for': `198.51.100.${address % 250}` };
}

async function create(server: TestServer, body: unknown): Promise<Response> {
  return fetch(`${server.url}/api/v1/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...from() },
    body: JSON.stringify(body),
  });
}

async function keyFor(server: TestServer, body: unknown): Promise<{ id: string; key: string }> {
  const response = await create(server, body);
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as { id: string; key: string };
}

describe('site owners\' keys', function () {
  this.timeout(30_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_PUSH_INTERVAL_MS: String(INTERVAL_MS), FOOTFALL_TRUST_PROXY: '1' });
    for (const id of ['long-huu', 'an-binh', 'truong-thcs']) await server.addSite(id);
    await postHit(server, 'long-huu');
    await server.counter.flush();
  });
  after(() => server.close());

  it('shows a new key once, with its settings, and lists keys without secrets', async () => {
    const response = await create(server, { sites: ['long-huu', 'an-binh'], scope: 'read', label: 'UBND xã Long Hựu', expiresAt: '2099-01-01T00:00:00Z' });
    assert.equal(response.status, 201);
    const created = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(created).sort(), ['createdAt', 'expiresAt', 'id', 'key', 'label', 'scope', 'sites']);
    assert.match(String(created.key), /^ffk_[A-Za-z0-9_-]{11}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([created.sites, created.scope, created.label, created.expiresAt], [['an-binh', 'long-huu'], 'read', 'UBND xã Long Hựu', '2099-01-01T00:00:00.000Z']);
    const list = (await (await fetch(`${server.url}/api/v1/admin/keys`, { headers: { authorization: `Bearer ${TOKEN}`, ...from() } })).json()) as Array<Record<string, unknown>>;
    const listed = list.find((key) => key.id === created.id);
    assert.ok(listed);
    assert.equal(listed.key, undefined);
    assert.equal(listed.hash, undefined);
    const stored = await server.store.getKey(String(created.id));
    const secret = /^ffk_.{11}_(.+)$/.exec(String(created.key))?.[1];
    assert.ok(secret && stored && !JSON.stringify(stored).includes(secret), 'the store keeps a hash, not the secret');
    for (const bad of [{ sites: [], scope: 'read' }, { sites: ['nope'], scope: 'read' }, { sites: ['long-huu'], scope: 'admin' }, { sites: ['long-huu'], scope: 'read', expiresAt: '2000-01-01T00:00:00Z' }]) {
      const refused = await create(server, bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid_body');
    }
  });

  it('opens exactly what each credential may, route by route', async () => {
    const read = await keyFor(server, { sites: ['long-huu'], scope: 'read' });
    const other = await keyFor(server, { sites: ['an-binh'], scope: 'read' });
    const importer = await keyFor(server, { sites: ['long-huu'], scope: 'import' });
    const expiring = await keyFor(server, { sites: ['long-huu'], scope: 'import', expiresAt: new Date(Date.now() + 1500).toISOString() });
    const revoked = await keyFor(server, { sites: ['long-huu'], scope: 'import' });
    assert.equal((await fetch(`${server.url}/api/v1/admin/keys/${revoked.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}`, ...from() } })).status, 204);
    await sleep(1600);

    const credentials: Record<string, string | undefined> = {
      admin: TOKEN,
      read: read.key,
      other: other.key,
      import: importer.key,
      expired: expiring.key,
      revoked: revoked.key,
      none: undefined,
    };
    const base = `${server.url}/api/v1/sites/long-huu`;
    const csv = { 'content-type': 'text/csv' };
    const routes: Array<{ name: string; url: string; init?: RequestInit; expect: Record<string, number> }> = [
      ...['/history', '/pages', '/day', '/sources?dim=referrer', '/paths'].map((path) => ({
        name: `GET ${path}`,
        url: `${base}${path}`,
        expect: { admin: 200, read: 200, other: 403, import: 200, expired: 401, revoked: 401, none: 401 },
      })),
      {
        name: 'POST /history',
        url: `${base}/history?dryRun=1`,
        init: { method: 'POST', headers: csv, body: 'date,views\n2025-01-01,10\n' },
        expect: { admin: 200, read: 403, other: 403, import: 200, expired: 401, revoked: 401, none: 401 },
      },
      {
        name: 'PUT /pages',
        url: `${base}/pages?dryRun=1`,
        init: { method: 'PUT', headers: csv, body: 'path,views\n/tin-tuc/1,2020\n' },
        expect: { admin: 200, read: 403, other: 403, import: 200, expired: 401, revoked: 401, none: 401 },
      },
      ...['/sites', '/keys', '/audit', '/sites/long-huu/history'].map((path) => ({
        name: `admin GET ${path}`,
        url: `${server.url}/api/v1/admin${path}`,
        expect: { admin: 200, read: 401, other: 401, import: 401, expired: 401, revoked: 401, none: 401 },
      })),
    ];
    const wrong: string[] = [];
    for (const route of routes) {
      for (const [who, status] of Object.entries(route.expect)) {
        const headers: Record<string, string> = { ...(route.init?.headers as Record<string, string>), ...from() };
        if (credentials[who] !== undefined) headers.authorization = `Bearer ${credentials[who]}`;
        const response = await fetch(route.url, { ...route.init, headers });
        const body = (await response.json()) as { error?: { code: string } };
        const code = { 401: 'unauthorized', 403: 'forbidden' }[response.status as 401 | 403];
        if (response.status !== status || (code !== undefined && body.error?.code !== code)) wrong.push(`${route.name} with ${who}: ${response.status} ${body.error?.code ?? ''}`);
      }
    }
    assert.deepEqual(wrong, []);
    // RFC 7235: the scheme is case-insensitive.
    const lower = await fetch(`${base}/history`, { headers: { authorization: `bearer ${read.key}`, ...from() } });
    assert.equal(lower.status, 200);
    const lowerAdmin = await fetch(`${server.url}/api/v1/admin/sites`, { headers: { authorization: `BEARER ${TOKEN}`, ...from() } });
    assert.equal(lowerAdmin.status, 200);
    // An import through a key is audited as that key.
    await fetch(`${base}/pages`, { method: 'PUT', headers: { ...csv, authorization: `Bearer ${importer.key}`, ...from() }, body: 'path,views\n/tin-tuc/9,9\n' });
    const audit = (await (await fetch(`${server.url}/api/v1/admin/audit?limit=5`, { headers: { authorization: `Bearer ${TOKEN}`, ...from() } })).json()) as Array<{ actor: string; action: string }>;
    assert.ok(audit.some((entry) => entry.action === 'pages.import' && entry.actor === `key:${importer.id}`), JSON.stringify(audit));
    assert.ok(audit.some((entry) => entry.action === 'key.revoke'));
  });

  it('opens a public site\'s reports without a key, but not what was refused', async () => {
    await server.counter.putSite({ ...server.counter.site('truong-thcs')!, public: true });
    const day = await fetch(`${server.url}/api/v1/sites/truong-thcs/day`, { headers: from() });
    assert.equal(day.status, 200);
    assert.deepEqual(Object.keys((await day.json()) as object), ['date', 'hours']);
    assert.equal((await fetch(`${server.url}/api/v1/sites/truong-thcs/sources?dim=country`, { headers: from() })).status, 200);
    const imported = await fetch(`${server.url}/api/v1/sites/truong-thcs/history`, { method: 'POST', headers: { 'content-type': 'text/csv', ...from() }, body: 'date,views\n2025-01-01,1\n' });
    assert.equal(imported.status, 401, 'imports always need a key');
  });

  it('refuses an address after ten failed checks in a minute, whatever it sends then', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.77' };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await fetch(`${server.url}/api/v1/admin/sites`, { headers: { ...headers, authorization: `Bearer wrong-${i}` } })).status);
    assert.deepEqual(statuses, [...new Array(10).fill(401), 429, 429]);
    const refused = await fetch(`${server.url}/api/v1/admin/sites`, { headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
    assert.equal(refused.status, 429, 'even the right token waits for the next minute');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await fetch(`${server.url}/api/v1/admin/sites`, { headers: { ...from(), authorization: `Bearer ${TOKEN}` } })).status, 200, 'other addresses are not held up');
  });

  it('streams a key\'s own sites on /ops, and closes a refused connection', async () => {
    const key = await keyFor(server, { sites: ['an-binh', 'long-huu'], scope: 'read' });
    const socket = io(`${server.url}/ops`, { auth: { key: key.key }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: from() });
    try {
      const rows = await new Promise<OpsSiteRow[]>((resolve, reject) => {
        socket.once('sites', resolve);
        socket.once('connect_error', reject);
      });
      assert.deepEqual(rows.map((row) => row.counts.site).sort(), ['an-binh', 'long-huu']);
    } finally {
      socket.disconnect();
    }
    const wrong = io(`${server.url}/ops`, { auth: { key: `${key.key.slice(0, -2)}xx` }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: from() });
    const closed = new Promise<void>((resolve) => wrong.io.engine.once('close', () => resolve()));
    assert.equal(await refusalOfSocket(wrong), 'unauthorized');
    await closed;
  });
});

describe('site owners\' keys across instances', function () {
  this.timeout(30_000);
  let redis: RedisProcess;
  let servers: TestServer[] = [];

  before(async () => {
    redis = await startRedis();
    servers = await Promise.all([0, 1].map(() => startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_PUSH_INTERVAL_MS: String(INTERVAL_MS), FOOTFALL_TRUST_PROXY: '1' })));
    await servers[0]!.addSite('long-huu');
    await servers[1]!.counter.refreshSites();
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await redis?.stop();
  });

  it('revokes a key on every instance within one push interval', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const key = await keyFor(a, { sites: ['long-huu'], scope: 'read' });
    const read = () => fetch(`${b.url}/api/v1/sites/long-huu/history`, { headers: { authorization: `Bearer ${key.key}`, ...from() } });
    assert.equal((await read()).status, 200, 'the other instance takes the key');
    assert.equal((await fetch(`${a.url}/api/v1/admin/keys/${key.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}`, ...from() } })).status, 204);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3 * INTERVAL_MS) {
      status = (await read()).status;
      if (status === 200) await sleep(20);
    }
    const took = Date.now() - revokedAt;
    assert.equal(status, 401);
    assert.ok(took <= INTERVAL_MS + 100, `refused ${took} ms after the revocation (push interval ${INTERVAL_MS} ms)`);
  });
});
