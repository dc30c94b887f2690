/**
 * What one client can cost: memory per request when it sends the longest User-Agents a server
 * takes (15 KB), and the outage buffer when such hits arrive while the store is away and must
 * wait for their salts — bounded in bytes, shared fairly between sites, and all of it shown.
 */
import { strict as assert } from 'node:assert';
import { metricValue } from '../support/metrics-text.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';

/** Under Node's 16 KiB header limit with the rest of a request's headers. */
const LONG_UA_LENGTH = 15_000;
const longUserAgent = (i: number) => `${BROWSER_UA} ${String(i).padStart(8, '0')} ${'x'.repeat(LONG_UA_LENGTH)}`.slice(0, LONG_UA_LENGTH);

describe('abuse: what one client can cost', function () {
  this.timeout(120_000);

  describe('15 KB User-Agents, in a real process', () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServerProcess({
        FOOTFALL_STORE: 'memory:',
        FOOTFALL_TRUST_PROXY: '1',
        FOOTFALL_SITES_FILE: '',
      });
    });
    after(() => server?.stop());

    // prom-client's process metrics, under footfall's prefix.
    const rss = () => metricValue(server.url, 'footfall_process_process_resident_memory_bytes');
    async function send(from: number, n: number): Promise<number> {
      let counted = 0;
      for (let i = from; i < from + n; i++) {
        const response = await fetch(`${server.url}/api/v1/hit`, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain',
            origin: `http://localhost:${server.port}`,
            'user-agent': longUserAgent(i),
            'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: JSON.stringify({ site: 'demo', url: `http://localhost:${server.port}/bai/${i % 50}`, referrer: null }),
        });
        await response.arrayBuffer();
        if (response.status === 202) counted += 1;
      }
      return counted;
    }

    it('3,000 requests, each a new visitor with a 15 KB User-Agent, grow RSS by less than 40 MB', async () => {
      // Warm up what every server allocates once (JIT, pools, the country database's pages).
      await send(0, 300);
      const before = await rss();
      assert.ok(before > 10 * 2 ** 20, `RSS read as ${before} bytes`);
      const counted = await send(300, 3000);
      const grown = (await rss()) - before;
      console.log(`      RSS ${(before / 2 ** 20).toFixed(1)} MB → +${(grown / 2 ** 20).toFixed(1)} MB after 3,000 hits with 15 KB User-Agents (${counted} counted)`);
      assert.equal(counted, 3000);
      assert.ok(grown < 40 * 2 ** 20, `RSS grew ${(grown / 2 ** 20).toFixed(1)} MB`);
    });
  });

  describe('an outage with long User-Agents', () => {
    const BUDGET = 1024 * 1024;
    let redis: RedisProcess;
    let server: TestServer;
    before(async () => {
      redis = await startRedis();
      server = await startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_BUFFER_BYTES: String(BUDGET), FOOTFALL_BUFFER_LIMIT: '1000000' });
      // Never hit before the outage: their hits must wait for salts the store cannot give.
      await server.addSite('flooded');
      await server.addSite('neighbour');
    });
    after(async () => {
      await server?.close();
      await redis?.stop();
    });

    async function flood(site: string, max: number): Promise<{ accepted: number; refusal?: Response }> {
      let accepted = 0;
      for (let i = 0; i < max; i++) {
        const response = await postHit(server, site, { userAgent: longUserAgent(i), url: `${SITE_ORIGIN}/bai/${i}` });
        if (response.status !== 202) return { accepted, refusal: response };
        await response.arrayBuffer();
        accepted += 1;
      }
      return { accepted };
    }

    async function assertShown(): Promise<void> {
      const held = server.counter.buffered;
      assert.ok(held.bytes <= BUDGET, `${held.bytes} bytes held, budget ${BUDGET}`);
      assert.equal(await metricValue(server.url, 'footfall_buffer_bytes'), held.bytes);
      assert.equal(await metricValue(server.url, 'footfall_buffer_entries'), held.entries);
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { writer: string; backlog: number; bufferBytes: number };
      assert.equal(ready.writer, 'degraded');
      assert.equal(ready.backlog, held.entries);
      assert.equal(ready.bufferBytes, held.bytes);
    }

    it('holds waiting hits within the byte budget, one site within half, shows all of it, and writes it back', async () => {
      await redis.kill('SIGKILL');
      const flooded = await flood('flooded', 5000);
      assert.ok(flooded.accepted > 50, `${flooded.accepted} held`);
      assert.equal(flooded.refusal?.status, 503);
      const body = (await flooded.refusal!.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'store_unavailable');
      assert.match(body.error.message, /share of the buffer/);
      assert.ok(server.counter.buffered.bytes <= BUDGET / 2, `one site holds ${server.counter.buffered.bytes} bytes`);
      await assertShown();

      // The flood left room for the other sites.
      const neighbour = await flood('neighbour', 5000);
      assert.ok(neighbour.accepted > 50, `the neighbour still got ${neighbour.accepted} in`);
      await assertShown();

      await redis.restart();
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && server.counter.backlog > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await server.figures('flooded')).today.views, flooded.accepted, 'every held hit counted once');
      assert.equal((await server.figures('neighbour')).today.views, neighbour.accepted);
    });
  });
});
