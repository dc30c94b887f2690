/**
 * The per-visitor rate limit (`FOOTFALL_RATE_LIMIT` counted views per visitor per site per clock
 * minute) as a client sees it: across two instances sharing one Redis, with `429` and
 * `Retry-After` past the limit and the refusals counted in `/metrics`; and which address is
 * "the visitor" when `X-Forwarded-For` is sent, with `FOOTFALL_TRUST_PROXY` off, a hop count and
 * an address list.
 */
import { strict as assert } from 'node:assert';
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../../src/config/config.js';
import { minuteOf, roomInMinute } from '../support/clock-minute.js';
import { siteId } from '../support/counting.js';
import { metricValue } from '../support/metrics-text.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';

interface Answer {
  instance: number;
  status: number;
  retryAfter: number | undefined;
  code: string | undefined;
  /** When the answer arrived (epoch ms). */
  at: number;
}

/** Sends one hit of `userAgent` to `server` and records what came back. */
async function hitAs(server: TestServer, instance: number, site: string, userAgent: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await postHit(server, site, { headers: { 'user-agent': userAgent, ...headers } });
  const body = (await response.json()) as { error?: { code: string } };
  const retryAfter = response.headers.get('retry-after');
  return { instance, status: response.status, retryAfter: retryAfter === null ? undefined : Number(retryAfter), code: body.error?.code, at: Date.now() };
}

/** Every 429 says `rate_limited` and when to come back: within the current clock minute. */
function assertRefusalsWellFormed(answers: Answer[]): void {
  for (const answer of answers.filter((a) => a.status === 429)) {
    assert.equal(answer.code, 'rate_limited');
    assert.ok(answer.retryAfter !== undefined && Number.isInteger(answer.retryAfter), `Retry-After ${answer.retryAfter}`);
    const untilNextMinute = Math.ceil((60_000 - (answer.at % 60_000)) / 1000);
    assert.ok(answer.retryAfter >= 1 && answer.retryAfter <= Math.min(60, untilNextMinute + 1), `Retry-After ${answer.retryAfter}, next minute in ${untilNextMinute} s`);
  }
}

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

/**
 * The lag bound of a limit shared through the store: no instance answers 202 later than
 * 2 * flush + 50 ms after the L-th counted view (t0) — the instance that took it writes it within
 * one flush cycle, every other instance reads the total back with its next batch within another,
 * and 50 ms is margin for the event loop. So the views counted past L are at most the requests
 * answered in that window, and fewer than the 2 * L of two independent limits. Returns the
 * number counted.
 */
function assertStopsSoonAfterLimit(answers: Answer[], limit: number, flushMs: number): number {
  const accepted = count(answers, 202);
  const t0 = answers.filter((a) => a.status === 202)[limit - 1]?.at;
  assert.ok(t0 !== undefined, `the limit was never reached: ${answers.map((a) => a.status).join(' ')}`);
  const window = 2 * flushMs + 50;
  const late = answers.filter((a) => a.status === 202 && a.at > t0 + window);
  const sentInWindow = answers.filter((a) => a.at > t0 && a.at <= t0 + window).length;
  const detail = `limit ${limit}, counted ${accepted}, ${sentInWindow} requests answered in the ${window} ms after the L-th view`;
  assert.deepEqual(late, [], `202 answered more than ${window} ms after the limit was reached (${detail})`);
  assert.ok(accepted - limit <= sentInWindow, detail);
  assert.ok(accepted < 2 * limit, `the instances share one limit (${detail})`);
  assert.equal(count(answers, 202) + count(answers, 429), answers.length, `only 202 and 429: ${answers.map((a) => a.status).join(' ')}`);
  return accepted;
}

/**
 * Has `server` load the site's salts for the current period, through a ping of another visitor
 * (no view, no visitor counted), so that the test measures the limit itself and not the first
 * hit's wait for salts (which has its own test below).
 */
async function loadSalts(server: TestServer, site: string): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/ping`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': `${BROWSER_UA} salt loader` },
    body: JSON.stringify({ site }),
  });
  assert.equal(response.status, 204);
}

describe('abuse: per-visitor rate limit', function () {
  this.timeout(60_000);
  const servers: TestServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function start(env: Record<string, string>): Promise<TestServer> {
    const server = await startTestServer(env);
    servers.push(server);
    return server;
  }

  it('defaults to 30 counted views per visitor per site per minute', () => {
    assert.equal(loadConfig({}).rateLimit, 30);
  });

  describe('across two instances on one Redis', () => {
    let redis: RedisProcess;
    before(async () => {
      redis = await startRedis();
    });
    after(() => redis?.stop());

    /** Two instances over the same Redis, both knowing a fresh site. */
    async function pair(env: Record<string, string>): Promise<{ site: string; instances: TestServer[] }> {
      const instances = await Promise.all([start({ FOOTFALL_STORE: redis.url, ...env }), start({ FOOTFALL_STORE: redis.url, ...env })]);
      const site = siteId('rl');
      for (const instance of instances) await instance.addSite(site);
      for (const instance of instances) await loadSalts(instance, site);
      return { site, instances };
    }

    /** Sums a hit-result counter over the instances' /metrics. */
    async function resultTotal(instances: TestServer[], result: string): Promise<number> {
      const values = await Promise.all(instances.map((instance) => metricValue(instance.url, 'footfall_hits_total', { result })));
      return values.reduce((a, b) => a + b, 0);
    }

    it('holds a visitor who alternates slowly between instances to the limit, give or take one view per other instance', async () => {
      // Paced well beyond two flush intervals, every instance has written its own last hit and
      // read the shared total back before the visitor's next request reaches it. What it cannot
      // know yet is the one hit the OTHER instance took since: an instance learns the total only
      // from the store's answer to its own batch. So the exact bound is L + (instances - 1).
      const limit = 6;
      const flushMs = 20;
      const { site, instances } = await pair({ FOOTFALL_RATE_LIMIT: String(limit), FOOTFALL_FLUSH_INTERVAL_MS: String(flushMs) });
      const userAgent = `${BROWSER_UA} alternating reader`;
      await roomInMinute(3_000);
      const minute = minuteOf(Date.now());
      const answers: Answer[] = [];
      for (let i = 0; i < 2 * limit + 4; i++) {
        answers.push(await hitAs(instances[i % 2]!, i % 2, site, userAgent));
        await delay(5 * flushMs);
      }
      assert.equal(minuteOf(Date.now()), minute, 'the test ran within one clock minute');

      const accepted = count(answers, 202);
      const refused = count(answers, 429);
      assert.equal(accepted + refused, answers.length, `only 202 and 429: ${answers.map((a) => a.status).join(' ')}`);
      assert.deepEqual(answers.slice(0, limit).map((a) => a.status), new Array(limit).fill(202), 'the first L views count');
      assert.ok(accepted <= limit + 1, `${accepted} counted with a limit of ${limit} on 2 instances: ${answers.map((a) => a.status).join(' ')}`);
      assert.deepEqual(answers.slice(-4).map((a) => a.status), [429, 429, 429, 429], 'both instances refuse once they have written and read back');
      assertRefusalsWellFormed(answers);

      const figures = await instances[0]!.figures(site);
      assert.equal(figures.today.views, accepted, 'every 202 counted, no 429 counted');
      assert.equal(figures.today.visitors, 1);
      assert.equal(await resultTotal(instances, 'rate_limited'), refused, 'footfall_hits_total{result="rate_limited"} over both instances');
      assert.equal(await resultTotal(instances, 'counted'), accepted);
    });

    it('holds a fast visitor spread over instances within one flush cycle of lag per instance', async () => {
      // Default limit and flush interval; one visitor alternating between the instances every
      // 10 ms, until 600 ms after the L-th view. Bound: see assertStopsSoonAfterLimit.
      const limit = loadConfig({}).rateLimit;
      const flushMs = loadConfig({}).flushIntervalMs;
      const { site, instances } = await pair({ FOOTFALL_RATE_LIMIT: String(limit) });
      const userAgent = `${BROWSER_UA} fast reader`;
      await roomInMinute(3_000);
      const minute = minuteOf(Date.now());
      const answers: Answer[] = [];
      let t0: number | undefined;
      for (let i = 0; i < 400; i++) {
        const answer = await hitAs(instances[i % 2]!, i % 2, site, userAgent);
        answers.push(answer);
        if (t0 === undefined && count(answers, 202) === limit) t0 = answer.at;
        if (t0 !== undefined && answer.at > t0 + 600) break;
        await delay(10);
      }
      assert.equal(minuteOf(Date.now()), minute, 'the test ran within one clock minute');

      const accepted = assertStopsSoonAfterLimit(answers, limit, flushMs);
      assertRefusalsWellFormed(answers);

      const refused = count(answers, 429);
      assert.equal(accepted + refused, answers.length);
      assert.equal((await instances[1]!.figures(site)).today.views, accepted);
      assert.equal(await resultTotal(instances, 'rate_limited'), refused);
    });

    it('holds a visitor who moves to another instance within the same lag (one flush cycle of that instance\'s hits)', async () => {
      // L - 5 views on B, written and read back; then as fast as possible on A, which has never
      // seen this visitor this minute and learns B's share only from its own first batch. What it
      // accepts in the meantime is bounded by time (one flush cycle), not by count: a fast
      // client gets nearly a whole extra limit through (e.g. 53 counted for L = 30 on this
      // machine). Asserted: A stops within 2 * flush + 50 ms of the L-th view, as above.
      const limit = loadConfig({}).rateLimit;
      const flushMs = loadConfig({}).flushIntervalMs;
      const { site, instances } = await pair({ FOOTFALL_RATE_LIMIT: String(limit) });
      const [a, b] = instances as [TestServer, TestServer];
      const userAgent = `${BROWSER_UA} moving reader`;
      await roomInMinute(3_000);
      const minute = minuteOf(Date.now());
      const answers: Answer[] = [];
      for (let i = 0; i < limit - 5; i++) answers.push(await hitAs(b, 1, site, userAgent));
      await delay(4 * flushMs);
      for (let i = 0; i < 2 * limit; i++) answers.push(await hitAs(a, 0, site, userAgent));
      assert.equal(minuteOf(Date.now()), minute, 'the test ran within one clock minute');

      const accepted = assertStopsSoonAfterLimit(answers, limit, flushMs);
      assertRefusalsWellFormed(answers);
      assert.equal((await a.figures(site)).today.views, accepted);
    });
  });

  describe('while the period\'s salts load', () => {
    // On a fresh instance (or a new site, or a new local day before the salts were preloaded)
    // the first hits wait for the period's salts; they must not be let through unlimited.
    const limit = 3;

    it('counts the first views of a visitor against the limit too', async () => {
      const server = await start({ FOOTFALL_RATE_LIMIT: String(limit) });
      await server.addSite('fresh-salts');
      await roomInMinute(2_000);
      const answers: Answer[] = [];
      for (let i = 0; i < limit + 3; i++) answers.push(await hitAs(server, 0, 'fresh-salts', `${BROWSER_UA} first of the day`));
      assert.deepEqual(answers.map((a) => a.status), [...new Array(limit).fill(202), 429, 429, 429]);
      assert.equal((await server.figures('fresh-salts')).today.views, limit);
    });

    it('holds a burst that arrives before the salts to the limit', async () => {
      const server = await start({ FOOTFALL_RATE_LIMIT: String(limit) });
      await server.addSite('fresh-burst');
      await roomInMinute(2_000);
      const burst = await Promise.all(Array.from({ length: limit + 7 }, () => hitAs(server, 0, 'fresh-burst', `${BROWSER_UA} burst at start`)));
      assert.deepEqual({ accepted: count(burst, 202), refused: count(burst, 429) }, { accepted: limit, refused: 7 });
      assert.equal((await server.figures('fresh-burst')).today.views, limit);
    });
  });

  describe('which address is the visitor', () => {
    const LIMIT = 3;
    const forged = () => `${randomInt(1, 224)}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

    it('ignores X-Forwarded-For when FOOTFALL_TRUST_PROXY is off: a forged header is still the same visitor', async () => {
      const server = await start({ FOOTFALL_RATE_LIMIT: String(LIMIT) });
      await server.addSite('trust-off');
      await loadSalts(server, 'trust-off');
      await roomInMinute(2_000);
      const answers: Answer[] = [];
      for (let i = 0; i < LIMIT + 3; i++) answers.push(await hitAs(server, 0, 'trust-off', `${BROWSER_UA} forger`, { 'x-forwarded-for': forged() }));
      assert.deepEqual(answers.map((a) => a.status), [...new Array(LIMIT).fill(202), 429, 429, 429]);
      assertRefusalsWellFormed(answers);
      const figures = await server.figures('trust-off');
      assert.equal(figures.today.views, LIMIT);
      assert.equal(figures.today.visitors, 1);
    });

    it('with FOOTFALL_TRUST_PROXY=1 believes one hop: "X-Forwarded-For: forged, real" is the visitor "real"', async () => {
      const server = await start({ FOOTFALL_RATE_LIMIT: String(LIMIT), FOOTFALL_TRUST_PROXY: '1' });
      await server.addSite('trust-one');
      await loadSalts(server, 'trust-one');
      await roomInMinute(2_000);
      const userAgent = `${BROWSER_UA} behind a load balancer`;
      const answers: Answer[] = [];
      for (let i = 0; i < LIMIT + 2; i++) answers.push(await hitAs(server, 0, 'trust-one', userAgent, { 'x-forwarded-for': `${forged()}, 203.0.113.7` }));
      assert.deepEqual(answers.map((a) => a.status), [...new Array(LIMIT).fill(202), 429, 429], 'a new forged address buys no new budget');
      assertRefusalsWellFormed(answers);
      assert.equal((await server.figures('trust-one')).today.visitors, 1);

      // Another real address (same forged part, same browser) is another visitor with its own budget.
      const other = await hitAs(server, 0, 'trust-one', userAgent, { 'x-forwarded-for': `${forged()}, 203.0.113.8` });
      assert.equal(other.status, 202);
      // The proxy's own hop alone: the address it reports is the visitor.
      assert.equal((await hitAs(server, 0, 'trust-one', userAgent, { 'x-forwarded-for': '203.0.113.9' })).status, 202);
      const figures = await server.figures('trust-one');
      assert.equal(figures.today.views, LIMIT + 2);
      assert.equal(figures.today.visitors, 3);
    });

    it('with FOOTFALL_TRUST_PROXY=loopback believes only loopback proxies, however many', async () => {
      const server = await start({ FOOTFALL_RATE_LIMIT: String(LIMIT), FOOTFALL_TRUST_PROXY: 'loopback' });
      await server.addSite('trust-list');
      await loadSalts(server, 'trust-list');
      await roomInMinute(2_000);
      const userAgent = `${BROWSER_UA} behind loopback proxies`;
      const chains = [
        `${forged()}, 203.0.113.20`,
        `${forged()}, 203.0.113.20, 127.0.0.1`,
        `${forged()}, ${forged()}, 203.0.113.20, 127.0.0.2, ::1`,
      ];
      const answers: Answer[] = [];
      for (const chain of chains) answers.push(await hitAs(server, 0, 'trust-list', userAgent, { 'x-forwarded-for': chain }));
      answers.push(await hitAs(server, 0, 'trust-list', userAgent, { 'x-forwarded-for': `${forged()}, 203.0.113.20` }));
      assert.deepEqual(answers.map((a) => a.status), [202, 202, 202, 429], 'all four are the visitor 203.0.113.20');
      assert.equal((await server.figures('trust-list')).today.visitors, 1);

      // A non-loopback proxy in the chain is not believed: the address it claims to forward for is not taken.
      assert.equal((await hitAs(server, 0, 'trust-list', userAgent, { 'x-forwarded-for': '203.0.113.20, 198.51.100.1' })).status, 202);
      const figures = await server.figures('trust-list');
      assert.equal(figures.today.views, LIMIT + 1);
      assert.equal(figures.today.visitors, 2, '198.51.100.1 is the visitor, not the 203.0.113.20 it names');
    });
  });
});
