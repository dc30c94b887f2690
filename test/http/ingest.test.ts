/**
 * Every ingest answer of docs/api.md ("Counting"), against a real server: each answer, and the
 * stored figures before and after, so a refused request is seen to count nothing.
 */
import { strict as assert } from 'node:assert';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';

describe('ingest: POST /api/v1/hit, GET /api/v1/hit.gif, POST /api/v1/ping', () => {
  let server: TestServer;
  const site = 'long-huu';

  before(async () => {
    server = await startTestServer({ FOOTFALL_RATE_LIMIT: '5' });
    await server.addSite(site, { timezone: 'Asia/Ho_Chi_Minh' });
    await server.addSite('other-site', { origins: ['https://other.example'] });
  });
  after(() => server.close());

  /** Runs `act` and asserts the site's figures did not move. */
  async function countsNothing(act: () => Promise<void>): Promise<void> {
    const before = await server.figures(site, ['/tin-tuc/le-hoi']);
    await act();
    assert.deepEqual(await server.figures(site, ['/tin-tuc/le-hoi']), before);
  }

  async function expectError(response: Response, status: number, code: string): Promise<void> {
    assert.equal(response.status, status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, code);
    assert.ok(body.error.message.length > 10, 'a human message');
    assert.doesNotMatch(body.error.message, /at .*\.ts:\d+/, 'no stack trace');
  }

  it('answers 202 {"counted":true} and counts the view, the visitor and the path', async () => {
    const before = await server.figures(site, ['/tin-tuc/le-hoi']);
    const response = await postHit(server, site, { ip: '1', headers: { 'user-agent': `${BROWSER_UA} one` } });
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { counted: true });
    assert.equal(response.headers.get('access-control-allow-origin'), SITE_ORIGIN);
    const after = await server.figures(site, ['/tin-tuc/le-hoi']);
    assert.equal(after.today.views, before.today.views + 1);
    assert.equal(after.total.views, before.total.views + 1);
    assert.equal(after.today.visitors, before.today.visitors + 1);
    assert.deepEqual(after.pages, [before.pages[0]! + 1], 'query and fragment are not part of the path');
    assert.equal(after.online, before.online + 1);
  });

  it('takes application/json bodies and url-origin when no Origin header is sent', async () => {
    const response = await postHit(server, site, { contentType: 'application/json', origin: null, headers: { 'user-agent': `${BROWSER_UA} two` } });
    assert.equal(response.status, 202);
  });

  it('answers crawlers 200 {"counted":false,"reason":"bot"} and counts nothing', async () => {
    await countsNothing(async () => {
      for (const userAgent of ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'Mozilla/5.0 (compatible; bingbot/2.0)', '']) {
        const response = await postHit(server, site, { userAgent });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { counted: false, reason: 'bot' });
      }
    });
  });

  it('answers prefetches without counting them', async () => {
    await countsNothing(async () => {
      const response = await postHit(server, site, { headers: { 'sec-purpose': 'prefetch;prerender' } });
      assert.deepEqual([response.status, await response.json()], [200, { counted: false, reason: 'prefetch' }]);
    });
  });

  it('refuses invalid bodies with 400 invalid_body naming the problem', async () => {
    await countsNothing(async () => {
      const bodies = [
        'not json',
        JSON.stringify({ site }),
        JSON.stringify({ site, url: 'ftp://longhuu.example.vn/' }),
        JSON.stringify({ site, url: '/relative' }),
        JSON.stringify({ site, url: `${SITE_ORIGIN}/${'x'.repeat(2048)}` }),
        JSON.stringify({ site: 'Bad Site', url: `${SITE_ORIGIN}/` }),
        JSON.stringify([1, 2]),
      ];
      for (const body of bodies) {
        const response = await fetch(`${server.url}/api/v1/hit`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': BROWSER_UA },
          body,
        });
        await expectError(response, 400, 'invalid_body');
      }
    });
    const response = await fetch(`${server.url}/api/v1/hit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN, 'user-agent': BROWSER_UA },
      body: JSON.stringify({ site, url: 42 }),
    });
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /url/);
  });

  it('refuses a foreign origin with 403 origin_not_allowed', async () => {
    await countsNothing(async () => {
      await expectError(await postHit(server, site, { origin: 'https://evil.example' }), 403, 'origin_not_allowed');
      await expectError(await postHit(server, site, { origin: null, url: 'https://evil.example/page' }), 403, 'origin_not_allowed');
      await expectError(await postHit(server, site, { origin: 'null' }), 403, 'origin_not_allowed');
    });
  });

  it('refuses an unknown site with 404 unknown_site', async () => {
    await countsNothing(async () => {
      await expectError(await postHit(server, 'no-such-site'), 404, 'unknown_site');
    });
  });

  it('refuses bodies over 4 KiB with 413 body_too_large', async () => {
    await countsNothing(async () => {
      const response = await fetch(`${server.url}/api/v1/hit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: SITE_ORIGIN, 'user-agent': BROWSER_UA },
        body: JSON.stringify({ site, url: `${SITE_ORIGIN}/`, referrer: 'x'.repeat(5000) }),
      });
      await expectError(response, 413, 'body_too_large');
    });
  });

  it('refuses other media types with 415 unsupported_media_type', async () => {
    await countsNothing(async () => {
      await expectError(await postHit(server, site, { contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
      await expectError(await postHit(server, site, { contentType: 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type');
    });
  });

  it('limits counted views per visitor per minute with 429 rate_limited and Retry-After', async () => {
    const visitor = { 'user-agent': `${BROWSER_UA} eager reader` };
    for (let i = 0; i < 5; i++) assert.equal((await postHit(server, site, { headers: visitor })).status, 202);
    await countsNothing(async () => {
      const response = await postHit(server, site, { headers: visitor });
      const retryAfter = Number(response.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      await expectError(response, 429, 'rate_limited');
    });
    assert.equal((await postHit(server, site, { headers: { 'user-agent': `${BROWSER_UA} another reader` } })).status, 202);
  });

  it('answers the CORS preflight of a JSON fetch', async () => {
    const response = await fetch(`${server.url}/api/v1/hit`, {
      method: 'OPTIONS',
      headers: { origin: SITE_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), SITE_ORIGIN);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/i);
  });

  describe('GET /api/v1/hit.gif', () => {
    async function pixel(query: string, headers: Record<string, string>): Promise<Response> {
      const response = await fetch(`${server.url}/api/v1/hit.gif?${query}`, { headers: { 'user-agent': `${BROWSER_UA} noscript`, ...headers } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/gif');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(Buffer.from(await response.arrayBuffer()).subarray(0, 6).toString(), 'GIF89a');
      return response;
    }

    it('counts a view from a page without JavaScript, its Referer standing for the origin', async () => {
      const before = await server.figures(site, ['/lien-he']);
      await pixel(`site=${site}`, { referer: `${SITE_ORIGIN}/lien-he` });
      const after = await server.figures(site, ['/lien-he']);
      assert.equal(after.today.views, before.today.views + 1);
      assert.deepEqual(after.pages, [before.pages[0]! + 1]);
    });

    it('answers the pixel but counts nothing for a foreign or missing Referer, a bot or an unknown site', async () => {
      await countsNothing(async () => {
        await pixel(`site=${site}&url=${encodeURIComponent(`${SITE_ORIGIN}/`)}`, { referer: 'https://evil.example/' });
        await pixel(`site=${site}`, { referer: `${SITE_ORIGIN}/`, 'user-agent': 'Googlebot/2.1' });
        await pixel('site=nope', { referer: `${SITE_ORIGIN}/` });
        await pixel(`site=${site}`, {});
        // No Referer: the url parameter alone, which any page can write, speaks for no page.
        await pixel(`site=${site}&url=${encodeURIComponent(`${SITE_ORIGIN}/lien-he`)}`, {});
      });
    });
  });

  describe('POST /api/v1/ping', () => {
    async function ping(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
      return fetch(`${server.url}/api/v1/ping`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': `${BROWSER_UA} pinger`, ...headers },
        body: JSON.stringify(body),
      });
    }

    it('answers 204 and keeps the sender online without counting a view', async () => {
      const before = await server.figures(site);
      const response = await ping({ site });
      assert.equal(response.status, 204);
      const after = await server.figures(site);
      assert.equal(after.online, before.online + 1);
      assert.equal(after.today.views, before.today.views);
    });

    it('answers errors like a hit', async () => {
      await countsNothing(async () => {
        await expectError(await ping({ site: 'nope' }), 404, 'unknown_site');
        await expectError(await ping({ site }, { origin: 'https://evil.example' }), 403, 'origin_not_allowed');
        await expectError(await ping({ nope: 1 }), 400, 'invalid_body');
        await expectError(await ping({ site }, { 'content-type': 'image/png' }), 415, 'unsupported_media_type');
      });
    });
  });

  it('shows hits by result in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /footfall_hits_total\{result="counted"\} \d+/);
    assert.match(text, /footfall_hits_total\{result="origin_not_allowed"\} [1-9]/);
    assert.match(text, /footfall_hits_total\{result="rate_limited"\} [1-9]/);
  });
});
