/**
 * What a browser test of the snippet stands on: a footfall server, Chromium and a website
 * embedding footfall, started before a describe block's tests and closed after them, with each
 * test's visitors closed after it, even when it fails.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newVisitor, startHostSite, type HostSite } from './browser.js';
import { startTestServer, type TestServer } from './server.js';

export interface BrowserRig {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly host: HostSite;
  /** A new visitor (see `newVisitor`), closed after the test. */
  visitor(options?: Parameters<typeof newVisitor>[1]): Promise<BrowserContext>;
}

/** Registers the describe block's hooks; `env` configures its server. */
export function browserRig(env: Record<string, string> = {}): BrowserRig {
  let parts: { server: TestServer; browser: Browser; host: HostSite } | undefined;
  const contexts: BrowserContext[] = [];
  const started = () => {
    if (!parts) throw new Error('the browser rig starts in the before hook');
    return parts;
  };

  before(async () => {
    const [server, browser, host] = await Promise.all([startTestServer(env), launchBrowser(), startHostSite()]);
    parts = { server, browser, host };
  });

  afterEach(async () => {
    await Promise.allSettled(contexts.splice(0).map((context) => context.close()));
  });

  after(async () => {
    // The browser first: its open connections would hold up the server's graceful close.
    await Promise.allSettled([parts?.browser.close()]);
    await Promise.allSettled([parts?.host.close(), parts?.server.close()]);
  });

  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    get host() {
      return started().host;
    },
    async visitor(options) {
      const context = await newVisitor(started().browser, options);
      contexts.push(context);
      return context;
    },
  };
}
