/**
 * Real Chromium for the snippet's tests — Debian's /usr/bin/chromium driven by playwright-core —
 * and small `node:http` servers that play the websites embedding footfall.
 *
 * Code that runs inside the page is passed as strings: the root tsconfig has no DOM types.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { BROWSER_UA } from './server.js';

/** Where test runs leave screenshots (gitignored). */
export const SCREENSHOT_DIR = path.join(PACKAGE_ROOT, 'test-output', 'screenshots');

/** Headless Chromium, quiet: no background traffic of its own on this offline machine. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

/**
 * A visitor: a fresh context with a desktop Chrome User-Agent. Headless Chromium's own
 * ("HeadlessChrome") is, rightly, a bot to footfall and would count nothing.
 */
export function newVisitor(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1000, height: 800 }, ...options });
}

/** What went wrong inside a page: uncaught exceptions and unhandled rejections. */
export function pageErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  return errors;
}

/** The host page a site serves: its own markup, with the snippet tag at the end of the body. */
export interface HostPageOptions {
  /** footfall's base URL, e.g. `http://127.0.0.1:43210`. */
  footfall: string;
  site: string;
  body?: string;
  head?: string;
  lang?: string;
  /** More attributes for the snippet's tag, e.g. `data-path="/tin-tuc/123"`. */
  tag?: string;
}

export function hostPage({ footfall, site, body = '', head = '', lang = 'vi', tag = '' }: HostPageOptions): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>host page</title>${head}</head>
<body>${body}<script async src="${footfall}/footfall.js" data-site="${site}" ${tag}></script></body></html>`;
}

/** A website on its own port, reachable under two origins (two hostnames, one server). */
export interface HostSite {
  /** `http://localhost:PORT`: the origin a test puts in the site's origins. */
  readonly origin: string;
  /** `http://127.0.0.1:PORT`: the same pages under an origin the site does not allow. */
  readonly otherOrigin: string;
  /** Serves `html` at `path` (exact match, query ignored). */
  page(path: string, html: string): void;
  close(): Promise<void>;
}

export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    res.writeHead(html === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    otherOrigin: `http://127.0.0.1:${port}`,
    page: (at, html) => void pages.set(at, html),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Polls `read` until `accept` holds; resolves with the accepted value, or rejects after
 * `timeoutMs` naming `what` and the last value seen.
 */
export async function waitFor<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The widget's figures as shown, in row order (by default online, today, this week, all-time). */
export function widgetFigures(page: Page, selector = '[data-footfall-widget]'): Promise<string[]> {
  return page.locator(`${selector} dd`).allTextContents();
}

/** The widget's title and row labels, as shown. */
export function widgetLabels(page: Page, selector = '[data-footfall-widget]'): Promise<string[]> {
  return page.locator(`${selector} .t, ${selector} dt`).allTextContents();
}

/** Saves a screenshot of one element under test-output/screenshots/; returns the file. */
export async function screenshotOf(page: Page, selector: string, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, name);
  await page.locator(selector).screenshot({ path: file, animations: 'disabled' });
  return file;
}
