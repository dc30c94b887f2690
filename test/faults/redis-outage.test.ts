/**
 * Redis goes away: hits are still answered 202 and held in a bounded buffer, `/readyz` says so,
 * a full buffer answers 503 store_unavailable with Retry-After, and when Redis returns the
 * backlog is written — none lost, none counted twice.
 */
import { strict as assert } from 'node:assert';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, postHit, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';

describe('Redis outage', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let server: TestServer;

  before(async () => {
    // fsync on every write: what Redis acknowledged survives its kill -9.
    redis = await startRedis({ appendonly: true, args: ['--appendfsync', 'always'] });
    server = await startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_BUFFER_LIMIT: '400' });
    await server.addSite(SITE);
  });
  after(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('buffers while Redis is down, refuses 503 when full, and writes the backlog when it returns', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} before ${i}` } })).status, 202);
    const before = await server.figures(SITE);
    assert.equal(before.total.views, 20);

    await redis.kill('SIGKILL');
    let accepted = 0;
    let unavailable: Response | undefined;
    for (let i = 0; i < 1000 && !unavailable; i++) {
      const response = await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} during ${i}` } });
      if (response.status === 202) accepted += 1;
      else unavailable = response;
    }
    assert.ok(accepted > 20, `${accepted} hits buffered before the buffer filled`);
    assert.ok(unavailable, 'a full buffer answers');
    assert.equal(unavailable.status, 503);
    assert.ok(Number(unavailable.headers.get('retry-after')) > 0);
    assert.equal(((await unavailable.json()) as { error: { code: string } }).error.code, 'store_unavailable');

    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    const readiness = (await ready.json()) as { store: string; connection: string; backlog: number };
    assert.equal(readiness.store, 'not answering');
    assert.equal(readiness.connection, 'reconnecting');
    assert.ok(readiness.backlog > 0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /footfall_buffer_entries [1-9]/);
    assert.match(metrics, /footfall_store_connection\{state="reconnecting"\} 1/);

    await redis.restart();
    const deadline = Date.now() + 15_000;
    let after = before;
    while (Date.now() < deadline) {
      after = await server.figures(SITE).catch(() => after);
      if (after.total.views === 20 + accepted && server.counter.backlog === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`      ${20 + accepted} answered 202 (${accepted} while Redis was down), ${after.total.views} counted after its restart`);
    assert.equal(after.total.views, 20 + accepted, 'every hit answered 202 counted once');
    // Visitors are a HyperLogLog estimate (standard error 0.81%).
    assert.ok(Math.abs(after.today.visitors - (20 + accepted)) <= 0.02 * (20 + accepted), `visitors ${after.today.visitors}`);
    const back = await fetch(`${server.url}/readyz`);
    assert.equal(back.status, 200);
    assert.equal(((await back.json()) as { connection: string }).connection, 'ready');
    const metricsAfter = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metricsAfter, /footfall_store_connection\{state="ready"\} 1/);
    assert.match(metricsAfter, /footfall_store_connection\{state="reconnecting"\} 0/);
  });
});
