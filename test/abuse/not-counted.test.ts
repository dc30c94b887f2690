/**
 * What must never count as a page view: crawlers and scripts (a corpus of real User-Agents),
 * requests without a User-Agent, speculative loads (prefetch / prerender) and hits from an
 * origin that is not the site's — over all three ingest routes, with the figures read before
 * and after. Real browsers, Vietnamese ones included, are the control: each of them counts.
 */
import { strict as assert } from 'node:assert';
import { metricValue } from '../support/metrics-text.js';
import { plainRequest } from '../support/raw-http.js';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';
import { BROWSERS, CRAWLERS } from '../support/user-agents.js';

const SITE = 'long-huu';
const PAGE = `${SITE_ORIGIN}/tin-tuc/le-hoi`;

describe('abuse: hits that are not counted', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await server.addSite(SITE, { timezone: 'Asia/Ho_Chi_Minh' });
  });
  after(() => server?.close());

  /** Every figure a widget shows, and the page's views. */
  async function snapshot() {
    const { today, week, total, online, pages } = await server.figures(SITE, ['/tin-tuc/le-hoi']);
    return { today, week, total, online, pages };
  }

  /** Runs `act`, then asserts no figure of the site moved. */
  async function countsNothing(act: () => Promise<void>): Promise<void> {
    const before = await snapshot();
    await act();
    assert.deepEqual(await snapshot(), before);
  }

  function pixel(headers: Record<string, string>, query = `site=${SITE}`): Promise<Response> {
    return fetch(`${server.url}/api/v1/hit.gif?${query}`, { headers: { referer: PAGE, ...headers } });
  }

  function ping(headers: Record<string, string>): Promise<Response> {
    return fetch(`${server.url}/api/v1/ping`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE_ORIGIN, ...headers },
      body: JSON.stringify({ site: SITE }),
    });
  }

  describe('crawlers and scripts', () => {
    it(`has a corpus of at least 30 real crawler User-Agents (${CRAWLERS.length})`, () => {
      assert.ok(CRAWLERS.length >= 30);
      for (const name of ['Googlebot', 'Bingbot', 'YandexBot', 'Baiduspider', 'coccocbot-web', 'AhrefsBot', 'SemrushBot', 'facebookexternalhit',
        'Twitterbot', 'curl', 'Wget', 'python-requests', 'Go-http-client', 'HeadlessChrome', 'Lighthouse', 'GPTBot', 'ClaudeBot', 'Applebot',
        'DuckDuckBot', 'PetalBot']) {
        assert.ok(CRAWLERS.some(([known]) => known === name), name);
      }
    });

    it('answers every crawler 200 {"counted":false,"reason":"bot"} on POST /hit and counts none of them', async () => {
      const botsBefore = await metricValue(server.url, 'footfall_hits_total', { result: 'bot' });
      await countsNothing(async () => {
        for (const [name, userAgent] of CRAWLERS) {
          const response = await postHit(server, SITE, { userAgent, url: PAGE });
          assert.equal(response.status, 200, name);
          assert.deepEqual(await response.json(), { counted: false, reason: 'bot' }, name);
        }
      });
      assert.equal(await metricValue(server.url, 'footfall_hits_total', { result: 'bot' }), botsBefore + CRAWLERS.length);
    });

    it('counts no crawler through the no-script pixel, and a crawler\'s ping makes no one online', async () => {
      await countsNothing(async () => {
        for (const [name, userAgent] of CRAWLERS) {
          const gif = await pixel({ 'user-agent': userAgent });
          assert.equal(gif.status, 200, name);
          assert.equal(gif.headers.get('content-type'), 'image/gif', name);
          assert.equal((await ping({ 'user-agent': userAgent })).status, 204, name);
        }
      });
    });

    it('counts each real browser once (the control: Cốc Cốc is not coccocbot, Zalo is not a bot)', async () => {
      const before = await snapshot();
      for (const [name, userAgent] of BROWSERS) {
        const response = await postHit(server, SITE, { userAgent, url: PAGE });
        assert.equal(response.status, 202, name);
        assert.deepEqual(await response.json(), { counted: true }, name);
      }
      const after = await snapshot();
      assert.equal(after.today.views, before.today.views + BROWSERS.length);
      assert.equal(after.today.visitors, before.today.visitors + BROWSERS.length);
      assert.deepEqual(after.pages, [before.pages[0]! + BROWSERS.length]);
    });
  });

  describe('requests without a User-Agent', () => {
    it('does not count an empty User-Agent, a blank one, or none at all (POST /hit, pixel, ping)', async () => {
      await countsNothing(async () => {
        const body = JSON.stringify({ site: SITE, url: PAGE });
        const sent: Array<Record<string, string>> = [{ 'user-agent': '' }, { 'user-agent': '   ' }, {}];
        for (const userAgent of sent) {
          const hit = await plainRequest(server.port, {
            method: 'POST',
            path: '/api/v1/hit',
            headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE_ORIGIN, ...userAgent },
            body,
          });
          assert.equal(hit.status, 200, JSON.stringify(userAgent));
          assert.deepEqual(JSON.parse(hit.body), { counted: false, reason: 'bot' });
          const gif = await plainRequest(server.port, { path: `/api/v1/hit.gif?site=${SITE}`, headers: { referer: PAGE, ...userAgent } });
          assert.equal(gif.status, 200);
          const pinged = await plainRequest(server.port, {
            method: 'POST',
            path: '/api/v1/ping',
            headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, ...userAgent },
            body: JSON.stringify({ site: SITE }),
          });
          assert.equal(pinged.status, 204);
        }
      });
    });
  });

  describe('prefetch and prerender', () => {
    const SPECULATIVE: Array<Record<string, string>> = [
      { 'sec-purpose': 'prefetch' },
      { purpose: 'prefetch' },
      { 'sec-purpose': 'prefetch;prerender' },
      { 'x-moz': 'prefetch' },
      { 'sec-purpose': 'prefetch;anonymous-client-ip' },
      { purpose: 'Prefetch' },
    ];

    it('answers 200 {"counted":false,"reason":"prefetch"} and counts nothing', async () => {
      await countsNothing(async () => {
        for (const headers of SPECULATIVE) {
          const response = await postHit(server, SITE, { headers: { ...headers, 'user-agent': `${BROWSER_UA} prefetching` }, url: PAGE });
          assert.equal(response.status, 200, JSON.stringify(headers));
          assert.deepEqual(await response.json(), { counted: false, reason: 'prefetch' }, JSON.stringify(headers));
        }
      });
    });

    it('counts no prefetched pixel, and a prefetched ping makes no one online', async () => {
      await countsNothing(async () => {
        for (const headers of SPECULATIVE) {
          assert.equal((await pixel({ ...headers, 'user-agent': `${BROWSER_UA} prefetch pixel` })).status, 200);
          assert.equal((await ping({ ...headers, 'user-agent': `${BROWSER_UA} prefetch ping` })).status, 204);
        }
      });
    });
  });

  describe('origins that are not the site\'s', () => {
    /** Pages on origins near the site's: scheme, port, subdomain, suffix and prefix differ. */
    const FOREIGN_PAGES = [
      'https://evil.example',
      'http://longhuu.example.vn',
      'https://longhuu.example.vn:8443',
      'https://www.longhuu.example.vn',
      'https://longhuu.example.vn.evil.example',
      'https://evil-longhuu.example.vn',
    ];
    /** Origin headers: the above, and values no browser sends for the site's pages. */
    const FOREIGN = [...FOREIGN_PAGES, 'https://longhuu.example.vn/', 'HTTPS://LONGHUU.EXAMPLE.VN', 'null', ''];

    it('uses only page origins that really are foreign', () => {
      for (const origin of FOREIGN_PAGES) assert.notEqual(new URL(`${origin}/x`).origin, SITE_ORIGIN);
    });

    it('refuses a foreign Origin header with 403 origin_not_allowed and counts nothing', async () => {
      const refusedBefore = await metricValue(server.url, 'footfall_hits_total', { result: 'origin_not_allowed' });
      await countsNothing(async () => {
        for (const origin of FOREIGN) {
          const response = await postHit(server, SITE, { origin, url: PAGE, headers: { 'user-agent': `${BROWSER_UA} foreign` } });
          assert.equal(response.status, 403, JSON.stringify(origin));
          assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'origin_not_allowed');
        }
      });
      assert.equal(await metricValue(server.url, 'footfall_hits_total', { result: 'origin_not_allowed' }), refusedBefore + FOREIGN.length);
    });

    it('refuses a hit without Origin whose url is on another origin', async () => {
      await countsNothing(async () => {
        for (const origin of FOREIGN_PAGES) {
          const response = await postHit(server, SITE, { origin: null, url: `${origin}/tin-tuc/le-hoi` });
          assert.equal(response.status, 403, origin);
        }
      });
    });

    it('counts no pixel with a foreign Referer (or none), and a foreign ping is refused 403', async () => {
      await countsNothing(async () => {
        for (const origin of FOREIGN_PAGES) {
          const page = `${origin}/tin-tuc/le-hoi`;
          assert.equal((await pixel({ referer: page, 'user-agent': `${BROWSER_UA} foreign pixel` })).status, 200);
          // The url parameter may name the site's page; the Referer (the page that embeds the pixel) decides.
          assert.equal((await pixel({ referer: page }, `site=${SITE}&url=${encodeURIComponent(PAGE)}`)).status, 200);
          assert.equal((await ping({ origin, 'user-agent': `${BROWSER_UA} foreign ping` })).status, 403);
        }
        const noReferer = await fetch(`${server.url}/api/v1/hit.gif?site=${SITE}&url=${encodeURIComponent('https://evil.example/')}`, {
          headers: { 'user-agent': BROWSER_UA },
        });
        assert.equal(noReferer.status, 200);
      });
    });
  });
});
