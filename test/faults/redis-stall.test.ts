/**
 * A Redis that stalls (SIGSTOP: the connection stays open, nothing answers) must not hang
 * requests or grow memory without bound: commands time out and the buffer takes over; when
 * Redis wakes up, the backlog lands once.
 */
import { strict as assert } from 'node:assert';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, postHit, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';

describe('Redis stalled (SIGSTOP)', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let server: TestServer;

  before(async () => {
    redis = await startRedis();
    server = await startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_BUFFER_LIMIT: '5000', FOOTFALL_PUSH_INTERVAL_MS: '200' });
    await server.addSite(SITE);
  });
  after(async () => {
    redis?.resume();
    await server?.close();
    await redis?.stop();
  });

  it('answers hits at once, stays bounded, serves the last counts, and writes the backlog after', async () => {
    for (let i = 0; i < 10; i++) await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} early ${i}` } });
    const before = await server.figures(SITE);
    assert.equal((await fetch(`${server.url}/api/v1/sites/${SITE}/counts`)).status, 200);

    redis.pause();
    let accepted = 0;
    let slowest = 0;
    let unavailable = 0;
    const sendUntil = Date.now() + 5_000;
    for (let i = 0; Date.now() < sendUntil && i < 5_000; i++) {
      const started = Date.now();
      const response = await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} stalled ${i}` } });
      slowest = Math.max(slowest, Date.now() - started);
      if (response.status === 202) accepted += 1;
      else if (response.status === 503) unavailable += 1;
      else assert.fail(`unexpected ${response.status}`);
    }
    assert.ok(accepted > 100, `${accepted} accepted while Redis stalled`);
    assert.ok(slowest < 1_000, `slowest answer ${slowest} ms: a stalled Redis must not hang requests`);
    assert.ok(server.counter.backlog <= 5_000, `buffer ${server.counter.backlog} within its limit`);

    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503, 'not ready while Redis does not answer');
    const counts = await fetch(`${server.url}/api/v1/sites/${SITE}/counts`);
    assert.equal(counts.status, 200, 'the last known counts are still served');

    redis.resume();
    const deadline = Date.now() + 20_000;
    let after = before;
    while (Date.now() < deadline) {
      after = await server.figures(SITE).catch(() => after);
      if (after.total.views === before.total.views + accepted) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.log(`      ${accepted} answered 202 while Redis was stopped (slowest ${slowest} ms, ${unavailable} answered 503), ${after.total.views - before.total.views} counted after it resumed`);
    assert.equal(after.total.views, before.total.views + accepted, `every accepted hit once (503s: ${unavailable})`);
  });
});
