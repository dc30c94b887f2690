/**
 * A real WordPress for tests: Debian's `wordpress` package, run by `php -S` on a free port,
 * on a fresh database in the machine's MariaDB (127.0.0.1:3306, root without a password).
 *
 * Nothing of the system's WordPress is touched: the docroot is a copy of /usr/share/wordpress
 * in a temp dir (a copy, not symlinks: PHP resolves `__DIR__` through symlinks, and Debian's
 * own wp-config.php reads /etc/wordpress), with a generated wp-config.php and its own
 * wp-content. `close()` stops the server by its handle, drops the database and removes the
 * dir; the exit hooks of child-processes.ts do the same for a run that dies first.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { onCleanup, onOutputLines, spawnTracked, stopChild } from './child-processes.js';
import { freePort } from './free-port.js';

export const WORDPRESS_DIR = '/usr/share/wordpress';
/** The plugin as users install it. */
export const FOOTFALL_PLUGIN_DIR = path.join(PACKAGE_ROOT, 'integrations', 'wordpress', 'footfall');
/** A minimal classic theme: posts, a footer widget area, wp_head and wp_footer. */
export const TEST_THEME_DIR = path.join(PACKAGE_ROOT, 'test', 'wordpress', 'theme');
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };
export const ADMIN = { user: 'admin', password: 'footfall-test-password', email: 'admin@example.com' };

/** How to get what is missing, for the skip message. */
const INSTALL_HINT = 'apt-get install -y --no-install-recommends wordpress php-cli php-mysql (and a MariaDB on 127.0.0.1:3306 with a passwordless root)';

/** What this machine lacks to run a WordPress, each said plainly; [] when everything is there. */
export function missingForWordPress(): string[] {
  const missing: string[] = [];
  if (!existsSync(path.join(WORDPRESS_DIR, 'wp-settings.php'))) missing.push(`Debian's wordpress package (${WORDPRESS_DIR})`);
  let modules = '';
  try {
    modules = execFileSync('php', ['-m'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    missing.push('php (php-cli)');
    return withHint(missing);
  }
  if (!/^mysqli$/im.test(modules)) return withHint([...missing, "PHP's mysqli extension (php-mysql)"]);
  try {
    execFileSync('php', ['-r', `${connectPhp()} echo 'ok';`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (error) {
    missing.push(`MariaDB at ${MARIADB.host}:${MARIADB.port} for user ${MARIADB.user} (${firstLine(error)})`);
  }
  return withHint(missing);
}

/** For a suite's `before`: skips the suite, with a warning naming what is missing, where WordPress cannot run. */
export function skipWithoutWordPress(context: Mocha.Context, suite: string): void {
  const missing = missingForWordPress();
  if (missing.length === 0) return;
  console.warn(`\n  !!! SKIPPING ${suite}: this machine lacks ${missing.join('; ')}\n`);
  context.skip();
}

function withHint(missing: string[]): string[] {
  return missing.length === 0 ? missing : [...missing, `install with: ${INSTALL_HINT}`];
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  return (stderr || String(error)).trim().split('\n')[0] ?? '';
}

function connectPhp(): string {
  return `mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT); $db = new mysqli('${MARIADB.host}', '${MARIADB.user}', '', '', ${MARIADB.port});`;
}

/** Runs one statement on MariaDB through PHP's mysqli (no mysql client needed). */
function mariadb(statement: string): void {
  execFileSync('php', ['-r', `${connectPhp()} $db->query(${phpString(statement)});`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

/** A PHP single-quoted string literal. */
export function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface WordPress {
  /** `http://127.0.0.1:PORT`: home and siteurl. */
  readonly url: string;
  readonly port: number;
  readonly database: string;
  readonly docroot: string;
  /** Every line `php -S` wrote (one per request), for a failing test's message. */
  readonly serverLog: string[];
  /**
   * Runs PHP statements with WordPress loaded, as a CLI script (`<?php` is added); resolves
   * with what they print. Rejects with PHP's output when the script fails.
   */
  php(code: string): Promise<string>;
  /** {@link php} for code that ends by printing one JSON document. */
  phpJson<T>(code: string): Promise<T>;
  /** WordPress' debug.log (PHP notices, warnings and errors of every request). */
  debugLog(): Promise<string>;
  close(): Promise<void>;
}

export interface WordPressOptions {
  /** Plugin folders copied into wp-content/plugins and activated, e.g. integrations/wordpress/footfall. */
  plugins?: string[];
  /** A theme folder copied into wp-content/themes and switched to. */
  theme: string;
  /** The site's title; its language is `WPLANG`. */
  title?: string;
  /** The site language (a locale WordPress ships, e.g. en_US). */
  locale?: string;
}

/** Installs WordPress on a new database and serves it; resolves once it answers. */
export async function startWordPress(options: WordPressOptions): Promise<WordPress> {
  const started = Date.now();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = `footfall_wp_${randomBytes(6).toString('hex')}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'footfall-wp-'));
  const docroot = path.join(dir, 'docroot');
  let child: ChildProcess | undefined;
  let dropped = false;
  const dropEverything = (): void => {
    if (!dropped) {
      dropped = true;
      try {
        mariadb(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        execFileSync('rm', ['-rf', dir]);
      }
    }
  };
  const unregister = onCleanup(dropEverything);
  try {
    // GNU cp -L: Debian links some files to /usr/share/javascript with relative targets.
    execFileSync('cp', ['-rL', WORDPRESS_DIR, docroot]);
    await Promise.all(['wp-config.php', '.htaccess', 'wp-content'].map((name) => rm(path.join(docroot, name), { recursive: true, force: true })));
    for (const sub of ['plugins', 'themes', 'uploads', 'mu-plugins']) await mkdir(path.join(docroot, 'wp-content', sub), { recursive: true });
    for (const plugin of options.plugins ?? []) await cp(plugin, path.join(docroot, 'wp-content', 'plugins', path.basename(plugin)), { recursive: true });
    await cp(options.theme, path.join(docroot, 'wp-content', 'themes', path.basename(options.theme)), { recursive: true });
    // No mail on this machine: WordPress' install notice would print "sendmail: not found".
    await writeFile(path.join(docroot, 'wp-content', 'mu-plugins', 'no-mail.php'), "<?php\nadd_filter( 'pre_wp_mail', '__return_true' );\n");
    await writeFile(path.join(docroot, 'wp-config.php'), wpConfig({ database, url, logFile: path.join(dir, 'debug.log') }));
    await writeFile(path.join(dir, 'cli.php'), cliBootstrap(port, docroot));
    mariadb(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);

    let scripts = 0;
    const php = async (code: string, env: Record<string, string> = {}): Promise<string> => {
      const file = path.join(dir, `script-${++scripts}.php`);
      await writeFile(file, `<?php\n${code}\n`);
      return runPhp([path.join(dir, 'cli.php'), file], env);
    };
    await php(installScript(options), { FOOTFALL_WP_INSTALLING: '1' });

    const serverLog: string[] = [];
    child = spawnTracked('php', ['-d', 'opcache.enable_cli=1', '-S', `127.0.0.1:${port}`, '-t', docroot], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    onOutputLines(child, (line) => serverLog.push(line));
    await answering(url, child, serverLog);
    const server = child;
    // Shown once per file: what a WordPress costs here.
    console.log(`      (WordPress ${await php('echo get_bloginfo( "version" );')} at ${url}, database ${database}, ready in ${Date.now() - started} ms)`);
    return {
      url,
      port,
      database,
      docroot,
      serverLog,
      php: (code) => php(code),
      phpJson: async <T>(code: string) => JSON.parse(await php(code)) as T,
      debugLog: async () => (existsSync(path.join(dir, 'debug.log')) ? readFile(path.join(dir, 'debug.log'), 'utf8') : ''),
      async close() {
        await stopChild(server, { signal: 'SIGTERM', timeoutMs: 3000 });
        unregister();
        dropEverything();
      },
    };
  } catch (error) {
    if (child) await stopChild(child, { signal: 'SIGKILL' });
    unregister();
    dropEverything();
    throw error;
  }
}

function runPhp(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawnTracked('php', ['-d', 'display_errors=stderr', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`php ${path.basename(args[1] ?? '')} exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

/** Resolves once the server answers a request; rejects if it exits or takes over 10 s. */
async function answering(url: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`php -S exited:\n${log.join('\n')}`);
    try {
      const response = await fetch(`${url}/wp-includes/images/blank.gif`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`php -S did not answer within 10 s:\n${log.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function wpConfig({ database, url, logFile }: { database: string; url: string; logFile: string }): string {
  const salts = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']
    .map((name) => `define( '${name}', '${randomBytes(24).toString('hex')}' );`)
    .join('\n');
  return `<?php
// Written by footfall's tests (test/support/wordpress.ts).
define( 'DB_NAME', '${database}' );
define( 'DB_USER', '${MARIADB.user}' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '${MARIADB.host}:${MARIADB.port}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
define( 'WP_HOME', '${url}' );
define( 'WP_SITEURL', '${url}' );
${salts}
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', ${phpString(logFile)} );
// Offline machine, single-process server: no cron loopbacks, no update checks.
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;
}

/** Loads WordPress for a CLI script given as the first argument. */
function cliBootstrap(port: number, docroot: string): string {
  return `<?php
$_SERVER['HTTP_HOST']       = '127.0.0.1:${port}';
$_SERVER['SERVER_NAME']     = '127.0.0.1';
$_SERVER['SERVER_PORT']     = '${port}';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
if ( getenv( 'FOOTFALL_WP_INSTALLING' ) ) {
	define( 'WP_INSTALLING', true );
}
require ${phpString(path.join(docroot, 'wp-load.php'))};
require $argv[1];
`;
}

function installScript(options: WordPressOptions): string {
  const plugins = (options.plugins ?? []).map((plugin) => `${path.basename(plugin)}/${path.basename(plugin)}.php`);
  return `
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_install( ${phpString(options.title ?? 'footfall test site')}, ${phpString(ADMIN.user)}, ${phpString(ADMIN.email)}, true, '', ${phpString(ADMIN.password)}, ${phpString(options.locale ?? '')} );
update_option( 'permalink_structure', '/%postname%/' );
switch_theme( ${phpString(path.basename(options.theme))} );
foreach ( ${phpArray(plugins)} as $plugin ) {
	$activated = activate_plugin( $plugin );
	if ( is_wp_error( $activated ) ) {
		fwrite( STDERR, $plugin . ': ' . $activated->get_error_message() );
		exit( 1 );
	}
}
// The first post and page WordPress creates: the tests make their own.
wp_delete_post( 1, true );
wp_delete_post( 2, true );
flush_rewrite_rules();
`;
}

/** A PHP array literal of strings. */
export function phpArray(values: string[]): string {
  return `array( ${values.map(phpString).join(', ')} )`;
}

/** Signs `page` in as the administrator through wp-login.php, as a person would. */
export async function logInAsAdmin(page: Page, wp: WordPress): Promise<void> {
  await page.goto(`${wp.url}/wp-login.php`, { waitUntil: 'domcontentloaded' });
  await page.fill('#user_login', ADMIN.user);
  await page.fill('#user_pass', ADMIN.password);
  await Promise.all([page.waitForURL(/\/wp-admin\//, { waitUntil: 'domcontentloaded' }), page.click('#wp-submit')]);
}

/** Every `<script>` element of `html` that loads footfall.js. */
export function snippetTags(html: string): string[] {
  return html.match(/<script\b[^>]*\bsrc=["'][^"']*\/footfall\.js["'][^>]*>/g) ?? [];
}
