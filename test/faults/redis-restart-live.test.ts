/**
 * Cross-instance pushes survive a Redis restart: no crash, and a hit on instance A reaches a
 * widget on instance B within 10 s after Redis is back.
 */
import { strict as assert } from 'node:assert';
import { connectClient } from '../support/live-client.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, postHit, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';

describe('live pushes across a Redis restart', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    redis = await startRedis({ appendonly: true, args: ['--appendfsync', 'always'] });
    const env = { FOOTFALL_STORE: redis.url, FOOTFALL_PUSH_INTERVAL_MS: '250' };
    [a, b] = await Promise.all([startTestServer(env), startTestServer(env)]);
    await a.addSite(SITE);
    await b.counter.refreshSites();
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('resumes pushes from A to a widget on B within 10 s of Redis returning', async () => {
    const widget = await connectClient(b.url, SITE);
    try {
      const first = await widget.waitFor(() => true, 3000);
      await postHit(a, SITE, { headers: { 'user-agent': `${BROWSER_UA} before` } });
      await widget.waitFor((counts) => counts.total.views === first.total.views + 1, 3000);

      await redis.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Taken while Redis is down: buffered by A, written when Redis returns.
      assert.equal((await postHit(a, SITE, { headers: { 'user-agent': `${BROWSER_UA} during` } })).status, 202);
      await redis.restart();
      const back = Date.now();
      const mark = widget.received.length;
      assert.equal((await postHit(a, SITE, { headers: { 'user-agent': `${BROWSER_UA} after` } })).status, 202);
      await widget.waitFor((counts) => counts.total.views === first.total.views + 3, 10_000, mark);
      assert.ok(Date.now() - back <= 10_000);
      assert.ok(widget.socket.connected, 'the widget stayed connected to B');
    } finally {
      widget.close();
    }
  });
});
