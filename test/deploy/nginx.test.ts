/**
 * The deploy files' topology with real parts: Debian's nginx running `deploy/nginx.conf` in
 * front of two footfall instances sharing one real Redis, as `docker-compose.yml` wires them
 * (FOOTFALL_TRUST_PROXY=1, one hop). Imports pass the proxy's body limit, hits keep theirs,
 * one address's flood is cut by nginx before footfall, and live widgets connect through it.
 */
import { strict as assert } from 'node:assert';
import { io } from 'socket.io-client';
import { startNginx, type NginxProcess } from '../support/nginx.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, SITE_ORIGIN, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';
const TOKEN = 'deploy-admin-token-0123456789abcdef';
const DAY_MS = 86_400_000;

describe('deploy: nginx in front of two instances on one Redis', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  const servers: TestServer[] = [];
  let nginx: NginxProcess;

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_TRUST_PROXY: '1', FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_PUSH_INTERVAL_MS: '200' }));
    }
    await servers[0]!.addSite(SITE);
    await servers[1]!.counter.refreshSites();
    nginx = await startNginx(servers.map((server) => `127.0.0.1:${server.port}`));
  });
  after(async () => {
    await nginx?.stop();
    for (const server of servers) await server.close();
    await redis?.stop();
  });

  const hit = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${nginx.url}/api/v1/hit`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': BROWSER_UA, ...headers }, body });

  it('counts hits through the proxy on either instance', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await hit(JSON.stringify({ site: SITE, url: `${SITE_ORIGIN}/a` }), { 'user-agent': `${BROWSER_UA} proxied ${i}` })).status);
    assert.deepEqual(statuses, [202, 202, 202, 202]);
    await Promise.all(servers.map((server) => server.counter.flush()));
    assert.equal((await servers[1]!.figures(SITE)).today.views, 4);
  });

  it('takes a 1 MB history import on its import path, and refuses a 20 KB hit body itself', async () => {
    // 40,000 days (the most one import takes) from 1900 on: about 1.2 MB, far past the hits' 16 KB.
    const days = Array.from({ length: 40_000 }, (_, i) => `${new Date(Date.UTC(1900, 0, 1) + i * DAY_MS).toISOString().slice(0, 10)},${100_000_000 + i},${10_000_000 + i}`);
    const csv = `date,views,visitors\n${days.join('\n')}\n`;
    assert.ok(csv.length > 1_000_000, `${csv.length} bytes`);
    const imported = await fetch(`${nginx.url}/api/v1/sites/${SITE}/history?dryRun=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const answer = await imported.text();
    assert.equal(imported.status, 200, answer.slice(0, 300));
    assert.match(answer, /"dryRun":true/);

    const big = await hit(JSON.stringify({ site: SITE, url: `${SITE_ORIGIN}/a`, referrer: 'x'.repeat(20_000) }));
    assert.equal(big.status, 413);
    assert.match(big.headers.get('server') ?? '', /nginx/);
  });

  it('cuts one address flooding the hit path at the proxy (429), and lets another address in', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 150 }, (_, i) => hit(JSON.stringify({ site: SITE, url: `${SITE_ORIGIN}/flood` }), { 'user-agent': `${BROWSER_UA} flood ${i}` }).then((response) => response.status)),
    );
    const refused = statuses.filter((status) => status === 429).length;
    assert.ok(refused >= 150 - 51 - 10, `${refused} of 150 refused by nginx's limit (burst 50)`);
    assert.ok(statuses.filter((status) => status === 202).length >= 50);
  });

  it('connects a live widget through the proxy and pushes its counts', async () => {
    const socket = io(nginx.url, { auth: { site: SITE }, transports: ['websocket'], extraHeaders: { origin: SITE_ORIGIN, 'user-agent': BROWSER_UA }, reconnection: false, forceNew: true });
    try {
      const counts = await new Promise<{ site: string }>((resolve, reject) => {
        socket.once('counts', resolve);
        socket.once('connect_error', reject);
      });
      assert.equal(counts.site, SITE);
    } finally {
      socket.disconnect();
    }
  });
});
