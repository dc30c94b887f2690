/**
 * The WordPress plugin (integrations/wordpress/footfall) on a real WordPress from Debian's
 * packages — served by `php -S` on the machine's MariaDB — with a real footfall and Chromium:
 * what a reader of the blog sees, and what its administrator sees.
 */
import { strict as assert } from 'node:assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newVisitor, pageErrors, SCREENSHOT_DIR, screenshotOf, waitFor, widgetFigures, widgetLabels } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { FOOTFALL_PLUGIN_DIR, logInAsAdmin, phpString, skipWithoutWordPress, snippetTags, startWordPress, TEST_THEME_DIR, type WordPress } from '../support/wordpress.js';

const SITE = 'wp-blog';
/** A second reader: another browser, so another visitor to footfall. */
const FIREFOX_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const FOOTER_WIDGET = '#footer [data-footfall-widget]';

interface Post {
  id: number;
  url: string;
  path: string;
}

describe('WordPress: the footfall plugin on a real WordPress', function () {
  this.timeout(30_000);
  let server: TestServer | undefined;
  let wp: WordPress | undefined;
  let browser: Browser | undefined;
  let posts: { article: Post; notice: Post; shortcodes: Post };
  const contexts: BrowserContext[] = [];

  before(async function () {
    skipWithoutWordPress(this, 'the WordPress tests');
    this.timeout(120_000);
    [server, browser] = await Promise.all([startTestServer({ FOOTFALL_PUSH_INTERVAL_MS: '250' }), launchBrowser()]);
    wp = await startWordPress({ plugins: [FOOTFALL_PLUGIN_DIR], theme: TEST_THEME_DIR });
    await server.addSite(SITE, { origins: [wp.url] });
    posts = await wp.phpJson(`
update_option( 'footfall_settings', array( 'server_url' => ${phpString(server.url)}, 'site_id' => '${SITE}', 'show_post_views' => true, 'lang' => 'vi' ) );
update_option( 'widget_footfall', array( 2 => array( 'rows' => array( 'online', 'today', 'week', 'total' ), 'lang' => 'vi', 'metric' => 'views', 'theme' => 'light' ), '_multiwidget' => 1 ) );
wp_set_sidebars_widgets( array( 'wp_inactive_widgets' => array(), 'footer' => array( 'footfall-2' ) ) );
$publish = static function ( $title, $content ) {
	return wp_insert_post( array( 'post_title' => $title, 'post_content' => $content, 'post_status' => 'publish' ), true );
};
$article    = $publish( 'Ra quân nạo vét kênh mương', '<p id="today">Hôm nay: [footfall metric="today.views"]</p>' );
$notice     = $publish( 'Thông báo 公告', '<p>Lịch tiếp công dân.</p>' );
$shortcodes = $publish( 'Shortcodes', implode( "\\n\\n", array(
	'<p id="s-figure">[footfall metric="today.views"]</p>',
	'<p id="s-english">[footfall metric="total.visitors" lang="en"]</p>',
	'<p id="s-mistyped">[footfall metric="today.bogus"]</p>',
	'<section id="s-widget">[footfall_widget rows="total, online,nonsense,online" lang="en" metric="visitors" theme="dark"]</section>',
	'<p id="s-other-post">[footfall_page_views id="' . $article . '"]</p>',
	'<p id="s-this-post">[footfall_page_views]</p>',
	'<p id="s-no-post">[footfall_page_views id="999999"]</p>',
) ) );
$post = static function ( $id ) {
	return array( 'id' => $id, 'url' => get_permalink( $id ), 'path' => Footfall_Paths::for_post( $id ) );
};
echo wp_json_encode( array( 'article' => $post( $article ), 'notice' => $post( $notice ), 'shortcodes' => $post( $shortcodes ) ) );
`);
  });

  afterEach(async () => {
    await Promise.allSettled(contexts.splice(0).map((context) => context.close()));
  });

  after(async () => {
    await Promise.allSettled([browser?.close()]);
    await Promise.allSettled([wp?.close(), server?.close()]);
  });

  async function html(url: string): Promise<string> {
    const response = await fetch(url);
    assert.equal(response.status, 200, `GET ${url}`);
    return response.text();
  }

  async function visit(url: string, userAgent?: string): Promise<{ page: Page; errors: Error[] }> {
    const context = await newVisitor(browser!, userAgent ? { userAgent } : {});
    contexts.push(context);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(url);
    return { page, errors };
  }

  /** The element with `id` in `markup`, inner HTML trimmed. */
  function inner(markup: string, id: string): string {
    const found = new RegExp(`<(p|section) id="${id}">([\\s\\S]*?)</\\1>`).exec(markup);
    assert.ok(found, `#${id} in the post`);
    return found[2]!.trim();
  }

  it('puts the snippet on every page once, async with data-site, and names each post by its permalink path', async () => {
    const snippet = `${server!.url}/footfall.js`;
    const article = snippetTags(await html(posts.article.url));
    assert.equal(article.length, 1, article.join('\n'));
    assert.match(article[0]!, /\sasync[\s>]/);
    assert.ok(article[0]!.includes(`data-site="${SITE}"`), article[0]);
    assert.ok(article[0]!.includes(`src='${snippet}'`) || article[0]!.includes(`src="${snippet}"`), article[0]);
    assert.equal(posts.article.path, '/ra-quan-nao-vet-kenh-muong/');
    assert.ok(article[0]!.includes(`data-path="${posts.article.path}"`), article[0]);

    // WordPress percent-encodes a slug in Chinese; footfall names the page by the decoded path.
    assert.match(posts.notice.url, /\/thong-bao-%e5%85%ac%e5%91%8a\/$/);
    assert.equal(posts.notice.path, '/thong-bao-公告/');
    assert.ok(snippetTags(await html(posts.notice.url))[0]!.includes('data-path="/thong-bao-公告/"'));

    const home = snippetTags(await html(`${wp!.url}/`));
    assert.equal(home.length, 1);
    assert.ok(!home[0]!.includes('data-path'), 'a listing page is named by its own URL');
    assert.deepEqual(snippetTags(await html(`${wp!.url}/feed/`)), [], 'no snippet in feeds');
  });

  it("shows the widget and the post's views with real figures, and moves them live when a second reader opens the post", async () => {
    const before = await server!.figures(SITE, [posts.article.path]);
    const vi = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
    const { page, errors } = await visit(posts.article.url);
    const shown = await waitFor('the footer widget', () => widgetFigures(page, FOOTER_WIDGET), (f) => f[3] === vi(before.total.views + 1));
    const first = await server!.figures(SITE, [posts.article.path]);
    assert.equal(first.total.views, before.total.views + 1);
    assert.deepEqual(shown, [String(first.online), vi(first.today.views), vi(first.week.views), vi(first.total.views)]);
    assert.deepEqual(await widgetLabels(page, FOOTER_WIDGET), ['Thống kê truy cập', 'Đang online', 'Hôm nay', 'Trong tuần', 'Tất cả']);
    const line = () => page.locator('.footfall-post-views').textContent();
    assert.equal(await waitFor("the post's views", line, (text) => text === `Lượt xem: ${before.pages[0]! + 1}`), `Lượt xem: ${first.pages[0]}`);
    assert.equal(await page.locator('#today').textContent(), `Hôm nay: ${vi(first.today.views)}`);
    await page.evaluate('window.notReloaded = true');

    const second = await visit(posts.article.url, FIREFOX_UA);
    await waitFor('the second reader', () => widgetFigures(second.page, FOOTER_WIDGET), (f) => f[3] === vi(first.total.views + 1));
    const raised = await waitFor('the first reader, live', () => widgetFigures(page, FOOTER_WIDGET), (f) => f[3] === vi(first.total.views + 1) && f[0] === String(first.online + 1));
    const now = await server!.figures(SITE, [posts.article.path]);
    assert.deepEqual(raised, [String(now.online), vi(now.today.views), vi(now.week.views), vi(now.total.views)]);
    assert.equal(now.pages[0], first.pages[0]! + 1);
    assert.equal(await waitFor("the post's views, live", line, (text) => text === `Lượt xem: ${now.pages[0]}`), `Lượt xem: ${now.pages[0]}`);
    assert.equal(await page.evaluate('window.notReloaded'), true, 'the first page was not reloaded');
    assert.deepEqual(errors, []);
    await screenshotOf(page, FOOTER_WIDGET, 'wordpress-footer-widget.png');
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'wordpress-post.png'), fullPage: true, animations: 'disabled' });
  });

  it('counts a post under the path the plugin names it by, also for a slug in Chinese', async () => {
    const before = await server!.figures(SITE, [posts.notice.path]);
    const { page } = await visit(posts.notice.url);
    await waitFor("the notice's views", () => page.locator('.footfall-post-views').textContent(), (text) => text === `Lượt xem: ${before.pages[0]! + 1}`);
    assert.equal((await server!.figures(SITE, [posts.notice.path])).pages[0], before.pages[0]! + 1);
  });

  it('keeps /?p=ID as the path of a post when permalinks are plain', async () => {
    await wp!.php("update_option( 'permalink_structure', '' );");
    try {
      const id = posts.article.id;
      const markup = await html(`${wp!.url}/?p=${id}`);
      const tags = snippetTags(markup);
      assert.equal(tags.length, 1);
      assert.ok(tags[0]!.includes(`data-path="/?p=${id}"`), tags[0]);
      assert.ok(markup.includes(`<span data-footfall="page.views" data-path="/?p=${id}" data-lang="vi"></span>`));
      assert.ok(markup.includes(`<link rel="canonical" href="${wp!.url}/?p=${id}" />`), 'WordPress names the same page canonical');
    } finally {
      await wp!.php("update_option( 'permalink_structure', '/%postname%/' );");
    }
  });

  it("renders the shortcodes as footfall's elements, and a mistyped one as nothing for readers", async () => {
    const markup = await html(posts.shortcodes.url);
    assert.equal(inner(markup, 's-figure'), '<span data-footfall="today.views" data-lang="vi"></span>');
    assert.equal(inner(markup, 's-english'), '<span data-footfall="total.visitors" data-lang="en"></span>');
    assert.equal(inner(markup, 's-mistyped'), '');
    assert.equal(inner(markup, 's-widget'), '<div data-footfall-widget data-lang="en" data-rows="total,online" data-metric="visitors" data-theme="dark"></div>');
    assert.equal(inner(markup, 's-other-post'), `<span data-footfall="page.views" data-path="${posts.article.path}" data-lang="vi"></span>`);
    assert.equal(inner(markup, 's-this-post'), `<span data-footfall="page.views" data-path="${posts.shortcodes.path}" data-lang="vi"></span>`);
    assert.equal(inner(markup, 's-no-post'), '');
  });

  it("saves and previews the widget as the block editor's Legacy Widget block does, keeping only known settings", async () => {
    // What the widgets screen sends when the administrator ticks All-time, Online now and a
    // row that does not exist, in that order.
    const form = ['rows][]=total', 'rows][]=bogus', 'rows][]=online', 'lang]=fr', 'metric]=visitors', 'theme]=dark'].map((field) => `widget-footfall[1][${field}`).join('&');
    const [status, encoded] = await wp!.phpJson<[number, { preview: string; form: string; instance: { raw: unknown } }]>(`
wp_set_current_user( 1 );
$request = new WP_REST_Request( 'POST', '/wp/v2/widget-types/footfall/encode' );
$request->set_param( 'form_data', ${phpString(form)} );
$response = rest_do_request( $request );
echo wp_json_encode( array( $response->get_status(), $response->get_data() ) );
`);
    assert.equal(status, 200);
    assert.deepEqual(encoded.instance.raw, { rows: ['online', 'total'], lang: 'auto', metric: 'visitors', theme: 'dark' });
    assert.equal(encoded.preview, '<div class="widget footfall-widget"><div data-footfall-widget data-lang="vi" data-rows="online,total" data-metric="visitors" data-theme="dark"></div></div>');
    assert.match(encoded.form, /name="widget-footfall\[-1\]\[rows\]\[\]" value="yesterday"/);
  });

  it('lets an administrator set it up on Settings → footfall, refuses bad values, and never shows the import key back', async function () {
    // wp-admin pages load dozens of files, one at a time from php -S.
    this.timeout(90_000);
    const context = await newVisitor(browser!);
    contexts.push(context);
    const page = await context.newPage();
    await logInAsAdmin(page, wp!);
    const settingsUrl = `${wp!.url}/wp-admin/options-general.php?page=footfall`;
    await page.goto(settingsUrl, { waitUntil: 'domcontentloaded' });
    assert.match((await page.locator('.footfall-connection').textContent()) ?? '', /footfall answers for wp-blog: \d+ views today/);
    assert.equal(await page.inputValue('#footfall_server_url'), server!.url);

    await page.fill('#footfall_site_id', 'Not A Site');
    assert.equal(await page.locator('#footfall_site_id').evaluate((input) => input.validity.valid), false, 'the browser flags the site id');
    // What the server does with it when the browser does not check (or is bypassed):
    await page.locator('form[action="options.php"]').evaluate((form) => (form.noValidate = true));
    await Promise.all([page.waitForURL(/settings-updated=true/, { waitUntil: 'domcontentloaded' }), page.click('#submit')]);
    assert.match(await page.locator('#setting-error-footfall_site_id').textContent() ?? '', /site id may contain lowercase letters/);
    assert.equal(await page.inputValue('#footfall_site_id'), SITE, 'the saved site id was kept');

    const key = 'ffk_import_0123456789abcdef';
    await page.fill('#footfall_import_key', key);
    await Promise.all([page.waitForURL(/settings-updated=true/, { waitUntil: 'domcontentloaded' }), page.click('#submit')]);
    assert.equal(await page.inputValue('#footfall_import_key'), '');
    assert.match((await page.locator('.footfall-key-saved').textContent()) ?? '', /••••••••cdef/);
    assert.ok(!(await page.content()).includes(key), 'the key is not in the page');

    // Saving other settings with the key field left empty keeps the key.
    await page.selectOption('#footfall_lang', 'en');
    await Promise.all([page.waitForURL(/settings-updated=true/, { waitUntil: 'domcontentloaded' }), page.click('#submit')]);
    const saved = await wp!.phpJson<{ key: string; lang: string }>(`echo wp_json_encode( array( 'key' => get_option( 'footfall_import_key' ), 'lang' => Footfall_Options::get( 'lang' ) ) );`);
    assert.deepEqual(saved, { key, lang: 'en' });
    await wp!.php("$s = get_option( 'footfall_settings' ); $s['lang'] = 'vi'; update_option( 'footfall_settings', $s );");

    // Those who can edit the post see why a shortcode shows nothing.
    await page.goto(posts.shortcodes.url);
    assert.match((await page.locator('#s-mistyped .footfall-problem').textContent()) ?? '', /"today\.bogus" is not a figure/);

    // The import screen's form is nonce-protected.
    const forged = await page.request.post(`${wp!.url}/wp-admin/tools.php?page=footfall-import`, { form: { footfall_step: 'preview', footfall_source: 'wp-statistics', 'footfall_parts[]': 'history' } });
    assert.equal(forged.status(), 403);
    assert.match(await forged.text(), /link you followed has expired/);
  });

  it('removes its options when it is deleted, and wrote no PHP notice or warning', async () => {
    const left = await wp!.phpJson<unknown[]>(`
require_once ABSPATH . 'wp-admin/includes/plugin.php';
uninstall_plugin( 'footfall/footfall.php' );
echo wp_json_encode( array( get_option( 'footfall_settings' ), get_option( 'footfall_import_key' ), get_option( 'widget_footfall' ) ) );
`);
    assert.deepEqual(left, [false, false, false]);
    const ours = (await wp!.debugLog()).split('\n').filter((line) => line.includes('/plugins/footfall/'));
    assert.deepEqual(ours, []);
  });
});
