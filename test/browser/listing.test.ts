/**
 * Page slots in real Chromium: a listing page's "Lượt xem" counts, one per article, all on the
 * page's one live connection, and an article that keeps the views its old counter showed.
 */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { hostPage, pageErrors, waitFor, widgetFigures } from '../support/browser.js';
import { browserRig } from '../support/browser-rig.js';
import { postHit } from '../support/server.js';

const SITE = 'long-huu';
const ARTICLES = Array.from({ length: 20 }, (_, i) => `/tin-tuc/${i + 1}`);
/** Imported from the old counter: article N had 100·N views, so every slot has its own figure. */
const BASELINES = ARTICLES.map((path, i) => ({ path, views: 100 * (i + 1) }));
const OLD_ARTICLE = '/tin-tuc/le-hoi-dua-ghe';

const vi = new Intl.NumberFormat('vi-VN');

describe('browser: page slots', () => {
  const rig = browserRig({ FOOTFALL_PUSH_INTERVAL_MS: '250' });

  before(async () => {
    const { server, host } = rig;
    const site = await server.addSite(SITE, { origins: [host.origin], timezone: 'Asia/Ho_Chi_Minh' });
    await server.counter.setPageBaselines(site, [...BASELINES, { path: OLD_ARTICLE, views: 2020 }]);
    const footfall = server.url;
    const items = ARTICLES.map((path, i) => `<li><a href="${path}">Bài ${i + 1}</a> · Lượt xem: <span id="v${i + 1}" data-footfall="page.views" data-path="${path}"></span></li>`);
    host.page(
      '/tin-tuc',
      hostPage({
        footfall,
        site: SITE,
        body: `<ul>${items.join('')}</ul><p>Tổng: <span id="total" data-footfall="total.views"></span></p><footer><div id="w" data-footfall-widget></div></footer>`,
      }),
    );
    // A long listing: one slot more than a connection may ask for, and one path twice.
    const long = Array.from({ length: 51 }, (_, i) => `<span class="n" data-footfall="page.views" data-path="/tin-tuc/${i + 1}">mới</span>`);
    host.page('/tin-tuc/trang-2', hostPage({ footfall, site: SITE, body: `${long.join(' ')} <b id="again" data-footfall="page.views" data-path="/tin-tuc/1"></b>` }));
    host.page('/', hostPage({ footfall, site: SITE, body: `<p>Bài nổi bật · Lượt xem: <span id="featured" data-footfall="page.views" data-path="${OLD_ARTICLE}"></span></p>` }));
    host.page(OLD_ARTICLE, hostPage({ footfall, site: SITE, body: `<article><h1>Lễ hội đua ghe</h1><p>Lượt xem: <span id="views" data-footfall="page.views"></span></p></article>` }));
  });

  /** A new visitor on `url`, recording its errors, live connections and other requests to footfall. */
  async function visit(url: string) {
    const context = await rig.visitor();
    const page = await context.newPage();
    const errors = pageErrors(page);
    const sockets: string[] = [];
    const polls: string[] = [];
    const requests: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('request', (request) => {
      const to = request.url();
      if (!to.startsWith(rig.server.url) || to.endsWith('.js')) return;
      (to.includes('/socket.io/') ? polls : requests).push(to);
    });
    await page.goto(url);
    return { page, errors, sockets, polls, requests };
  }

  const slotTexts = (page: Page) => page.locator(ARTICLES.map((_, i) => `#v${i + 1}`).join(',')).allTextContents();

  it("shows every article's views of a listing page on one live connection, and raises just the ones viewed", async () => {
    const { page, errors, sockets, polls, requests } = await visit(`${rig.host.origin}/tin-tuc`);
    const expected = BASELINES.map(({ views }) => vi.format(views));
    await waitFor('every slot', () => slotTexts(page), (texts) => texts.join() === expected.join());
    const figures = await rig.server.figures(SITE);
    await waitFor('the widget', () => widgetFigures(page, '#w'), (f) => f[3] === vi.format(figures.total.views));
    assert.equal(await page.locator('#total').textContent(), vi.format(figures.total.views));

    // Other visitors read articles 3, 7 and 12: once, twice and three times.
    const viewed = { 3: 1, 7: 2, 12: 3 } as Record<number, number>;
    for (const [n, times] of Object.entries(viewed)) {
      for (let i = 0; i < times; i++) assert.equal((await postHit(rig.server, SITE, { origin: rig.host.origin, url: `${rig.host.origin}/tin-tuc/${n}` })).status, 202);
    }
    const raised = BASELINES.map(({ views }, i) => vi.format(views + (viewed[i + 1] ?? 0)));
    await waitFor('the viewed articles', () => slotTexts(page), (texts) => texts.join() === raised.join());
    assert.deepEqual((await rig.server.figures(SITE, ['/tin-tuc/3', '/tin-tuc/7', '/tin-tuc/12'])).pages, [301, 702, 1203]);

    assert.equal(sockets.length, 1, 'one live connection for the widget, the figure and all 20 slots');
    assert.deepEqual(polls, [], 'no long-polling beside it');
    assert.deepEqual(
      requests.map((to) => new URL(to).pathname),
      ['/api/v1/hit'],
      'no request per slot: only the page view',
    );
    assert.deepEqual(errors, []);
  });

  it('shows the first 50 distinct paths of a long listing, and leaves the rest with their own text', async () => {
    const first50 = Array.from({ length: 50 }, (_, i) => `/tin-tuc/${i + 1}`);
    const expected = (await rig.server.figures(SITE, first50)).pages.map((views) => vi.format(views));
    const { page, errors, sockets } = await visit(`${rig.host.origin}/tin-tuc/trang-2`);
    const shown = await waitFor('the slots', () => page.locator('.n').allTextContents(), (texts) => texts.slice(0, 50).join() === expected.join());
    assert.equal(shown[50], 'mới', 'the 51st path is past what one connection asks for');
    assert.equal(await page.locator('#again').textContent(), expected[0], 'a path shown twice is asked for once and shown twice');
    assert.equal(sockets.length, 1);
    assert.deepEqual(errors, []);
  });

  it('shows the views an article had on its old counter, and the view that follows, live', async () => {
    const featured = await visit(`${rig.host.origin}/`);
    await waitFor('the featured article', () => featured.page.locator('#featured').textContent(), (text) => text === '2.020');

    // The article's own page counts its load, then shows its own views.
    const article = await visit(`${rig.host.origin}${OLD_ARTICLE}`);
    await waitFor('the article', () => article.page.locator('#views').textContent(), (text) => text === '2.021');
    await waitFor('the featured article, live', () => featured.page.locator('#featured').textContent(), (text) => text === '2.021');
    assert.deepEqual((await rig.server.figures(SITE, [OLD_ARTICLE])).pages, [2021]);
    assert.equal(await article.page.locator('p').textContent(), 'Lượt xem: 2.021');
    assert.deepEqual([...featured.errors, ...article.errors], []);
  });
});
