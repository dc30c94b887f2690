/** Public reads, health and metrics against a real server. */
import { strict as assert } from 'node:assert';
import { postHit, startTestServer, type TestServer } from '../support/server.js';

describe('reads: counts, badge, health', () => {
  let server: TestServer;
  const site = 'long-huu';

  before(async () => {
    server = await startTestServer({ FOOTFALL_PUSH_INTERVAL_MS: '200' });
    await server.addSite(site, { timezone: 'Asia/Ho_Chi_Minh', baseline: { views: 1000, visitors: 100 } });
    for (let i = 0; i < 3; i++) await postHit(server, site, { headers: { 'user-agent': `Mozilla/5.0 Chrome/131 visitor ${i}` } });
    await server.counter.flush();
  });
  after(() => server.close());

  it('GET counts returns the counts payload of docs/api.md with the baseline in all-time figures', async () => {
    const response = await fetch(`${server.url}/api/v1/sites/${site}/counts`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=1');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['site', 'at', 'timezone', 'online', 'today', 'yesterday', 'week', 'month', 'year', 'total']);
    assert.equal(body.site, site);
    assert.equal(body.timezone, 'Asia/Ho_Chi_Minh');
    assert.ok(!Number.isNaN(Date.parse(String(body.at))));
    assert.deepEqual(Object.keys(body.today as object), ['date', 'views', 'visitors']);
    assert.deepEqual(Object.keys(body.week as object), ['label', 'start', 'views', 'visitors']);
    assert.deepEqual(body.total, { views: 1003, visitors: 103 });
    assert.match((body.week as { label: string }).label, /^\d{4}-W\d{2}$/);
    const today = body.today as { date: string };
    const yesterday = new Date(Date.parse(`${today.date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(body.yesterday, { date: yesterday, views: 0, visitors: 0 });
    assert.deepEqual(body.month, { label: today.date.slice(0, 7), views: 3, visitors: 3 });
    assert.deepEqual(body.year, { label: today.date.slice(0, 4), views: 3, visitors: 3 });
  });

  it('GET counts?path=&path= answers pages in the order asked, at most 50', async () => {
    const paths = ['/lien-he', '/tin-tuc/le-hoi', '/tin-tuc/le-hoi?utm_source=zalo'];
    const query = paths.map((path) => `path=${encodeURIComponent(path)}`).join('&');
    const body = (await (await fetch(`${server.url}/api/v1/sites/${site}/counts?${query}`)).json()) as { page?: unknown; pages: unknown };
    assert.equal(body.page, undefined);
    assert.deepEqual(body.pages, [
      { path: '/lien-he', views: 0 },
      { path: '/tin-tuc/le-hoi', views: 3 },
      { path: '/tin-tuc/le-hoi', views: 3 },
    ]);
    const many = Array.from({ length: 51 }, (_, i) => `path=/p${i}`).join('&');
    const refused = await fetch(`${server.url}/api/v1/sites/${site}/counts?${many}`);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid_query');
  });

  it('GET counts?path= adds the all-time views of that path', async () => {
    const response = await fetch(`${server.url}/api/v1/sites/${site}/counts?path=${encodeURIComponent('/tin-tuc/le-hoi?x=1#y')}`);
    const body = (await response.json()) as { page: unknown };
    assert.deepEqual(body.page, { path: '/tin-tuc/le-hoi', views: 3 });
    const bad = await fetch(`${server.url}/api/v1/sites/${site}/counts?path=nope`);
    assert.equal(bad.status, 400);
  });

  it('serves counts from a cache at most one push interval old', async () => {
    const first = (await (await fetch(`${server.url}/api/v1/sites/${site}/counts`)).json()) as { total: { views: number } };
    await postHit(server, site, { headers: { 'user-agent': 'Mozilla/5.0 Chrome/131 late visitor' } });
    await server.counter.flush();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const later = (await (await fetch(`${server.url}/api/v1/sites/${site}/counts`)).json()) as { total: { views: number } };
    assert.equal(later.total.views, first.total.views + 1);
  });

  it('GET counts of an unknown site is 404 unknown_site', async () => {
    const response = await fetch(`${server.url}/api/v1/sites/nope/counts`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unknown_site');
  });

  it('GET badge.svg draws one figure with the label escaped', async () => {
    const response = await fetch(`${server.url}/api/v1/sites/${site}/badge.svg?metric=total.views&label=${encodeURIComponent('<script>"x"</script>')}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    const svg = await response.text();
    assert.ok(svg.startsWith('<svg'));
    assert.ok(!svg.includes('<script>'), 'label is escaped');
    assert.match(svg, /&#60;script&#62;/);
    assert.match(svg, />1,00\d</);
    const bad = await fetch(`${server.url}/api/v1/sites/${site}/badge.svg?metric=nope`);
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${server.url}/api/v1/sites/nope/badge.svg`)).status, 404);
  });

  it('GET badge.svg drops control characters from the label, so the SVG stays valid XML', async () => {
    const label = 'Lượt\u0000xem\u001b[31m\r\n\u0085 tất cả';
    const response = await fetch(`${server.url}/api/v1/sites/${site}/badge.svg?label=${encodeURIComponent(label)}`);
    assert.equal(response.status, 200);
    const svg = await response.text();
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(svg, /[\u0000-\u001f\u007f-\u009f]/);
    assert.match(svg, /<text x="[\d.]+" y="14">Lượtxem\[31m tất cả<\/text>/);
  });

  it('GET /healthz and /readyz answer 200 while the store answers', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { status: string; connection: string };
    assert.equal(body.status, 'ready');
    assert.equal(body.connection, 'ready');
  });

  it('GET /metrics is Prometheus text with the footfall series', async () => {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    for (const name of ['footfall_hits_total', 'footfall_flush_duration_seconds', 'footfall_store_errors_total', 'footfall_live_connections', 'footfall_pushes_total']) {
      assert.ok(text.includes(name), name);
    }
  });

  it('answers unknown addresses with a JSON 404', async () => {
    const response = await fetch(`${server.url}/api/v1/nothing-here`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found');
  });
});
