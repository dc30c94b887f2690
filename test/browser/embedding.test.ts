/**
 * Embedding without footfall's own tag, in real Chromium: a page written for Busuanzi that
 * changes only its script URL, and footfall served first-party under the site's own /stats/
 * by Debian's nginx with deploy/nginx-first-party.conf, under another script name.
 */
import { strict as assert } from 'node:assert';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { hostPage, pageErrors, waitFor, widgetFigures } from '../support/browser.js';
import { browserRig } from '../support/browser-rig.js';
import { startFirstPartyNginx, type NginxProcess } from '../support/nginx.js';
import { postHit } from '../support/server.js';

const POST = '/2026/11/le-hoi-dua-ghe/';
const zh = new Intl.NumberFormat('zh-CN');

/** A Hexo theme's footer and post meta, as written for Busuanzi: hidden until filled. */
const BUSUANZI_MARKUP = `<article><h1>Lễ hội đua ghe</h1>
<span id="busuanzi_container_page_pv" style="display:none">阅读次数 <span id="busuanzi_value_page_pv"></span></span></article>
<footer><span id="busuanzi_container_site_pv" style="display:none">本站总访问量 <span id="busuanzi_value_site_pv"></span> 次</span>
<span id="busuanzi_container_site_uv" style="display:none">访客数 <span id="busuanzi_value_site_uv"></span> 人</span></footer>`;

function busuanziPage(script: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>blog</title></head><body>${BUSUANZI_MARKUP}${script}</body></html>`;
}

/** site_pv, site_uv and page_pv as shown. */
async function busuanziFigures(page: Page): Promise<Array<string | null>> {
  return Promise.all(['site_pv', 'site_uv', 'page_pv'].map((name) => page.locator(`#busuanzi_value_${name}`).textContent()));
}

async function containersShown(page: Page): Promise<boolean[]> {
  return Promise.all(['site_pv', 'site_uv', 'page_pv'].map((name) => page.locator(`#busuanzi_container_${name}`).isVisible()));
}

describe('browser: embedding anywhere', () => {
  const rig = browserRig({ FOOTFALL_PUSH_INTERVAL_MS: '250', FOOTFALL_SCRIPT_NAME: 's.js' });

  describe('Busuanzi drop-in', () => {
    before(async () => {
      const { server, host } = rig;
      // Busuanzi's totals on the day the blog switched, and the post's page_pv.
      const blog = await server.addSite('blog', { origins: [host.origin], baseline: { views: 1_234_567, visitors: 345_678 } });
      await server.counter.setPageBaselines(blog, [{ path: POST, views: 2020 }]);
      // Two sites on the other origin: the page must say which.
      await server.addSite('blog-b', { origins: [host.otherOrigin] });
      await server.addSite('blog-c', { origins: [host.otherOrigin] });
      host.page(POST, busuanziPage(`<script async src="${server.url}/busuanzi.js"></script>`));
      host.page('/named/', busuanziPage(`<script async src="${server.url}/busuanzi.js?site=blog-c"></script>`));
      host.page('/own-tag/', hostPage({ footfall: server.url, site: 'blog', lang: 'zh-CN', tag: 'data-compat="busuanzi"', body: BUSUANZI_MARKUP }));
    });

    it('fills a Busuanzi page from the script URL alone, shows its containers, and moves live', async () => {
      const page = await (await rig.visitor()).newPage();
      const errors = pageErrors(page);
      await page.goto(`${rig.host.origin}${POST}`);
      const figures = await rig.server.figures('blog', [POST]);
      // This visit counted: all-time views and visitors on top of the baseline, the post's on its own.
      assert.deepEqual([figures.total.views, figures.total.visitors, figures.pages[0]], [1_234_568, 345_679, 2021]);
      const expected = [figures.total.views, figures.total.visitors, 2021].map((n) => zh.format(n));
      await waitFor('the Busuanzi figures', () => busuanziFigures(page), (texts) => texts.join('|') === expected.join('|'));
      assert.deepEqual(await containersShown(page), [true, true, true]);

      // Another reader of the post: site_pv, site_uv and page_pv rise without a reload.
      assert.equal((await postHit(rig.server, 'blog', { origin: rig.host.origin, url: `${rig.host.origin}${POST}`, userAgent: 'Mozilla/5.0 (another reader)' })).status, 202);
      const raised = [1_234_569, 345_680, 2022].map((n) => zh.format(n));
      await waitFor('the raised figures', () => busuanziFigures(page), (texts) => texts.join('|') === raised.join('|'));
      assert.deepEqual(errors, []);
    });

    it('counts for the site ?site= names when the origin belongs to several', async () => {
      const page = await (await rig.visitor()).newPage();
      const errors = pageErrors(page);
      await page.goto(`${rig.host.otherOrigin}/named/`);
      await waitFor('site_pv', () => page.locator('#busuanzi_value_site_pv').textContent(), (text) => text === '1');
      assert.equal((await rig.server.figures('blog-c')).total.views, 1);
      assert.equal((await rig.server.figures('blog-b')).total.views, 0);
      assert.deepEqual(errors, []);
    });

    it('fills the same markup from footfall\'s own tag with data-compat="busuanzi"', async () => {
      const before = (await rig.server.figures('blog')).total.views;
      const page = await (await rig.visitor()).newPage();
      await page.goto(`${rig.host.origin}/own-tag/`);
      await waitFor('site_pv', () => page.locator('#busuanzi_value_site_pv').textContent(), (text) => text === zh.format(before + 1));
      assert.deepEqual(await containersShown(page), [true, true, true]);
    });
  });

  describe('first-party under /stats/ behind nginx', () => {
    let nginx: NginxProcess;
    let root: string;

    before(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'footfall-blog-'));
      // nginx's workers run as another user: they must read the pages.
      await chmod(root, 0o755);
      const index = path.join(root, 'index.html');
      await writeFile(
        index,
        `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>blog</title></head><body>
<p>Lượt xem: <span id="views" data-footfall="page.views"></span></p><footer><div id="w" data-footfall-widget></div></footer>
<script async src="/stats/s.js" data-site="first-party"></script></body></html>`,
      );
      await chmod(index, 0o644);
      nginx = await startFirstPartyNginx(`127.0.0.1:${rig.server.port}`, root);
      await rig.server.addSite('first-party', { origins: [nginx.url] });
    });

    after(async () => {
      await nginx?.stop();
      await rm(root, { recursive: true, force: true });
    });

    it('serves the snippet as /stats/s.js, counts and stays live through the prefix, and asks nothing of another origin', async () => {
      const page = await (await rig.visitor()).newPage();
      const errors = pageErrors(page);
      const requests: string[] = [];
      const sockets: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('websocket', (socket) => sockets.push(socket.url()));
      await page.goto(`${nginx.url}/`);
      const vi = new Intl.NumberFormat('vi-VN');
      await waitFor('the widget', () => widgetFigures(page, '#w'), (figures) => figures[1] === '1');
      await waitFor('the page slot', () => page.locator('#views').textContent(), (text) => text === '1');

      // A view of the same page from elsewhere moves both, over the one live connection.
      assert.equal((await postHit({ url: `${nginx.url}/stats` }, 'first-party', { origin: nginx.url, url: `${nginx.url}/`, userAgent: 'Mozilla/5.0 (another reader)' })).status, 202);
      await waitFor('the raised widget', () => widgetFigures(page, '#w'), (figures) => figures[1] === vi.format(2));
      await waitFor('the raised slot', () => page.locator('#views').textContent(), (text) => text === '2');

      assert.deepEqual(sockets.map((url) => new URL(url).pathname), ['/stats/socket.io/']);
      assert.ok(sockets[0]!.startsWith(nginx.url.replace('http', 'ws')), sockets[0]);
      assert.deepEqual(requests.filter((url) => !url.startsWith(`${nginx.url}/`)), [], 'every request went to the site itself');
      assert.ok(requests.some((url) => url === `${nginx.url}/stats/s.js`));
      assert.ok(requests.some((url) => url === `${nginx.url}/stats/api/v1/hit`), requests.join('\n'));
      assert.ok(!requests.some((url) => url.includes('footfall.js')), 'the name filter lists block is never asked for');
      assert.deepEqual(errors, []);
    });
  });
});
