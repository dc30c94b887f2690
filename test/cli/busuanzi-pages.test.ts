/**
 * `footfall busuanzi-pages` against a stand-in Busuanzi on 127.0.0.1 that speaks its protocol
 * (JSONP, the page in `Referer`, a visitor cookie), then the CSV it prints through the real
 * `import-pages` into a SQLite store: a Busuanzi blog's per-page views carried over end to end.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readPath } from '../../src/counting/page-path.js';
import { createLogger } from '../../src/log.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ManualClock, testCounter } from '../support/counting.js';
import { runCli, type CliRun } from './cli-process.js';

/** Views Busuanzi holds for each path before the crawl. */
const BEFORE: Record<string, number> = {
  '/2024/01/hello-world/': 2020,
  '/2024/02/busuanzi-down/': 517,
  '/about/': 33,
  '/tags/': 0,
  '/search/?q=a,b': 7,
  '/flaky/': 12,
};
const BROKEN = '/broken/';

interface StandIn {
  base: string;
  sitePv: number;
  siteUv: number;
  pagePv: Map<string, number>;
  questions: { referer: string | undefined; cookie: string | undefined; userAgent: string | undefined }[];
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  let flakyFailures = 1;
  const state = {
    sitePv: 90_000,
    siteUv: 12_000,
    pagePv: new Map(Object.entries(BEFORE)),
    questions: [] as StandIn['questions'],
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/sitemap_index.xml') {
      res.setHeader('content-type', 'application/xml');
      res.end(`<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>${base}/post-sitemap.xml</loc></sitemap>
  <sitemap><loc>/page-sitemap.xml.gz</loc></sitemap>
</sitemapindex>`);
    } else if (url.pathname === '/post-sitemap.xml') {
      res.setHeader('content-type', 'application/xml');
      res.end(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://blog.example/2024/01/hello-world/</loc><lastmod>2024-01-02</lastmod></url>
  <url><loc> <![CDATA[https://blog.example/2024/02/busuanzi-down/]]> </loc></url>
  <url><loc>http://blog.example/2024/01/hello-world/</loc></url>
  <url><loc>https://blog.example/flaky/</loc></url>
  <url><loc>https://blog.example${BROKEN}</loc></url>
</urlset>`);
    } else if (url.pathname === '/page-sitemap.xml.gz') {
      res.setHeader('content-type', 'application/gzip');
      res.end(
        gzipSync(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://blog.example/about/</loc></url><url><loc>https://blog.example/tags/</loc></url>
<url><loc>https://blog.example/search/?q=a,b</loc></url><url><loc>mailto:owner@blog.example</loc></url></urlset>`),
      );
    } else if (url.pathname === '/busuanzi') {
      const referer = req.headers.referer;
      state.questions.push({ referer, cookie: req.headers.cookie, userAgent: req.headers['user-agent'] });
      const page = referer ? new URL(referer) : undefined;
      const key = page ? `${page.pathname}${page.search}` : '';
      if (key === BROKEN || (key === '/flaky/' && flakyFailures-- > 0)) {
        res.statusCode = key === BROKEN ? 500 : 503;
        res.end('busy');
        return;
      }
      state.sitePv += 1;
      state.pagePv.set(key, (state.pagePv.get(key) ?? 0) + 1);
      if (!/busuanziId=/.test(req.headers.cookie ?? '')) {
        state.siteUv += 1;
        res.setHeader('set-cookie', 'busuanziId=0F1E2D3C; Path=/; Max-Age=31536000');
      }
      const callback = url.searchParams.get('jsonpCallback') ?? 'cb';
      const body = JSON.stringify({ site_uv: state.siteUv, page_pv: state.pagePv.get(key), version: 2.4, site_pv: state.sitePv });
      res.setHeader('content-type', 'application/javascript');
      res.end(`try{${callback}(${body});}catch(e){}`);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    get base() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as unknown as StandIn;
}

function expectCode(run: CliRun, code: number): void {
  assert.equal(run.code, code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

describe('footfall busuanzi-pages', () => {
  let dir: string;
  let env: Record<string, string>;
  let standIn: StandIn;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-busuanzi-'));
    env = { FOOTFALL_STORE: `sqlite:${path.join(dir, 'footfall.db')}` };
    standIn = await startStandIn();
  });
  after(async () => {
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks for every sitemap page as its script would, prints the CSV, and the CSV imports as page baselines', async function () {
    this.timeout(60_000);
    const crawl = await runCli(
      ['busuanzi-pages', '--sitemap', `${standIn.base}/sitemap_index.xml`, '--endpoint', `${standIn.base}/busuanzi`, '--site', 'my-blog', '--delay-ms', '0', '--retries', '2'],
      { env },
    );
    expectCode(crawl, 1);
    // Each page once (http:// and https:// of one path are one page), the question's own view subtracted,
    // a page without views left out, the path with a comma quoted.
    assert.equal(
      crawl.stdout,
      ['path,views', '/2024/01/hello-world/,2020', '/2024/02/busuanzi-down/,517', '/flaky/,12', '/about/,33', '"/search/?q=a,b",7', ''].join('\n'),
    );
    assert.match(crawl.stderr, /for 7 of 7 pages \(3 sitemaps\): 6 answered, 1 failed\./);
    assert.match(crawl.stderr, /site_pv 90000, site_uv 12000\./);
    assert.match(crawl.stderr, /footfall sites add my-blog --update --baseline-views 90000 --baseline-visitors 12000/);
    assert.match(crawl.stderr, /footfall import-pages my-blog pages\.csv --dry-run/);
    assert.match(crawl.stderr, /Failed pages, not in the CSV:\n {2}https:\/\/blog\.example\/broken\/: HTTP 500 \(asked 3 times\)/);

    const answered = standIn.questions.filter((question) => question.referer !== `https://blog.example${BROKEN}`);
    assert.ok(answered.every((question) => question.userAgent === 'Mozilla/5.0 (compatible; footfall busuanzi-pages)'));
    assert.deepEqual(new Set(standIn.questions.map((question) => question.referer)).size, 7, 'the page is the Referer');
    assert.ok(standIn.questions.slice(1).every((question) => question.cookie === 'busuanziId=0F1E2D3C'), 'later questions carry the visitor cookie');
    assert.equal(standIn.siteUv, 12_001, 'the whole crawl is one visitor to Busuanzi');

    expectCode(await runCli(['sites', 'add', 'my-blog', '--origin', 'https://blog.example'], { env }), 0);
    const imported = await runCli(['import-pages', 'my-blog', '-'], { env, input: crawl.stdout });
    expectCode(imported, 0);
    assert.match(imported.stdout, /5 rows: 5 pages changed, 0 already as imported; their views move by \+2,589\./);

    const store = await openSqliteStore(path.join(dir, 'footfall.db'), { log: createLogger('silent') });
    try {
      const counter = testCounter(store, new ManualClock(Date.now()));
      await counter.refreshSites();
      const site = counter.site('my-blog')!;
      // Read as a reader asks: the site keeps no query parameters, so /search/?q=a,b is /search/.
      const paths = ['/2024/01/hello-world/', '/search/?q=a,b', '/tags/'].map((raw) => readPath(raw, site.pageQuery)!);
      assert.deepEqual(paths, ['/2024/01/hello-world/', '/search/', '/tags/']);
      assert.deepEqual((await counter.readCounts(site, paths)).pages, [2020, 7, 0]);
    } finally {
      await store.close();
    }
  });

  it('says what is wrong with the command line, the sitemap or the server', async () => {
    const sitemapFile = path.join(dir, 'not-a-sitemap.xml');
    await writeFile(sitemapFile, '<html><body>Not found</body></html>');
    const emptyFile = path.join(dir, 'empty-sitemap.xml');
    await writeFile(emptyFile, '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>');
    const [missing, badEndpoint, badNumber, notSitemap, empty, gone] = await Promise.all([
      runCli(['busuanzi-pages'], { env }),
      runCli(['busuanzi-pages', '--sitemap', sitemapFile, '--endpoint', 'ftp://x'], { env }),
      runCli(['busuanzi-pages', '--sitemap', sitemapFile, '--concurrency', '50'], { env }),
      runCli(['busuanzi-pages', '--sitemap', sitemapFile], { env }),
      runCli(['busuanzi-pages', '--sitemap', emptyFile], { env }),
      runCli(['busuanzi-pages', '--sitemap', `${standIn.base}/no-sitemap.xml`, '--retries', '0'], { env }),
    ]);
    expectCode(missing, 2);
    assert.match(missing.stderr, /missing --sitemap URL\|FILE/);
    expectCode(badEndpoint, 2);
    assert.match(badEndpoint.stderr, /--endpoint "ftp:\/\/x" is not valid: use an http:\/\/ or https:\/\/ address/);
    expectCode(badNumber, 2);
    assert.match(badNumber.stderr, /--concurrency "50" is not valid: use a whole number from 1 to 16/);
    expectCode(notSitemap, 1);
    assert.match(notSitemap.stderr, /could not read the sitemap: .*not-a-sitemap\.xml is not a sitemap: it has neither <urlset> nor <sitemapindex>/);
    expectCode(empty, 1);
    assert.match(empty.stderr, /empty-sitemap\.xml lists no page addresses/);
    expectCode(gone, 1);
    assert.match(gone.stderr, /could not read the sitemap: .*no-sitemap\.xml answered HTTP 404/);
  });
});
