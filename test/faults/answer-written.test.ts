/**
 * FOOTFALL_ANSWER=written: a hit is answered 202 only once the store holds it, so nothing an
 * instance answered lives only in its memory (test/topology kills one with -9 to show it). A
 * store that does not confirm within 5 s gets the hit a 503 that says so, and the hit, kept,
 * is counted once the store returns.
 */
import { strict as assert } from 'node:assert';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, postHit, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';

describe('answering hits once they are written (FOOTFALL_ANSWER=written)', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  const servers: TestServer[] = [];

  before(async () => {
    redis = await startRedis({ appendonly: true, args: ['--appendfsync', 'always'] });
  });
  after(async () => {
    for (const server of servers.splice(0)) await server.close();
    await redis?.stop();
  });

  async function server(answer: 'queued' | 'written'): Promise<TestServer> {
    // A long flush interval: a hit answered before its flush would show.
    const started = await startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_ANSWER: answer, FOOTFALL_FLUSH_INTERVAL_MS: '400' });
    servers.push(started);
    return started;
  }

  /** Today's views as the store has them now, without flushing first. */
  async function storedViews(server: TestServer): Promise<number> {
    await server.counter.refreshSites();
    return (await server.counter.readCounts(server.counter.site(SITE)!)).counts.today.views;
  }

  it('answers 202 once the hit is in the store, where queued answers before it is', async () => {
    const written = await server('written');
    const queued = await server('queued');
    await written.addSite(SITE);
    await queued.counter.refreshSites();

    const startedAt = performance.now();
    assert.equal((await postHit(written, SITE, { headers: { 'user-agent': `${BROWSER_UA} written` } })).status, 202);
    const waitedMs = performance.now() - startedAt;
    assert.equal(await storedViews(written), 1, 'stored when answered');
    assert.ok(waitedMs < 2_000, `answered in ${waitedMs.toFixed(0)} ms`);

    assert.equal((await postHit(queued, SITE, { headers: { 'user-agent': `${BROWSER_UA} queued` } })).status, 202);
    assert.equal(await storedViews(queued), 1, 'queued answers before its flush');
    await queued.counter.flush();
    assert.equal(await storedViews(queued), 2);
  });

  it('answers 503 when the store does not confirm in time, and counts the kept hit once it returns', async () => {
    const written = servers[0]!;
    await redis.kill('SIGKILL');
    const startedAt = performance.now();
    const refused = await postHit(written, SITE, { headers: { 'user-agent': `${BROWSER_UA} during the outage` } });
    const waitedMs = performance.now() - startedAt;
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'store_unavailable');
    assert.match(body.error.message, /has not confirmed this hit yet; it is kept and counted once the store answers/);
    assert.ok(waitedMs >= 4_500 && waitedMs < 8_000, `answered after ${waitedMs.toFixed(0)} ms`);

    await redis.restart();
    const deadline = Date.now() + 15_000;
    let views = 0;
    while (Date.now() < deadline) {
      views = await storedViews(written).catch(() => views);
      if (views === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(views, 3, 'the unconfirmed hit is counted once, after the store returns');
  });
});
