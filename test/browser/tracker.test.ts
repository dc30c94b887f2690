/**
 * The tracker in real Chromium: what it sends (page views, single-page-app navigation, pings)
 * and what it does not (foreign origins, a live connection already keeping the visitor online).
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page, Request } from 'playwright-core';
import { hostPage, pageErrors, waitFor, widgetFigures } from '../support/browser.js';
import { browserRig } from '../support/browser-rig.js';

const SITE = 'long-huu';
/** A Joomla site: its articles are `index.php?…&id=N`, so `id` is part of a page's identity. */
const CMS = 'cms';
const PING_MS = 20_000;

describe('browser: the tracker', () => {
  const rig = browserRig({ FOOTFALL_PUSH_INTERVAL_MS: '250' });

  before(async () => {
    const { server, host } = rig;
    await server.addSite(SITE, { origins: [host.origin] });
    const footfall = server.url;
    host.page('/spa', hostPage({ footfall, site: SITE, body: '<main>single-page app</main>' }));
    host.page('/quiet', hostPage({ footfall, site: SITE, body: '<p>no figures on this page</p>' }));
    await server.addSite(CMS, { origins: [host.origin], pageQuery: ['id'] });
    const cms = (body: string, head = '', tag = '') => hostPage({ footfall, site: CMS, body, head, tag });
    const canonical = (href: string) => `<link rel="canonical" href="${href}">`;
    host.page('/index.php', cms('<p>Lượt xem: <span id="views" data-footfall="page.views"></span></p>'));
    host.page('/ban-in', cms('<p>bản in</p>', canonical('/tin-tuc/ra-quan')));
    host.page('/foreign', cms('<p>bài đăng lại</p>', canonical('https://longhuu.example.vn/tin-tuc/goc')));
    host.page('/named', cms('<p>bài</p>', canonical('/tin-tuc/canon'), 'data-path="/tin-tuc/named"'));
    host.page('/app', cms('<main>app</main>', canonical('/app')));
    host.page(
      '/widget',
      hostPage({ footfall, site: SITE, body: '<p>Xem: <span data-footfall="total.views"></span></p><div id="w" data-footfall-widget></div>' }),
    );
  });

  /** A new visitor on `url`, recording the page's errors and its requests to footfall. */
  async function visit(url: string, options: { fakeClock?: boolean } = {}) {
    const context = await rig.visitor();
    if (options.fakeClock) await context.clock.install();
    const page = await context.newPage();
    const errors = pageErrors(page);
    const sent: Request[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(rig.server.url) && !request.url().includes('.js')) sent.push(request);
    });
    // WebSocket handshakes are no `request` events.
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(url);
    return { page, errors, sent, sockets };
  }

  const to = (sent: Request[], endpoint: string) => sent.filter((request) => request.url().endsWith(`/api/v1/${endpoint}`));
  const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));

  it('counts a single-page-app navigation once per path change', async () => {
    const paths = ['/spa', '/spa/next', '/spa/other'];
    const before = await rig.server.figures(SITE, paths);
    const { page, errors, sent } = await visit(`${rig.host.origin}/spa?ref=mail#top`);
    const counted = (expected: number[]) =>
      waitFor('page views', async () => (await rig.server.figures(SITE, paths)).pages.map((n, i) => n - before.pages[i]!), (got) => got.join() === expected.join());

    await counted([1, 0, 0]);
    // A router pushing the same URL twice, replacing it with a new query, then a fragment.
    await page.evaluate(`history.pushState({}, '', '/spa/next'); history.pushState({}, '', '/spa/next');
      history.replaceState({}, '', '/spa/next?tab=2'); location.hash = 'comments'`);
    await counted([1, 1, 0]);
    // A router that echoes its own pushState with a popstate event.
    await page.evaluate(`history.pushState({}, '', '/spa/other'); dispatchEvent(new PopStateEvent('popstate'))`);
    await counted([1, 1, 1]);
    // Back: a real popstate to /spa/next.
    await page.evaluate('history.back()');
    await counted([1, 2, 1]);
    await settle();
    await counted([1, 2, 1]);

    const bodies = to(sent, 'hit').map((request) => JSON.parse(request.postData() ?? '{}') as { url: string });
    assert.deepEqual(
      bodies.map((body) => body.url),
      [`${rig.host.origin}/spa?ref=mail`, `${rig.host.origin}/spa/next?tab=2`, `${rig.host.origin}/spa/other`, `${rig.host.origin}/spa/next?tab=2`],
      'page URLs keep their query (the server keeps what names a page) and drop their fragment',
    );
    assert.deepEqual(errors, []);
  });

  it("counts a CMS article under the site's pageQuery, and shows its views", async () => {
    const article = '/index.php?option=com_content&view=article&id=123&Itemid=9';
    const { page, errors, sent } = await visit(`${rig.host.origin}${article}#comments`);
    await waitFor('the article', () => page.locator('#views').textContent(), (text) => text === '1');
    assert.deepEqual((await rig.server.figures(CMS, ['/index.php?id=123', '/index.php'])).pages, [1, 0]);
    assert.deepEqual(
      to(sent, 'hit').map((request) => (JSON.parse(request.postData() ?? '{}') as { url: string }).url),
      [`${rig.host.origin}${article}`],
    );
    assert.deepEqual(errors, []);
  });

  it('names the page by data-path on the tag, else a canonical link on its own origin, else the address bar', async () => {
    const paths = ['/ban-in', '/tin-tuc/ra-quan', '/foreign', '/tin-tuc/goc', '/named', '/tin-tuc/canon', '/tin-tuc/named'];
    const counted = async (expected: number[]) =>
      waitFor('page views', async () => (await rig.server.figures(CMS, paths)).pages, (got) => got.join() === expected.join());
    const errors: Error[] = [];
    for (const at of ['/ban-in', '/foreign', '/named']) errors.push(...(await visit(`${rig.host.origin}${at}?utm_source=zalo`)).errors);
    await counted([0, 1, 1, 0, 0, 0, 1]);

    // A single-page app sets the new view's canonical link after changing the URL.
    const app = await visit(`${rig.host.origin}/app`);
    await app.page.evaluate(`history.pushState({}, '', '/app/2');
      setTimeout(() => document.querySelector('link[rel=canonical]').href = '/app/bai-2', 100)`);
    const views = (await waitFor('the app', async () => (await rig.server.figures(CMS, ['/app', '/app/2', '/app/bai-2'])).pages, (got) => got[2] === 1)).join();
    assert.equal(views, '1,0,1');
    assert.deepEqual([...errors, ...app.errors], []);
  });

  it('loads the live part when a single-page app renders a slot after navigating, and follows the path', async () => {
    const { page, errors, sockets } = await visit(`${rig.host.origin}/spa`);
    await waitFor('hit', async () => (await rig.server.figures(SITE, ['/spa'])).pages[0], (n) => (n ?? 0) >= 1);
    assert.equal(sockets.length, 0, 'no figures on the page, no live connection');

    // The app changes the URL first and renders its view a little later.
    await page.evaluate(`history.pushState({}, '', '/spa/late');
      setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<b id="late" data-footfall="page.views"></b>'), 100)`);
    await waitFor('the new view', () => page.locator('#late').textContent(), (text) => text === '1');

    const next = (await rig.server.figures(SITE, ['/spa/next'])).pages[0]!;
    await page.evaluate(`history.pushState({}, '', '/spa/next')`);
    await waitFor('the next path', () => page.locator('#late').textContent(), (text) => text === String(next + 1));
    assert.equal(sockets.length, 2, 'one connection, asked again for the new path');
    assert.deepEqual(errors, []);
  });

  it('counts nothing on an origin the site does not allow, and its widget stays a quiet placeholder', async () => {
    const before = await rig.server.figures(SITE);
    const { page, errors, sent, sockets } = await visit(`${rig.host.otherOrigin}/widget`);
    await page.waitForFunction('window.__footfall && window.__footfall.x === 1');
    const attempts = () => sockets.length + sent.filter((request) => request.url().includes('/socket.io/')).length;
    const tried = attempts();
    await settle(1500);

    assert.deepEqual(await widgetFigures(page, '#w'), ['—', '—', '—', '—']);
    assert.equal(await page.locator('[data-footfall="total.views"]').textContent(), '—');
    assert.equal((await page.locator('#w .box').boundingBox())?.height, 184, 'the placeholder keeps the widget size');
    // Refused at the handshake, before a session: the websocket, then the polling request
    // whose answer says why, and no retry after it.
    assert.ok(tried >= 1 && tried <= 2, `${tried} handshake attempts`);
    assert.equal(attempts(), tried, 'no retry after the refusal');
    const after = await rig.server.figures(SITE);
    assert.equal(after.total.views, before.total.views);
    assert.equal(after.today.views, before.today.views);
    assert.deepEqual(errors, []);
  });

  it('pings every 20 s while visible without a live connection, and not with one', async () => {
    const quiet = await visit(`${rig.host.origin}/quiet`, { fakeClock: true });
    await waitFor('hit', async () => to(quiet.sent, 'hit').length, (n) => n === 1);
    await quiet.page.clock.fastForward(PING_MS + 1000);
    const ping = await waitFor('ping', async () => to(quiet.sent, 'ping'), (pings) => pings.length === 1);
    assert.equal((await ping[0]!.response())?.status(), 204);
    assert.deepEqual(JSON.parse(ping[0]!.postData() ?? ''), { site: SITE });

    const widget = await visit(`${rig.host.origin}/widget`, { fakeClock: true });
    await widget.page.waitForFunction('window.__footfall && window.__footfall.l === true');
    assert.equal(widget.sockets.length, 1, 'live over a websocket');
    assert.equal(widget.sent.filter((request) => request.url().includes('/socket.io/')).length, 0, 'no long-polling needed');
    await widget.page.clock.fastForward(PING_MS + 1000);
    await settle();
    assert.equal(to(widget.sent, 'ping').length, 0, 'the live connection keeps the visitor online');
    assert.deepEqual([...quiet.errors, ...widget.errors], []);
  });

  it('stops pinging once the site refused a ping', async () => {
    const { page, errors, sent } = await visit(`${rig.host.otherOrigin}/quiet`, { fakeClock: true });
    await waitFor('hit', async () => to(sent, 'hit').length, (n) => n === 1);
    await page.clock.fastForward(PING_MS + 1000);
    await page.waitForFunction('window.__footfall.x === 1');
    assert.equal((await to(sent, 'ping')[0]!.response())?.status(), 403);
    await page.clock.fastForward(PING_MS + 1000);
    await settle();
    assert.equal(to(sent, 'ping').length, 1);
    assert.deepEqual(errors, []);
  });

  it('sends nothing from a file: page, or when the page opts out', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'footfall-file-'));
    try {
      const file = path.join(dir, 'saved-page.html');
      await writeFile(file, hostPage({ footfall: rig.server.url, site: SITE, body: '<div data-footfall-widget></div>' }));
      const tag = `<script async src="${rig.server.url}/footfall.js" data-site="${SITE}" data-footfall-off></script>`;
      rig.host.page('/off-by-attribute', `<!doctype html><html><body><div data-footfall-widget></div>${tag}</body></html>`);

      const cases: Array<[string, string | undefined]> = [
        [pathToFileURL(file).href, undefined],
        [`${rig.host.origin}/off-by-attribute`, undefined],
        [`${rig.host.origin}/widget`, 'window.footfallOff = true'],
      ];
      for (const [url, init] of cases) {
        const context = await rig.visitor();
        if (init) await context.addInitScript(init);
        const page: Page = await context.newPage();
        const errors = pageErrors(page);
        const sent: string[] = [];
        page.on('request', (request) => void (request.url().startsWith(rig.server.url) && !request.url().endsWith('/footfall.js') && sent.push(request.url())));
        page.on('websocket', (socket) => sent.push(socket.url()));
        await page.goto(url);
        await settle();
        assert.deepEqual(sent, [], url);
        assert.deepEqual(errors, []);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
