/**
 * The footer widget and the figure slots in real Chromium, on a site served from another
 * origin than footfall, as a municipal site embeds it.
 */
import { strict as assert } from 'node:assert';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { hostPage, newVisitor, pageErrors, SCREENSHOT_DIR, screenshotOf, waitFor, widgetFigures, widgetLabels } from '../support/browser.js';
import { browserRig } from '../support/browser-rig.js';

const SITE = 'long-huu';
const ARTICLE = '/tin-tuc/ra-quan-nao-vet';
const BASELINE = { views: 1_234_566, visitors: 45_000 };
/**
 * The height pages reserve (client-snippet/src/widget.css): the title 40 px, the list's padding
 * 14 px, 32 px per row and the 2 px border; 184 px for the default four rows.
 */
const heightFor = (rows: number) => 40 + 14 + 32 * rows + 2;
const WIDGET_HEIGHT = heightFor(4);
const ALL_ROWS = 'online,today,yesterday,week,month,year,total';
/** `--bg` of the light and dark themes (client-snippet/src/widget.css). */
const LIGHT_BACKGROUND = 'rgb(255, 255, 255)';
const DARK_BACKGROUND = 'rgb(24, 33, 45)';

describe('browser: the footer widget', () => {
  const rig = browserRig({ FOOTFALL_PUSH_INTERVAL_MS: '250' });

  before(async () => {
    const { server, host } = rig;
    await server.addSite(SITE, { origins: [host.origin], timezone: 'Asia/Ho_Chi_Minh', baseline: BASELINE });
    const footfall = server.url;
    host.page(
      ARTICLE,
      hostPage({
        footfall,
        site: SITE,
        body: `<article><h1>Ra quân nạo vét kênh mương</h1>
          <p>Lượt xem bài viết: <b id="page-views" data-footfall="page.views"></b> ·
             Hôm nay: <span id="today" data-footfall="today.views"></span> ·
             All-time (en): <span id="total-en" data-footfall="total.views" data-lang="en"></span></p></article>
          <footer><div id="vi" data-footfall-widget data-lang="vi"></div></footer>`,
      }),
    );
    host.page(
      '/en',
      hostPage({
        footfall,
        site: SITE,
        lang: 'en-GB',
        body: `<footer style="padding:16px;background:#0f1722"><div id="en" data-footfall-widget data-metric="visitors" data-theme="auto"></div></footer>`,
      }),
    );
    host.page(
      '/rows',
      hostPage({
        footfall,
        site: SITE,
        body: `<footer><div id="vi7" data-footfall-widget data-lang="vi" data-rows="${ALL_ROWS}"></div>
          <div id="en7" data-footfall-widget data-lang="en" data-rows="${ALL_ROWS}"></div>
          <div id="two" data-footfall-widget data-rows="total,today" data-metric="visitors"></div></footer>`,
      }),
    );
    const widgetOnly = `<div id="w" data-footfall-widget data-lang="vi"></div><p>Nội dung trang</p>`;
    host.page('/plain', hostPage({ footfall, site: SITE, body: widgetOnly }));
    host.page(
      '/hostile',
      hostPage({
        footfall,
        site: SITE,
        // Everything a careless theme does to "all divs", outside the widget.
        head: `<style>
          * { color: red !important; font-size: 40px !important; font-family: serif !important; line-height: 3 !important;
              letter-spacing: 4px !important; text-transform: lowercase !important; text-align: center !important;
              padding: 9px !important; margin: 7px !important; border: 3px solid lime !important; box-sizing: content-box !important; }
          div, span, dl, dt, dd, p { display: none !important; visibility: hidden !important; width: 50px !important; height: 10px !important; }
          :root { font-size: 40px !important; }
        </style>`,
        body: widgetOnly,
      }),
    );
  });

  /** A new visitor on `url`; `init` runs in the page before any of its scripts. */
  async function visit(url: string, options: Parameters<typeof newVisitor>[1] = {}, init?: string): Promise<{ page: Page; errors: Error[] }> {
    const context = await rig.visitor(options);
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(url);
    return { page, errors };
  }

  const total = (views: number) => new Intl.NumberFormat('vi-VN').format(views);

  it('loads from another origin, counts the view, and shows the figures in Vietnamese', async () => {
    const before = await rig.server.figures(SITE);
    const { page, errors } = await visit(`${rig.host.origin}${ARTICLE}`);

    const shown = await waitFor('widget figures', () => widgetFigures(page, '#vi'), (f) => f[3] === total(before.total.views + 1));
    assert.equal(total(BASELINE.views + 1), '1.234.567');
    assert.deepEqual(await widgetLabels(page, '#vi'), ['Thống kê truy cập', 'Đang online', 'Hôm nay', 'Trong tuần', 'Tất cả']);
    const after = await rig.server.figures(SITE, [ARTICLE]);
    assert.deepEqual(shown, [String(after.online), total(after.today.views), total(after.week.views), total(after.total.views)]);
    assert.equal(after.total.views, before.total.views + 1);
    assert.equal(after.pages[0], 1);

    // Slots: page.views of this path, and each slot in its own language.
    await waitFor('slots', () => page.locator('#page-views, #today, #total-en').allTextContents(), (t) => t[0] === '1');
    assert.deepEqual(await page.locator('#page-views, #today, #total-en').allTextContents(), [
      '1',
      total(after.today.views),
      new Intl.NumberFormat('en-US').format(after.total.views),
    ]);

    assert.equal((await page.locator('#vi .box').boundingBox())?.height, WIDGET_HEIGHT);
    assert.deepEqual(errors, []);
    await screenshotOf(page, '#vi .box', 'widget-vi.png');
  });

  it('holds no cookie and nothing in localStorage or sessionStorage after a visit', async () => {
    const { page } = await visit(`${rig.host.origin}${ARTICLE}`);
    await waitFor('figures', () => widgetFigures(page, '#vi'), (f) => f[3] !== '—');
    assert.deepEqual(await page.context().cookies(), []);
    assert.deepEqual(await page.evaluate('[document.cookie, localStorage.length, sessionStorage.length]'), ['', 0, 0]);
  });

  it("raises an open page's widget when another visitor views a page, without a reload or a shout", async () => {
    // Counts the widget's rise animations (Web Animations API) in the page.
    const countRises = `window.rises = 0; const animate = Element.prototype.animate;
      Element.prototype.animate = function (...args) { window.rises++; return animate.apply(this, args); };`;
    const { page } = await visit(`${rig.host.origin}/plain`, {}, countRises);
    const still = await visit(`${rig.host.origin}/plain`, { reducedMotion: 'reduce' }, countRises);
    const before = await rig.server.figures(SITE);
    for (const open of [page, still.page]) await waitFor('figures', () => widgetFigures(open, '#w'), (f) => f[3] === total(before.total.views));

    await visit(`${rig.host.origin}${ARTICLE}`);
    for (const open of [page, still.page]) {
      const raised = await waitFor('raised figures', () => widgetFigures(open, '#w'), (f) => f[3] === total(before.total.views + 1));
      assert.equal(raised[1], total(before.today.views + 1));
    }
    assert.ok(((await page.evaluate('window.rises')) as number) >= 3, 'today, this week and all-time rose');
    assert.equal(await still.page.evaluate('window.rises'), 0, 'no motion when the visitor asked for less');
    assert.equal(await page.locator('#w .sr').textContent(), '', 'the live region waits a minute before it speaks');
  });

  it('speaks English from <html lang="en-GB">, shows visitors with data-metric, and follows a dark system theme', async () => {
    const { page, errors } = await visit(`${rig.host.origin}/en`, { colorScheme: 'dark' });
    const figures = await waitFor('figures', () => widgetFigures(page, '#en'), (f) => f[3] !== '—');
    const now = await rig.server.figures(SITE);
    assert.deepEqual(await widgetLabels(page, '#en'), ['Visitor statistics', 'Online now', 'Today', 'This week', 'All-time']);
    const english = new Intl.NumberFormat('en-US');
    assert.deepEqual(figures.slice(1), [english.format(now.today.visitors), english.format(now.week.visitors), english.format(now.total.visitors)]);
    assert.match(figures[3]!, /^45,0\d\d$/);
    const background = (on: Page) => on.locator('#en .box').evaluate((box) => box.ownerDocument.defaultView.getComputedStyle(box).backgroundColor);
    assert.equal(await background(page), DARK_BACKGROUND);
    assert.deepEqual(errors, []);
    await screenshotOf(page, '#en .box', 'widget-en-dark.png');

    const light = await visit(`${rig.host.origin}/en`);
    await waitFor('figures', () => widgetFigures(light.page, '#en'), (f) => f[3] !== '—');
    assert.equal(await background(light.page), LIGHT_BACKGROUND);
    await screenshotOf(light.page, '#en .box', 'widget-en.png');

    await page.emulateMedia({ colorScheme: 'light' });
    // The widget hears the switch through a matchMedia change event, a task after emulateMedia returns.
    await waitFor('an open page following the system switching to light', () => background(page), (colour) => colour === LIGHT_BACKGROUND);
  });

  it('shows the rows data-rows asks for, in its order, each language, sized for its rows', async () => {
    const before = await rig.server.figures(SITE);
    const { page, errors } = await visit(`${rig.host.origin}/rows`);
    // The page's own view is counted: all-time views rise by one.
    await waitFor('figures', () => widgetFigures(page, '#vi7'), (f) => f[6] === total(before.total.views + 1));
    const now = await rig.server.figures(SITE);
    const english = new Intl.NumberFormat('en-US');
    const periods = [now.today, now.yesterday, now.week, now.month, now.year, now.total];

    assert.deepEqual(await widgetLabels(page, '#vi7'), ['Thống kê truy cập', 'Đang online', 'Hôm nay', 'Hôm qua', 'Trong tuần', 'Tháng này', 'Năm nay', 'Tất cả']);
    assert.deepEqual(await widgetFigures(page, '#vi7'), [String(now.online), ...periods.map((period) => total(period.views))]);
    assert.deepEqual(await widgetLabels(page, '#en7'), ['Visitor statistics', 'Online now', 'Today', 'Yesterday', 'This week', 'This month', 'This year', 'All-time']);
    await waitFor('English figures', () => widgetFigures(page, '#en7'), (f) => f.join() === [String(now.online), ...periods.map((period) => english.format(period.views))].join());
    assert.ok(now.month.views >= now.today.views && now.year.views >= now.month.views && now.total.views >= now.year.views + BASELINE.views);

    // Two rows, in the order asked, showing visitors.
    assert.deepEqual(await widgetLabels(page, '#two'), ['Thống kê truy cập', 'Tất cả', 'Hôm nay']);
    assert.deepEqual(await widgetFigures(page, '#two'), [total(now.total.visitors), total(now.today.visitors)]);

    const heights = await Promise.all(['#vi7', '#en7', '#two'].map(async (at) => [(await page.locator(`${at} .box`).boundingBox())?.height, (await page.locator(at).boundingBox())?.height]));
    assert.deepEqual(heights, [[heightFor(7), heightFor(7)], [heightFor(7), heightFor(7)], [heightFor(2), heightFor(2)]]);
    assert.equal(heightFor(7), 280);
    assert.deepEqual(errors, []);
    const shots = [await screenshotOf(page, '#vi7 .box', 'widget-vi-rows.png'), await screenshotOf(page, '#en7 .box', 'widget-en-rows.png')];
    await Promise.all(shots.map((shot) => copyFile(shot, path.join(PACKAGE_ROOT, 'docs', path.basename(shot)))));
  });

  it("is not changed by the host page's hostile CSS", async () => {
    const clean = await visit(`${rig.host.origin}/plain`);
    const hostile = await visit(`${rig.host.origin}/hostile`);
    const looks = async (page: Page) => {
      await waitFor('figures', () => widgetFigures(page, '#w'), (f) => f[3] !== '—');
      const box = await page.locator('#w .box').boundingBox();
      const styles = await page.locator('#w .t, #w dt, #w dd').evaluateAll((elements) =>
        elements.map((el) => {
          const style = el.ownerDocument.defaultView.getComputedStyle(el);
          return [style.display, style.visibility, style.color, style.fontSize, style.fontFamily, style.lineHeight, style.letterSpacing, style.textTransform, style.margin, style.padding].join('|');
        }),
      );
      return { size: [box?.width, box?.height], styles };
    };
    const [expected, actual] = await Promise.all([looks(clean.page), looks(hostile.page)]);
    assert.deepEqual(actual, expected);
    assert.deepEqual(expected.size, [360, WIDGET_HEIGHT]);
    // And the page's CSS did apply outside the widget.
    assert.equal(await hostile.page.locator('p').evaluate((p) => p.ownerDocument.defaultView.getComputedStyle(p).display), 'none');
    await screenshotOf(hostile.page, '#w .box', 'widget-vi-hostile-page.png');
  });

  it('runs on the demo page footfall serves at /', async () => {
    const { page, errors } = await visit(`${rig.server.url}/`);
    const figures = await waitFor('demo widget', () => widgetFigures(page), (f) => f[3] !== '—');
    assert.equal(figures[3], '1');
    await waitFor('article views', () => page.locator('[data-footfall="page.views"]').textContent(), (t) => t === '1');
    assert.deepEqual(errors, []);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-page.png'), fullPage: true, animations: 'disabled' });
  });
});

