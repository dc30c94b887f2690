/**
 * `FOOTFALL_RESPECT_DNT`: when on, a hit with `DNT: 1` or `Sec-GPC: 1` counts as a view but
 * gets no visitor id — it is in no visitors figure and keeps no one online, and neither does a
 * ping or a live connection that asks not to be tracked. When off (the default), such hits count
 * like any other. Over HTTP and Socket.IO, against real servers.
 */
import { strict as assert } from 'node:assert';
import { setTimeout as delay } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { loadConfig } from '../../src/config/config.js';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';
const OPT_OUTS: Array<[string, Record<string, string>]> = [
  ['DNT: 1', { dnt: '1' }],
  ['Sec-GPC: 1', { 'sec-gpc': '1' }],
  ['both', { dnt: '1', 'sec-gpc': '1' }],
];

/** The figures a visitor id feeds, and the views. */
async function figuresOf(server: TestServer) {
  const { today, week, total, online } = await server.figures(SITE, []);
  return { views: today.views, weekViews: week.views, totalViews: total.views, visitors: today.visitors, weekVisitors: week.visitors, totalVisitors: total.visitors, online };
}

function ping(server: TestServer, userAgent: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/api/v1/ping`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': userAgent, ...headers },
    body: JSON.stringify({ site: SITE }),
  });
}

/** Opens a live connection with extra request headers; resolves once connected. */
async function liveConnection(server: TestServer, userAgent: string, headers: Record<string, string>) {
  const socket = io(server.url, {
    auth: { site: SITE },
    transports: ['websocket'],
    extraHeaders: { origin: SITE_ORIGIN, 'user-agent': userAgent, ...headers },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('privacy: FOOTFALL_RESPECT_DNT', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('is off by default', () => {
    assert.equal(loadConfig({}).respectDnt, false);
  });

  describe('on', () => {
    beforeEach(async () => {
      server = await startTestServer({ FOOTFALL_RESPECT_DNT: '1' });
      await server.addSite(SITE);
    });

    for (const [name, headers] of OPT_OUTS) {
      it(`counts a hit with ${name} as a view without a visitor, and keeps no one online`, async () => {
        const before = await figuresOf(server);
        const response = await postHit(server, SITE, { headers: { ...headers, 'user-agent': `${BROWSER_UA} private ${name}` } });
        assert.equal(response.status, 202);
        assert.deepEqual(await response.json(), { counted: true });
        assert.deepEqual(await figuresOf(server), {
          ...before,
          views: before.views + 1,
          weekViews: before.weekViews + 1,
          totalViews: before.totalViews + 1,
        });
      });
    }

    it('lets a ping that asks not to be tracked make no one online', async () => {
      const before = await figuresOf(server);
      for (const [name, headers] of OPT_OUTS) assert.equal((await ping(server, `${BROWSER_UA} private ping ${name}`, headers)).status, 204);
      assert.deepEqual(await figuresOf(server), before);
    });

    it('lets a live connection that asks not to be tracked make no one online (and one that does not, online)', async () => {
      const before = await figuresOf(server);
      const privateSocket = await liveConnection(server, `${BROWSER_UA} private reader`, { dnt: '1' });
      const gpcSocket = await liveConnection(server, `${BROWSER_UA} gpc reader`, { 'sec-gpc': '1' });
      try {
        await delay(100);
        assert.equal((await figuresOf(server)).online, before.online);
        const openSocket = await liveConnection(server, `${BROWSER_UA} open reader`, {});
        try {
          await delay(100);
          assert.equal((await figuresOf(server)).online, before.online + 1, 'the control: a connection without DNT is online');
        } finally {
          openSocket.disconnect();
        }
      } finally {
        privateSocket.disconnect();
        gpcSocket.disconnect();
      }
    });

    it('still counts a hit without DNT with its visitor, and DNT: 0 is no opt-out', async () => {
      const before = await figuresOf(server);
      assert.equal((await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} tracked` } })).status, 202);
      assert.equal((await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} dnt zero`, dnt: '0', 'sec-gpc': '0' } })).status, 202);
      const after = await figuresOf(server);
      assert.equal(after.views, before.views + 2);
      assert.equal(after.visitors, before.visitors + 2);
      assert.equal(after.totalVisitors, before.totalVisitors + 2);
      assert.equal(after.online, before.online + 2);
    });
  });

  describe('off (the default)', () => {
    beforeEach(async () => {
      server = await startTestServer();
      await server.addSite(SITE);
    });

    it('counts hits with DNT: 1 or Sec-GPC: 1 normally, each with its visitor, online', async () => {
      const before = await figuresOf(server);
      for (const [name, headers] of OPT_OUTS) {
        assert.equal((await postHit(server, SITE, { headers: { ...headers, 'user-agent': `${BROWSER_UA} not honoured ${name}` } })).status, 202);
      }
      const n = OPT_OUTS.length;
      assert.deepEqual(await figuresOf(server), {
        views: before.views + n,
        weekViews: before.weekViews + n,
        totalViews: before.totalViews + n,
        visitors: before.visitors + n,
        weekVisitors: before.weekVisitors + n,
        totalVisitors: before.totalVisitors + n,
        online: before.online + n,
      });
    });

    it('keeps a pinging visitor with DNT: 1 online', async () => {
      const before = await figuresOf(server);
      assert.equal((await ping(server, `${BROWSER_UA} dnt ping`, { dnt: '1' })).status, 204);
      assert.equal((await figuresOf(server)).online, before.online + 1);
    });
  });
});
