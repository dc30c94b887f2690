/**
 * The WordPress plugin's one-click import of an old counter's figures, on a real WordPress
 * with WP Statistics' and Post Views Counter's tables (their real schemas) and a real footfall.
 * The plugin sends days to POST /api/v1/sites/:site/history and post totals to
 * PUT /api/v1/sites/:site/pages, with an import key made by POST /api/v1/admin/keys.
 */
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newVisitor, SCREENSHOT_DIR } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { FOOTFALL_PLUGIN_DIR, logInAsAdmin, phpString, skipWithoutWordPress, startWordPress, TEST_THEME_DIR, type WordPress } from '../support/wordpress.js';

const SITE = 'wp-import';
const TOKEN = 'wordpress-import-admin-token-0123456789';
const WRONG_KEY = 'not-a-footfall-key-0000';

/** What the plugin's PHP entry point returns (Footfall_Import::run). */
interface ImportResult {
  source: string;
  dryRun: boolean;
  hash: string;
  today: string;
  notes: string[];
  error: ImportError | null;
  parts: Partial<Record<'history' | 'pages', PartOutcome>>;
}
interface ImportError {
  code: string;
  message: string;
  status: number;
  text: string;
}
interface PartOutcome {
  rows: number;
  leftOut: number;
  skipped: number;
  answer: Record<string, unknown> | null;
  error: ImportError | null;
}
interface Figures {
  views: number;
  visitors: number;
}
interface PageChange {
  path: string;
  before: number | { views: number };
  after: number | { views: number };
}

/** A page change's figure, whether footfall gives `before` as a number or as `{views}`. */
const pageViews = (side: PageChange['before']): number => (typeof side === 'number' ? side : side.views);

describe('WordPress: importing WP Statistics and Post Views Counter into footfall', function () {
  this.timeout(30_000);
  let server: TestServer | undefined;
  let wp: WordPress | undefined;
  let browser: Browser | undefined;
  let posts: { article: string; notice: string; guide: string };
  let today = '';
  const contexts: BrowserContext[] = [];

  before(async function () {
    skipWithoutWordPress(this, 'the WordPress import tests');
    this.timeout(120_000);
    [server, browser] = await Promise.all([startTestServer({ FOOTFALL_ADMIN_TOKEN: TOKEN }), launchBrowser()]);
    wp = await startWordPress({ plugins: [FOOTFALL_PLUGIN_DIR], theme: TEST_THEME_DIR });
    await server.addSite(SITE, { origins: [wp.url] });
    today = (await server.figures(SITE)).today.date;

    const created = await fetch(`${server.url}/api/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sites: [SITE], scope: 'import', label: 'WordPress plugin test' }),
    });
    assert.equal(created.status, 201, `POST /api/v1/admin/keys: ${created.status} ${await created.clone().text()}`);
    const { key } = (await created.json()) as { key: string };

    posts = await wp.phpJson(`
update_option( 'footfall_settings', array( 'server_url' => ${phpString(server.url)}, 'site_id' => '${SITE}', 'show_post_views' => false, 'lang' => 'en' ) );
update_option( 'footfall_import_key', ${phpString(key)} );
$publish = static function ( $title ) {
	return wp_insert_post( array( 'post_title' => $title, 'post_content' => 'x', 'post_status' => 'publish' ), true );
};
$ids = array( 'article' => $publish( 'Ra quân nạo vét kênh mương' ), 'notice' => $publish( 'Thông báo tiếp dân' ), 'guide' => $publish( 'Hướng dẫn thủ tục' ) );
${oldCountersTables(today)}
echo wp_json_encode( array_map( array( 'Footfall_Paths', 'for_post' ), $ids ) );
`);
  });

  afterEach(async () => {
    await Promise.allSettled(contexts.splice(0).map((context) => context.close()));
  });

  after(async () => {
    await Promise.allSettled([browser?.close()]);
    await Promise.allSettled([wp?.close(), server?.close()]);
  });

  /** The plugin's import, run through its PHP entry point. */
  function runImport(source: string, dryRun: boolean, hash = ''): Promise<ImportResult> {
    return wp!.phpJson<ImportResult>(`echo wp_json_encode( Footfall_Import::run( ${phpString(source)}, array( 'history', 'pages' ), ${dryRun ? 'true' : 'false'}, ${phpString(hash)} ) );`);
  }

  /** What footfall shows: all-time figures, the imported days, and each page's views. */
  async function footfallFigures(from: string, to: string, paths: string[]) {
    const figures = await server!.figures(SITE, paths);
    const history = await fetch(`${server!.url}/api/v1/admin/sites/${SITE}/history?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(history.status, 200);
    return { total: figures.total, days: (await history.json()) as Array<{ date: string } & Figures>, pages: figures.pages };
  }

  async function adminPage(): Promise<Page> {
    const context = await newVisitor(browser!);
    contexts.push(context);
    const page = await context.newPage();
    await logInAsAdmin(page, wp!);
    await page.goto(`${wp!.url}/wp-admin/tools.php?page=footfall-import`, { waitUntil: 'domcontentloaded' });
    return page;
  }

  async function submit(page: Page, button: string): Promise<void> {
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(button)]);
  }

  it('previews the WP Statistics import on Tools → footfall import without changing anything, then applies it with one click', async function () {
    this.timeout(90_000);
    const paths = [posts.article, '/', '/category/tin-tuc/'];
    const before = await footfallFigures('2024-03-01', '2024-03-03', paths);
    const page = await adminPage();
    assert.match((await page.locator('label', { hasText: 'WP Statistics' }).textContent()) ?? '', /4 days from 2024-03-01 to \d{4}-\d{2}-\d{2}, 3 pages/);

    await page.check('input[name="footfall_source"][value="wp-statistics"]');
    await submit(page, '#footfall_preview');
    const result = page.locator('#footfall-import-result');
    assert.match((await result.locator('h2').textContent()) ?? '', /Preview of the import from WP Statistics — nothing has changed yet/);
    assert.equal(
      await result.locator('.footfall-part-history .footfall-summary').textContent(),
      '3 days read: 3 would change, 0 are already as in footfall. All-time views would move by +300, visitors by +5.',
    );
    assert.match((await result.locator('.footfall-part-history').textContent()) ?? '', new RegExp(`1 day from ${today} on was left out`));
    assert.deepEqual(await result.locator('.footfall-part-history tbody tr').allTextContents(), ['2024-03-010 → 1200 → 3', '2024-03-020 → 800 → 2', '2024-03-030 → 1000 → 0']);
    assert.equal(await result.locator('.footfall-part-pages .footfall-summary').textContent(), '3 pages read: 3 would change, 0 are already as in footfall.');
    assert.match((await result.locator('.footfall-part-pages').textContent()) ?? '', /2 entries of the old counter belong to no published post/);
    assert.deepEqual(await footfallFigures('2024-03-01', '2024-03-03', paths), before, 'a preview changes nothing in footfall');
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'wordpress-import-preview.png'), fullPage: true, animations: 'disabled' });

    await submit(page, '#footfall_apply');
    assert.equal(
      await result.locator('.footfall-part-history .footfall-summary').textContent(),
      '3 days read: 3 changed, 0 were already as in footfall. All-time views moved by +300, visitors by +5.',
    );
    assert.equal(await result.locator('.footfall-part-pages .footfall-summary').textContent(), '3 pages read: 3 changed, 0 were already as in footfall.');
    const after = await footfallFigures('2024-03-01', '2024-03-03', paths);
    assert.deepEqual(after.total, { views: before.total.views + 300, visitors: before.total.visitors + 5 });
    assert.deepEqual(after.days, [
      { date: '2024-03-01', views: 120, visitors: 3 },
      { date: '2024-03-02', views: 80, visitors: 2 },
      { date: '2024-03-03', views: 100, visitors: 0 },
    ]);
    assert.deepEqual(after.pages, [before.pages[0]! + 65, before.pages[1]! + 50, before.pages[2]! + 10]);
  });

  it('changes nothing when the same import is applied again', async () => {
    const paths = [posts.article, '/', '/category/tin-tuc/'];
    const before = await footfallFigures('2024-03-01', '2024-03-03', paths);
    const preview = await runImport('wp-statistics', true);
    assert.equal(preview.error, null);
    assert.deepEqual(preview.parts.history?.answer?.changes, []);
    assert.equal(preview.parts.history?.answer?.unchanged, 3);
    assert.deepEqual(preview.parts.pages?.answer?.changes, []);
    assert.equal(preview.parts.pages?.answer?.unchanged, 3);
    const applied = await runImport('wp-statistics', false, preview.hash);
    assert.equal(applied.parts.history?.answer?.applied, true);
    assert.deepEqual(applied.parts.history?.answer?.total, { views: 0, visitors: 0 });
    assert.deepEqual(await footfallFigures('2024-03-01', '2024-03-03', paths), before);
  });

  it("imports Post Views Counter's days and post totals, and says how much of its all-time is in no day", async () => {
    const paths = [posts.notice, posts.guide];
    const before = await footfallFigures('2024-04-01', '2024-04-02', paths);
    const preview = await runImport('post-views-counter', true);
    assert.equal(preview.error, null);
    assert.equal(preview.parts.history?.rows, 2);
    assert.equal(preview.parts.history?.leftOut, 1, "today's row is left to footfall");
    const history = preview.parts.history!.answer!;
    assert.equal(history.dryRun, true);
    assert.equal(history.applied, false);
    assert.deepEqual(history.changes, [
      { date: '2024-04-01', before: { views: 0, visitors: 0 }, after: { views: 50, visitors: 0 } },
      { date: '2024-04-02', before: { views: 0, visitors: 0 }, after: { views: 39, visitors: 0 } },
    ]);
    assert.deepEqual(history.total, { views: 89, visitors: 0 });
    const pages = preview.parts.pages!;
    assert.equal(pages.skipped, 1, 'the deleted post');
    assert.deepEqual(
      (pages.answer!.changes as PageChange[]).map((change) => [change.path, pageViews(change.before), pageViews(change.after)]),
      [posts.guide, posts.notice].sort().map((path) => [path, 0, path === posts.notice ? 500 : 47]),
    );
    assert.match(preview.notes.join(' '), /556 views in all, but its daily rows hold only 93: 463 views belong to no day/);
    assert.deepEqual(await footfallFigures('2024-04-01', '2024-04-02', paths), before, 'a dry run changes nothing');

    const applied = await runImport('post-views-counter', false, preview.hash);
    assert.equal(applied.error, null);
    const after = await footfallFigures('2024-04-01', '2024-04-02', paths);
    assert.deepEqual(after.total, { views: before.total.views + 89, visitors: before.total.visitors });
    assert.deepEqual(after.days.map((day) => day.views), [50, 39]);
    assert.deepEqual(after.pages, [before.pages[0]! + 500, before.pages[1]! + 47]);

    const again = await runImport('post-views-counter', false, (await runImport('post-views-counter', true)).hash);
    assert.deepEqual(again.parts.history?.answer?.changes, []);
    assert.deepEqual(again.parts.pages?.answer?.changes, []);
    assert.deepEqual(await footfallFigures('2024-04-01', '2024-04-02', paths), after);
  });

  it('refuses to apply when the figures changed since the preview', async () => {
    const preview = await runImport('wp-statistics', true);
    await wp!.php("global $wpdb; $wpdb->insert( $wpdb->prefix . 'statistics_visit', array( 'last_visit' => '2024-02-29 12:00:00', 'last_counter' => '2024-02-29', 'visit' => 9 ) );");
    try {
      const before = await footfallFigures('2024-02-29', '2024-03-03', []);
      const applied = await runImport('wp-statistics', false, preview.hash);
      assert.equal(applied.error?.code, 'footfall_changed');
      assert.equal(Object.keys(applied.parts).length, 0, 'nothing was sent');
      assert.deepEqual(await footfallFigures('2024-02-29', '2024-03-03', []), before);
    } finally {
      await wp!.php("global $wpdb; $wpdb->delete( $wpdb->prefix . 'statistics_visit', array( 'last_counter' => '2024-02-29' ) );");
    }
  });

  it("shows footfall's own error, word for word, when the import key is refused", async function () {
    this.timeout(60_000);
    const refused = await fetch(`${server!.url}/api/v1/sites/${SITE}/history?dryRun=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WRONG_KEY}`, 'content-type': 'text/csv' },
      body: 'date,views\n2024-03-01,1\n',
    });
    assert.equal(refused.status, 401);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    const key = await wp!.php("echo get_option( 'footfall_import_key' );");
    await wp!.php(`update_option( 'footfall_import_key', ${phpString(WRONG_KEY)} );`);
    try {
      const result = await runImport('wp-statistics', true);
      assert.deepEqual(result.parts.history?.error, { code: 'unauthorized', message: error.message, status: 401, text: `footfall answered 401 unauthorized: ${error.message}` });
      const page = await adminPage();
      await page.check('input[name="footfall_source"][value="wp-statistics"]');
      await submit(page, '#footfall_preview');
      assert.deepEqual(await page.locator('.footfall-part-history .footfall-error').allTextContents(), [`footfall answered 401 unauthorized: ${error.message}`]);
      assert.equal(await page.locator('#footfall_apply').count(), 0, 'nothing to apply');
    } finally {
      await wp!.php(`update_option( 'footfall_import_key', ${phpString(key)} );`);
    }
  });
});

/**
 * PHP that creates WP Statistics' tables (the 14.x schema, with the daily `visit` table) and
 * Post Views Counter's `post_views`, with known rows; `$ids` holds the posts. Rows dated
 * `today` must stay out of the import.
 */
function oldCountersTables(today: string): string {
  return `
global $wpdb;
$p = $wpdb->prefix;
$wpdb->query( "CREATE TABLE {$p}statistics_visit ( ID bigint(20) NOT NULL AUTO_INCREMENT, last_visit datetime NOT NULL, last_counter date NOT NULL, visit int(10) NOT NULL, PRIMARY KEY (ID), UNIQUE KEY unique_date (last_counter) )" );
$wpdb->query( "CREATE TABLE {$p}statistics_visitor ( ID bigint(20) NOT NULL AUTO_INCREMENT, last_counter date NOT NULL, referred text NOT NULL, agent varchar(180) NOT NULL, platform varchar(180), version varchar(180), device varchar(180), model varchar(180), UAString varchar(190), ip varchar(60) NOT NULL, location varchar(10), user_id BIGINT(40) NOT NULL, hits int(11), honeypot int(11), city varchar(100), region varchar(100), continent varchar(50), source_channel varchar(50), source_name varchar(100), PRIMARY KEY (ID), UNIQUE KEY date_ip_agent (last_counter, ip, agent(50), platform(50), version(50)) )" );
$wpdb->query( "CREATE TABLE {$p}statistics_pages ( page_id BIGINT(20) NOT NULL AUTO_INCREMENT, uri varchar(190) NOT NULL, type varchar(180) NOT NULL, date date NOT NULL, count int(11) NOT NULL, id int(11) NOT NULL, PRIMARY KEY (page_id), UNIQUE KEY date_2 (date, uri), KEY url (uri), KEY date (date), KEY id (id), KEY uri (uri, count, id) )" );
$wpdb->query( "CREATE TABLE {$p}post_views ( id bigint unsigned NOT NULL, type tinyint(1) unsigned NOT NULL, period varchar(8) NOT NULL, count bigint unsigned NOT NULL, PRIMARY KEY (type, period, id), UNIQUE INDEX id_type_period_count (id, type, period, count) USING BTREE, INDEX type_period_count (type, period, count) USING BTREE )" );
foreach ( array( array( '2024-03-01', 120 ), array( '2024-03-02', 80 ), array( '2024-03-03', 100 ), array( '${today}', 7 ) ) as $day ) {
	$wpdb->insert( "{$p}statistics_visit", array( 'last_visit' => $day[0] . ' 23:00:00', 'last_counter' => $day[0], 'visit' => $day[1] ) );
}
foreach ( array( '2024-03-01' => 3, '2024-03-02' => 2, '${today}' => 1 ) as $date => $visitors ) {
	for ( $i = 1; $i <= $visitors; $i++ ) {
		$wpdb->insert( "{$p}statistics_visitor", array( 'last_counter' => $date, 'referred' => '', 'agent' => 'Chrome', 'platform' => 'Windows', 'version' => '131', 'ip' => '#hash#' . $i, 'user_id' => 0, 'hits' => 5 ) );
	}
}
$article_uri = wp_parse_url( get_permalink( $ids['article'] ), PHP_URL_PATH );
foreach ( array(
	array( $article_uri, 'post', '2024-03-01', 40, $ids['article'] ),
	array( $article_uri, 'post', '2024-03-02', 25, $ids['article'] ),
	array( '/', 'home', '2024-03-01', 50, 0 ),
	array( '/category/tin-tuc/?utm_source=zalo', 'category', '2024-03-02', 10, 7 ),
	array( '?s=lich', 'search', '2024-03-02', 3, 0 ),
	array( '/bai-da-xoa/', 'post', '2024-03-03', 8, 999999 ),
) as $row ) {
	$wpdb->insert( "{$p}statistics_pages", array( 'uri' => $row[0], 'type' => $row[1], 'date' => $row[2], 'count' => $row[3], 'id' => $row[4] ) );
}
$today_period = str_replace( '-', '', '${today}' );
foreach ( array(
	array( $ids['notice'], 0, '20240401', 30 ),
	array( $ids['guide'], 0, '20240401', 20 ),
	array( $ids['notice'], 0, '20240402', 12 ),
	array( $ids['guide'], 0, '20240402', 27 ),
	array( $ids['notice'], 0, $today_period, 4 ),
	array( $ids['notice'], 4, 'total', 500 ),
	array( $ids['guide'], 4, 'total', 47 ),
	array( 888888, 4, 'total', 9 ),
) as $row ) {
	$wpdb->insert( "{$p}post_views", array( 'id' => $row[0], 'type' => $row[1], 'period' => $row[2], 'count' => $row[3] ) );
}
`;
}
