/** Live connections: real Socket.IO clients against a real server. */
import { strict as assert } from 'node:assert';
import { FootfallClient, FootfallLiveError, type CountsPayload, type FollowOptions } from '../../src/client/index.js';
import { connectClient, handshakeAnswer, refusalOf, type LiveClient } from '../support/live-client.js';
import { BROWSER_UA, postHit, SITE_ORIGIN, startTestServer, type TestServer } from '../support/server.js';

/** The origin of another site on the same server: a known origin, but not `site`'s. */
const OTHER_ORIGIN = 'https://other-site.example';

const INTERVAL_MS = 250;

describe('live counts over Socket.IO', () => {
  let server: TestServer;
  const site = 'long-huu';
  const clients: LiveClient[] = [];

  before(async () => {
    server = await startTestServer({ FOOTFALL_PUSH_INTERVAL_MS: String(INTERVAL_MS), FOOTFALL_ONLINE_WINDOW_S: '2' });
    await server.addSite(site);
    await server.addSite('other-site', { origins: [OTHER_ORIGIN] });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  after(() => server.close());

  async function client(options: Parameters<typeof connectClient>[2] = {}): Promise<LiveClient> {
    const opened = await connectClient(server.url, site, options);
    clients.push(opened);
    return opened;
  }

  it('refuses a handshake from an origin no site has before a session exists', async () => {
    assert.deepEqual(await handshakeAnswer(server.url, { origin: 'https://evil.example' }), { status: 403, message: 'origin_not_allowed' });
    assert.deepEqual(await handshakeAnswer(server.url, { origin: SITE_ORIGIN }), { status: 200 });
    // A socket.io client sees its transport refused (and would retry with backoff).
    for (const transport of ['websocket', 'polling'] as const) await refusalOf(server.url, site, { origin: 'https://evil.example', transports: [transport] });
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses another site's origin and an unknown site on the ${transport} transport`, async () => {
      assert.equal(await refusalOf(server.url, site, { origin: OTHER_ORIGIN, transports: [transport] }), 'origin_not_allowed');
      assert.equal(await refusalOf(server.url, 'no-such-site', { transports: [transport] }), 'unknown_site');
    });
  }

  it('sends counts at once on connect, with page views when a path is given (through footfall/client)', async () => {
    const footfall = new FootfallClient(server.url);
    const follow = (options: FollowOptions) =>
      new Promise<CountsPayload>((resolve, reject) => {
        const subscription = footfall.follow(site, (counts) => {
          subscription.close();
          resolve(counts);
        }, { origin: SITE_ORIGIN, userAgent: BROWSER_UA, reconnection: false, ...options });
        subscription.ready.catch(reject);
      });
    const first = await follow({});
    assert.equal(first.site, site);
    assert.equal(first.page, undefined);
    const withPage = await follow({ path: '/tin-tuc/le-hoi?x=1' });
    assert.deepEqual(withPage.page?.path, '/tin-tuc/le-hoi');
    const refused = footfall.follow(site, () => undefined, { origin: OTHER_ORIGIN, reconnection: false });
    await assert.rejects(refused.ready, (error: unknown) => error instanceof FootfallLiveError && error.code === 'origin_not_allowed' && /not one of the origins/.test(error.message));
    refused.close();
  });

  it('pushes a burst of 500 hits in at most (duration / interval + 1) events and ends exact', async () => {
    const watcher = await client({ path: '/tin-tuc/le-hoi' });
    await watcher.waitFor(() => true, 2000);
    const before = await server.figures(site, ['/tin-tuc/le-hoi']);
    const eventsBefore = watcher.received.length;
    const started = Date.now();
    const batches = [];
    for (let i = 0; i < 500; i++) batches.push(postHit(server, site, { headers: { 'user-agent': `${BROWSER_UA} burst ${i % 50}` } }));
    const answers = await Promise.all(batches);
    assert.ok(answers.every((response) => response.status === 202));
    const expected = before.total.views + 500;
    const final = await watcher.waitFor((counts) => counts.total.views === expected, 5000);
    const duration = Date.now() - started;
    const pushes = watcher.received.length - eventsBefore;
    assert.ok(pushes <= Math.ceil(duration / INTERVAL_MS) + 1, `${pushes} pushes in ${duration} ms`);
    assert.equal(final.today.views, before.today.views + 500);
    assert.equal(final.page?.views, before.pages[0]! + 500);
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS));
    assert.equal(watcher.received.at(-1)?.total.views, expected, 'nothing after the final figures but the same figures');
  });

  it('keeps three connected visitors online and drops them after they disconnect', async () => {
    const quiet = 'quiet-site';
    await server.addSite(quiet);
    const watcher = await connectClient(server.url, quiet, { userAgent: `${BROWSER_UA} watcher` });
    clients.push(watcher);
    await watcher.waitFor((counts) => counts.online === 1, 3000);
    const visitors = await Promise.all([1, 2, 3].map((n) => connectClient(server.url, quiet, { userAgent: `${BROWSER_UA} reader ${n}` })));
    await watcher.waitFor((counts) => counts.online === 4, 3000);
    // Heartbeats keep them online past the 2 s window.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await server.figures(quiet)).online, 4);
    const mark = watcher.received.length;
    for (const visitor of visitors) visitor.close();
    const dropped = Date.now();
    await watcher.waitFor((counts) => counts.online === 1, 2000 + 5 * INTERVAL_MS + 3000, mark);
    assert.ok(Date.now() - dropped >= 1000, 'they stay until their last heartbeat leaves the window');
  });

  it('reads the store once per site per interval, whatever the number of sockets', async () => {
    const many = await Promise.all(Array.from({ length: 30 }, (_, n) => client({ userAgent: `${BROWSER_UA} crowd ${n}` })));
    await Promise.all(many.map((c) => c.waitFor(() => true, 3000)));
    const store = server.store;
    const original = store.readFigures.bind(store);
    let reads = 0;
    store.readFigures = (query) => {
      reads += 1;
      return original(query);
    };
    try {
      await postHit(server, site);
      await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL_MS));
    } finally {
      store.readFigures = original;
    }
    assert.ok(reads >= 1 && reads <= 5, `${reads} reads in 4 intervals for 30 sockets`);
  });
});
