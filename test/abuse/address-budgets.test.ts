/**
 * What one network address can add to a site's figures, tried as an inflater would: one address
 * rotating User-Agents (every hit a "new visitor"), pings, live connections, an IPv6 host moving
 * within its /64, and views from a few visitors of one address. Each moves the figures by no more
 * than its documented budget, and the same traffic from distinct addresses still counts in full.
 * Addresses are given by `X-Forwarded-For` (FOOTFALL_TRUST_PROXY=1), as behind a proxy.
 */
import { strict as assert } from 'node:assert';
import { roomInMinute } from '../support/clock-minute.js';
import { siteId } from '../support/counting.js';
import { connectClient, refusalOf, type LiveClient } from '../support/live-client.js';
import { metricValue } from '../support/metrics-text.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';

/** The documented defaults, set explicitly (tests otherwise run with budgets off). */
const BUDGETS = {
  FOOTFALL_TRUST_PROXY: '1',
  FOOTFALL_RATE_LIMIT: '30',
  FOOTFALL_NEW_VISITORS_PER_ADDRESS: '50',
  FOOTFALL_VIEWS_PER_ADDRESS: '300',
  FOOTFALL_PINGS_PER_ADDRESS: '300',
  FOOTFALL_CONNECTIONS_PER_IP: '1000',
};
const NEW_VISITORS = 50;
const VIEWS = 300;

/** Visitors are HyperLogLog estimates (within about 1% at these sizes); views are exact. */
function assertVisitors(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= Math.max(1, expected * 0.02), `${actual} visitors, expected about ${expected}`);
}

const ua = (label: string, i: number) => `${BROWSER_UA} ${label}/${i}`;
const from = (address: string) => ({ 'x-forwarded-for': address });

interface Tally {
  statuses: Record<number, number>;
  codes: Set<string>;
  messages: Set<string>;
}

/** Sends `n` hits, the i-th as `visitor(i)`, one after another; tallies the answers. */
async function hits(server: TestServer, site: string, n: number, visitor: (i: number) => { address: string; userAgent: string }): Promise<Tally> {
  const tally: Tally = { statuses: {}, codes: new Set(), messages: new Set() };
  for (let i = 0; i < n; i++) {
    const { address, userAgent } = visitor(i);
    const response = await postHit(server, site, { userAgent, headers: from(address) });
    tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1;
    const body = (await response.json()) as { error?: { code: string; message: string } };
    if (body.error) {
      tally.codes.add(body.error.code);
      tally.messages.add(body.error.message);
      assert.ok(Number(response.headers.get('retry-after')) >= 1, 'a refusal says when to come back');
    }
  }
  return tally;
}

async function pings(server: TestServer, site: string, n: number, visitor: (i: number) => { address: string; userAgent: string }): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    const { address, userAgent } = visitor(i);
    const response = await fetch(`${server.url}/api/v1/ping`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': userAgent, ...from(address) },
      body: JSON.stringify({ site }),
    });
    await response.arrayBuffer();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  return statuses;
}

describe('abuse: what one network address can add', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer(BUDGETS);
  });
  after(() => server.close());
  // Budgets count per clock minute: each case runs within one.
  beforeEach(() => roomInMinute(25_000));

  async function newSite(): Promise<string> {
    const id = siteId('budget');
    await server.addSite(id);
    return id;
  }

  it('one address rotating User-Agents adds at most 50 visitors and views a minute; 120 addresses add 120', async () => {
    const site = await newSite();
    const refusedBefore = await metricValue(server.url, 'footfall_budget_refusals_total', { budget: 'addressNewVisitors' });
    const rotating = await hits(server, site, 120, (i) => ({ address: '203.0.113.5', userAgent: ua('rotating', i) }));
    assert.deepEqual(rotating.statuses, { 202: NEW_VISITORS, 429: 120 - NEW_VISITORS });
    assert.deepEqual([...rotating.codes], ['rate_limited']);
    assert.match([...rotating.messages][0]!, /new visitors from this network address/);
    let figures = await server.figures(site);
    assert.equal(figures.today.views, NEW_VISITORS);
    assertVisitors(figures.today.visitors, NEW_VISITORS);
    assert.equal(await metricValue(server.url, 'footfall_budget_refusals_total', { budget: 'addressNewVisitors' }), refusedBefore + 120 - NEW_VISITORS);
    // A refused newcomer stays new: sending again does not slip it in.
    const again = await hits(server, site, 10, (i) => ({ address: '203.0.113.5', userAgent: ua('rotating', 100 + i) }));
    assert.deepEqual(again.statuses, { 429: 10 });

    const spread = await hits(server, site, 120, (i) => ({ address: `198.51.100.${i + 1}`, userAgent: ua('spread', i) }));
    assert.deepEqual(spread.statuses, { 202: 120 });
    figures = await server.figures(site);
    assert.equal(figures.today.views, NEW_VISITORS + 120);
    assertVisitors(figures.today.visitors, NEW_VISITORS + 120);
  });

  it('an IPv6 host moving within its /64 is one address; 120 /64s are 120', async () => {
    const site = await newSite();
    const within = await hits(server, site, 120, (i) => ({ address: `2001:db8:7:9::${(i + 1).toString(16)}`, userAgent: ua('v6', i) }));
    assert.deepEqual(within.statuses, { 202: NEW_VISITORS, 429: 120 - NEW_VISITORS });
    const across = await hits(server, site, 120, (i) => ({ address: `2001:db8:7:${(i + 0x100).toString(16)}::1`, userAgent: ua('v6 spread', i) }));
    assert.deepEqual(across.statuses, { 202: 120 });
    assertVisitors((await server.figures(site)).today.visitors, NEW_VISITORS + 120);
  });

  it('a few visitors behind one address add at most 300 views a minute together; from their own addresses, all', async () => {
    const site = await newSite();
    // 15 visitors (well within the new-visitor budget), each up to its own limit of 30: 450 tries.
    const shared = await hits(server, site, 450, (i) => ({ address: '203.0.113.9', userAgent: ua('classroom', i % 15) }));
    assert.deepEqual(shared.statuses, { 202: VIEWS, 429: 450 - VIEWS });
    assert.match([...shared.messages].join(' '), /page views from this network address/);
    assert.equal((await server.figures(site)).today.views, VIEWS);
    const own = await hits(server, site, 450, (i) => ({ address: `192.0.2.${(i % 15) + 1}`, userAgent: ua('homes', i % 15) }));
    assert.deepEqual(own.statuses, { 202: 450 });
    const figures = await server.figures(site);
    assert.equal(figures.today.views, VIEWS + 450);
    assertVisitors(figures.today.visitors, 15 + 15);
  });

  it('pings with rotating User-Agents keep at most 50 new visitors online; from 100 addresses, 100', async () => {
    const site = await newSite();
    const rotating = await pings(server, site, 500, (i) => ({ address: '203.0.113.20', userAgent: ua('pinger', i) }));
    assert.deepEqual(rotating, { 204: NEW_VISITORS, 429: 500 - NEW_VISITORS });
    assert.equal((await server.figures(site)).online, NEW_VISITORS);
    // The same 50, pinging again, are not new: the ping budget (300) bounds them.
    const known = await pings(server, site, 320, (i) => ({ address: '203.0.113.20', userAgent: ua('pinger', i % NEW_VISITORS) }));
    assert.deepEqual(known, { 204: 300 - NEW_VISITORS, 429: 320 - (300 - NEW_VISITORS) });
    const spread = await pings(server, site, 100, (i) => ({ address: `198.51.100.${i + 1}`, userAgent: ua('pinger spread', i) }));
    assert.deepEqual(spread, { 204: 100 });
    assert.equal((await server.figures(site)).online, NEW_VISITORS + 100);
  });

  it('live connections with rotating User-Agents bring at most 50 new visitors online', async () => {
    const site = await newSite();
    const clients: LiveClient[] = [];
    const refusals: string[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const options = { userAgent: ua('live', i), headers: from('203.0.113.30'), transports: ['websocket' as const] };
        if (i < NEW_VISITORS) clients.push(await connectClient(server.url, site, options));
        else refusals.push(await refusalOf(server.url, site, options));
      }
      assert.deepEqual(new Set(refusals), new Set(['rate_limited']));
      assert.equal((await server.figures(site)).online, NEW_VISITORS);
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('counts in full with the budgets off, for a site behind one shared address', async () => {
    const open = await startTestServer({ ...BUDGETS, FOOTFALL_NEW_VISITORS_PER_ADDRESS: '0', FOOTFALL_VIEWS_PER_ADDRESS: '0' });
    try {
      await open.addSite('shared-address');
      const all = await hits(open, 'shared-address', 120, (i) => ({ address: '203.0.113.40', userAgent: ua('office', i) }));
      assert.deepEqual(all.statuses, { 202: 120 });
      assertVisitors((await open.figures('shared-address')).today.visitors, 120);
    } finally {
      await open.close();
    }
  });
});

describe('abuse: address budgets across two instances on one Redis', function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  const servers: TestServer[] = [];

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ ...BUDGETS, FOOTFALL_STORE: redis.url, FOOTFALL_FLUSH_INTERVAL_MS: '20' }));
  });
  after(async () => {
    for (const server of servers) await server.close();
    await redis?.stop();
  });

  it('holds one address to about one budget of new visitors, not one per instance', async () => {
    await roomInMinute(25_000);
    const site = siteId('budget-shared');
    await servers[0]!.addSite(site);
    await servers[1]!.counter.refreshSites();
    let counted = 0;
    for (let i = 0; i < 200; i++) {
      const server = servers[i % 2]!;
      const response = await postHit(server, site, { userAgent: ua('two instances', i), headers: from('203.0.113.50') });
      await response.arrayBuffer();
      if (response.status === 202) counted += 1;
      // Sent at a visitor's pace, not a load test's: each instance learns the other's counts with its batches.
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 60));
    }
    // Two separate budgets would count 100; a shared one about 50, give or take one flush of the other.
    assert.ok(counted >= NEW_VISITORS && counted <= NEW_VISITORS + 10, `${counted} counted`);
    await servers[0]!.counter.flush();
    await servers[1]!.counter.flush();
    assertVisitors((await servers[0]!.figures(site)).today.visitors, counted);
  });
});
