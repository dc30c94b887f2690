/**
 * A site owner's dashboard at /s/<site> in real Chromium: opened from the link with a key on a
 * phone, live without a reload, the key kept out of every request line; public sites without a
 * key; what a revoked key or another site's key shows; its headers; and the widget's title
 * linking to it (data-link).
 */
import { strict as assert } from 'node:assert';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { hostPage, pageErrors, SCREENSHOT_DIR, waitFor } from '../support/browser.js';
import { browserRig } from '../support/browser-rig.js';
import { adminApi, assertOnlyInAuthorization, assertSpeaks, sideScroll, switchLanguage, watchTraffic } from '../support/dashboard.js';
import { BROWSER_UA, postHit, SITE_ORIGIN } from '../support/server.js';

const TOKEN = 'owner-dashboard-token-0123456789';
const DAY_MS = 86_400_000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const REVOKED = "This link's key is no longer valid; ask the site's operator for a new one.";

describe('browser: the owner dashboard', function () {
  this.timeout(40_000);
  const rig = browserRig({ FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_PUSH_INTERVAL_MS: '250' });
  const admin = () => adminApi(rig.server, TOKEN);

  before(async () => {
    const { server, host } = rig;
    const origins = [SITE_ORIGIN, host.origin];
    await server.addSite('long-huu', { origins, timezone: 'Asia/Ho_Chi_Minh', baseline: { views: 4_288_000, visitors: 1_200_000 } });
    await server.addSite('truong-thcs', { origins, public: true });
    await server.addSite('an-binh', { origins });
    const days = Array.from({ length: 400 }, (_, i) => ({
      date: new Date(Date.now() - (i + 2) * DAY_MS).toISOString().slice(0, 10),
      views: 900 + Math.round(350 * Math.sin(i / 5)),
      visitors: 280 + Math.round(90 * Math.sin(i / 5)),
    }));
    await server.counter.importHistory(server.counter.site('long-huu')!, days);
    for (let i = 0; i < 12; i++) {
      const page = ['/', '/tin-tuc/ra-quan-nao-vet', '/lien-he'][i % 3];
      assert.equal((await postHit(server, 'long-huu', { url: `${SITE_ORIGIN}${page}`, userAgent: `${BROWSER_UA} reader-${i}` })).status, 202);
    }
    await postHit(server, 'long-huu', { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    await postHit(server, 'truong-thcs', { userAgent: `${BROWSER_UA} pupil` });
    await server.counter.flush();
  });

  async function open(url: string, options: Parameters<typeof rig.visitor>[0] = {}): Promise<{ page: Page; errors: Error[] }> {
    const context = await rig.visitor(options);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(url);
    return { page, errors };
  }

  const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] .v`).textContent();
  const notice = (page: Page) => page.locator('#notice').textContent();

  async function screenshot(page: Page, name: string): Promise<void> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, name);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    // The README's pictures are refreshed only on request, so test runs leave git clean.
    if (process.env.FOOTFALL_UPDATE_DOCS === '1') await copyFile(file, path.join(PACKAGE_ROOT, 'docs', name));
  }

  it('opens from the link on a phone in Vietnamese, goes live, keeps the key out of requests, and speaks English on request', async () => {
    const s = rig.server;
    const { key } = await admin().createKey(['long-huu']);
    const context = await rig.visitor({ ...PHONE, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors = pageErrors(page);
    const traffic = watchTraffic(page);
    await page.goto(`${s.url}/s/long-huu#key=${key}`);

    const stored = await s.figures('long-huu');
    const vi = (n: number) => n.toLocaleString('vi-VN');
    await waitFor('today in the figures', () => figure(page, 'today'), (text) => text === vi(stored.today.views));
    assert.equal(await figure(page, 'total'), vi(stored.total.views));
    assert.match(vi(stored.total.views), /^4\.\d{3}\.\d{3}$/);
    assert.match((await page.locator('[data-figure="today"] small').textContent()) ?? '', /^12 khách · \d{2}\/\d{2}\/\d{4}$/);
    for (const period of ['online', 'yesterday', 'week', 'month', 'year']) assert.notEqual(await figure(page, period), null, period);

    // The key left the address bar for this tab's sessionStorage; nothing else holds it.
    assert.equal(page.url(), `${s.url}/s/long-huu`);
    const storage = await page.evaluate(`({ session: sessionStorage.getItem('footfall.key.long-huu'), local: localStorage.length, cookie: document.cookie })`);
    assert.deepEqual(storage, { session: key, local: 0, cookie: '' });

    // Live: a hit moves today and online without a reload.
    await page.evaluate(`document.querySelector('[data-figure="today"]').dataset.marker = 'kept'`);
    const online = Number(await figure(page, 'online'));
    await postHit(s, 'long-huu', { userAgent: `${BROWSER_UA} newcomer` });
    await waitFor('today after a hit', () => figure(page, 'today'), (text) => text === vi(stored.today.views + 1));
    await waitFor('online after a hit', () => figure(page, 'online'), (text) => Number(text) === online + 1);
    assert.equal(await page.getAttribute('[data-figure="today"]', 'data-marker'), 'kept', 'no reload');
    assert.equal(await page.getAttribute('#live-status', 'data-state'), 'live');
    assert.match((await page.locator('#live-status').textContent()) ?? '', /^Trực tiếp · \d{2}:\d{2}:\d{2}$/);

    // The charts and panels are there, refused hits included (a key may see them).
    await page.locator('#chart-hours canvas').waitFor();
    await page.locator('#chart-history canvas').waitFor();
    await waitFor('top pages', () => page.locator('#top-pages li').count(), (n) => n === 3);
    await waitFor('refused bots', () => page.locator('[data-reason="bot"]').textContent(), (text) => text === '1');
    assert.equal(await page.isVisible('#refused-panel'), true);
    await waitFor('sources', () => page.locator('#sources tbody tr').count(), (n) => n === 1);

    // Readable at 390 px: nothing to scroll sideways, the figures stacked in the width.
    assert.equal(await sideScroll(page), 0);
    const right = (await page.evaluate(`Math.max(...[...document.querySelectorAll('#site-figures > div, .chart, .panels > section')].map((el) => el.getBoundingClientRect().right))`)) as number;
    assert.ok(right <= 390, `a box reaches ${right} px`);
    await assertSpeaks(page, 'vi');
    await page.waitForTimeout(300);
    await screenshot(page, 'owner-dashboard-vi-phone.png');

    await assertOnlyInAuthorization(traffic, key);
    const reads = traffic.requests.filter(({ url }) => url.includes('/api/v1/sites/long-huu/'));
    assert.ok(reads.length >= 6 && reads.every(({ headers }) => headers.authorization === `Bearer ${key}`), `${reads.length} reads, each with the key`);
    assert.ok(traffic.sockets.length > 0, 'live over a WebSocket');
    assert.deepEqual([...traffic.requests.map(({ url }) => url), ...traffic.sockets].filter((url) => !url.startsWith(s.url) && !url.startsWith(s.url.replace(/^http/, 'ws')) && !url.startsWith('data:')), [], 'nothing from anywhere else');

    // English on request: every label changes, numbers and dates follow.
    const { unchanged, shown } = await switchLanguage(page, 'en');
    // The charts are drawn again at once, in English.
    const legends = await page.evaluate(`['#chart-hours', '#chart-history'].map((chart) => document.querySelector(chart + ' .u-legend')?.textContent)`);
    assert.deepEqual(legends, ['Hour–Views–', 'Day–Views–Visitors–']);
    assert.deepEqual(unchanged, []);
    assert.ok(shown > 30, `${shown} labels`);
    await assertSpeaks(page, 'en');
    assert.equal(await figure(page, 'total'), (stored.total.views + 1).toLocaleString('en-US'));
    assert.match((await page.locator('[data-figure="today"] small').textContent()) ?? '', /^13 visitors · \d{1,2} [A-Z][a-z]{2} \d{4}$/);
    assert.equal(await page.evaluate(`localStorage.getItem('footfall.lang')`), 'en', 'a preference, kept');
    assert.equal(await sideScroll(page), 0);
    await screenshot(page, 'owner-dashboard-en-phone.png');

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForTimeout(300);
    await screenshot(page, 'owner-dashboard-en-desktop.png');
    await switchLanguage(page, 'vi');
    await assertSpeaks(page, 'vi');
    await page.waitForTimeout(300);
    await screenshot(page, 'owner-dashboard-vi-desktop.png');

    // Another tab has no key: the site is not public, so it says how to get in.
    const other = await context.newPage();
    const otherErrors = pageErrors(other);
    await other.goto(`${s.url}/s/long-huu`);
    await waitFor('the no-key message', () => notice(other), (text) => text?.startsWith('Thống kê của trang này không công khai.') ?? false);
    assert.equal(await other.isVisible('#site-view'), false);
    assert.deepEqual([...errors, ...otherErrors], []);
  });

  it('shows a public site without a key, live, and not what was refused', async () => {
    const s = rig.server;
    const { page, errors } = await open(`${s.url}/s/truong-thcs`);
    const traffic = watchTraffic(page);
    await waitFor('today', () => figure(page, 'today'), (text) => text === '1');
    await page.locator('#chart-hours canvas').waitFor();
    await waitFor('top pages', () => page.locator('#top-pages li').count(), (n) => n === 1);
    assert.equal(await page.isVisible('#refused-panel'), false);
    assert.equal(await page.locator('[data-reason]').allTextContents().then((texts) => texts.every((text) => text === '–')), true);
    assert.equal(await page.isVisible('#public-badge'), true);
    await postHit(s, 'truong-thcs', { userAgent: `${BROWSER_UA} teacher` });
    await waitFor('today after a hit', () => figure(page, 'today'), (text) => text === '2');
    await traffic.settled();
    assert.ok(traffic.requests.length > 0);
    assert.deepEqual(traffic.requests.filter(({ headers }) => 'authorization' in headers).map(({ url }) => url), []);
    assert.deepEqual(errors, []);
  });

  it('says so plainly when the link\'s key was revoked', async () => {
    const s = rig.server;
    const { id, key } = await admin().createKey(['long-huu']);
    const { page, errors } = await open(`${s.url}/s/long-huu#key=${key}`);
    await waitFor('figures', () => figure(page, 'today'), (text) => text !== null);
    await admin().revokeKey(id);
    // An open page learns it at its next read (every 5 s), and stops.
    await waitFor('the revoked message, without a reload', () => notice(page), (text) => text === REVOKED, 8000);
    assert.equal(await page.isVisible('#site-view'), false);
    await page.reload();
    await waitFor('the revoked message', () => notice(page), (text) => text === REVOKED);
    assert.equal(await page.isVisible('#site-view'), false);
    assert.equal(await page.getAttribute('#live-status', 'data-state'), 'idle');
    await page.click('#lang-switch button[data-lang="vi"]');
    assert.equal(await notice(page), 'Khóa trong đường dẫn này không còn hiệu lực; hãy xin người quản trị trang một đường dẫn mới.');
    assert.deepEqual(errors, []);
  });

  it('says which site a key of another site does not open', async () => {
    const s = rig.server;
    const { key } = await admin().createKey(['an-binh']);
    const { page, errors } = await open(`${s.url}/s/long-huu#key=${key}`);
    await waitFor('the forbidden message', () => notice(page), (text) => text === 'This link\'s key opens another site, not "long-huu"; ask the site\'s operator for the right link.');
    assert.equal(await page.isVisible('#site-view'), false);
    assert.deepEqual(errors, []);
  });

  it('is served with the dashboards\' CSP and cannot be framed', async () => {
    const s = rig.server;
    const owner = await fetch(`${s.url}/s/long-huu`);
    const ops = await fetch(`${s.url}/ops/`);
    const common = await fetch(`${s.url}/common/site-view.js`);
    assert.equal(owner.status, 200);
    assert.match(owner.headers.get('content-type') ?? '', /^text\/html/);
    for (const response of [owner, ops, common]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(csp, ops.headers.get('content-security-policy'), 'one header set for both dashboards');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    }
    assert.equal((await fetch(`${s.url}/s/Not_A_Site`)).status, 404);
    assert.equal((await fetch(`${s.url}/s/nowhere`)).status, 200, 'the page says an unknown site is unknown');
    const { page, errors } = await open(`${s.url}/s/nowhere`);
    await waitFor('the unknown-site message', () => notice(page), (text) => text === 'There is no site "nowhere" on this server.');
    assert.deepEqual(errors, []);
  });

  describe('the widget title linking to it (data-link)', () => {
    const widget = '<footer><div id="w" data-footfall-widget data-lang="vi"></div></footer>';

    before(() => {
      const { server, host } = rig;
      const page = (tag: string) => hostPage({ footfall: server.url, site: 'truong-thcs', body: widget, tag });
      host.page('/linked', page('data-link'));
      host.page('/custom', page('data-link="https://truong-thcs.example.vn/thong-ke"'));
      host.page('/hostile', page('data-link="javascript:alert(document.domain)"'));
      host.page('/plain', page(''));
    });

    async function title(url: string): Promise<{ page: Page; errors: Error[]; tag: string; href: string | null; rel: string | null; target: string | null }> {
      const { page, errors } = await open(url);
      await waitFor('the widget title', () => page.locator('#w .t').textContent(), (text) => text === 'Thống kê truy cập');
      const [tag, href, rel, target] = (await page.evaluate(
        `(() => { const el = document.querySelector('#w').shadowRoot.querySelector('.t'); return [el.tagName, el.getAttribute('href'), el.getAttribute('rel'), el.getAttribute('target')]; })()`,
      )) as [string, string | null, string | null, string | null];
      return { page, errors, tag, href, rel, target };
    }

    it('links the title to /s/<site> on the footfall server, opened in the same tab', async () => {
      const { page, errors, tag, href, rel, target } = await title(`${rig.host.origin}/linked`);
      assert.deepEqual({ tag, href, rel, target }, { tag: 'A', href: `${rig.server.url}/s/truong-thcs`, rel: 'noopener', target: null });
      await page.locator('#w .t').click();
      await page.waitForURL(`${rig.server.url}/s/truong-thcs`);
      await waitFor('the public dashboard', () => page.locator('[data-figure="today"] .v').textContent(), (text) => text !== null && Number(text) >= 1);
      assert.deepEqual(errors, []);
    });

    it('links to a given http(s) URL, and ignores any other', async () => {
      const custom = await title(`${rig.host.origin}/custom`);
      assert.deepEqual([custom.tag, custom.href], ['A', 'https://truong-thcs.example.vn/thong-ke']);
      const hostile = await title(`${rig.host.origin}/hostile`);
      assert.deepEqual([hostile.tag, hostile.href], ['DIV', null]);
      const plain = await title(`${rig.host.origin}/plain`);
      assert.deepEqual([plain.tag, plain.href], ['DIV', null]);
      assert.deepEqual([...custom.errors, ...hostile.errors, ...plain.errors], []);
    });
  });
});
