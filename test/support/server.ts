/** Real footfall servers for tests: in this process on port 0, with a silent logger. */
import { loadConfig } from '../../src/config/config.js';
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import type { Site, SiteSettingsInput } from '../../src/counting/site.js';
import { siteSchema } from '../../src/counting/site.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';

export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const SITE_ORIGIN = 'https://longhuu.example.vn';

/**
 * Tests send their traffic from 127.0.0.1, as many visitors: the per-visitor and per-address
 * budgets are off unless a test turns them on (the budget tests do).
 */
export const ADDRESS_BUDGETS_OFF = {
  FOOTFALL_NEW_VISITORS_PER_ADDRESS: '0',
  FOOTFALL_VIEWS_PER_ADDRESS: '0',
  FOOTFALL_PINGS_PER_ADDRESS: '0',
};
export const BUDGETS_OFF = { FOOTFALL_RATE_LIMIT: '0', ...ADDRESS_BUDGETS_OFF };

export interface TestServer extends RunningServer {
  /** Adds a site (origins default to SITE_ORIGIN) and returns it. */
  addSite(id: string, settings?: SiteSettingsInput): Promise<Site>;
  /** Exact figures as stored now: flushes, then reads past the cache. */
  figures(siteId: string, paths?: string[]): Promise<Omit<CountsPayload, 'at' | 'pages'> & { pages: number[] }>;
}

/** Starts a server; `env` overrides the test defaults (memory store, port 0, silent log). */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    FOOTFALL_STORE: 'memory:',
    FOOTFALL_LOG_LEVEL: 'silent',
    ...BUDGETS_OFF,
    ...env,
  });
  const server = await startServer(config, createLogger(config.logLevel));
  return Object.assign(server, {
    async addSite(id: string, settings: SiteSettingsInput = {}) {
      const site = siteSchema.parse({ id, origins: [SITE_ORIGIN], ...settings });
      await server.counter.putSite(site);
      return site;
    },
    async figures(siteId: string, paths: string[] = []) {
      const site = server.counter.site(siteId);
      if (!site) throw new Error(`no site ${siteId}`);
      await server.counter.flush();
      const { counts, pages } = await server.counter.readCounts(site, paths);
      const { at: _at, ...rest } = counts;
      return { ...rest, pages };
    },
  });
}

export interface HitOptions {
  site?: string;
  url?: string;
  origin?: string | null;
  userAgent?: string | null;
  contentType?: string;
  ip?: string;
  headers?: Record<string, string>;
  /** The page's referrer as the snippet sends it (default Google); null for none. */
  referrer?: string | null;
}

/** Sends `POST /api/v1/hit` as a browser on SITE_ORIGIN would, unless told otherwise. */
export function postHit(server: { url: string }, site: string, options: HitOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'text/plain;charset=UTF-8' };
  if (options.origin !== null) headers.origin = options.origin ?? SITE_ORIGIN;
  if (options.userAgent !== null) headers['user-agent'] = options.userAgent ?? BROWSER_UA;
  Object.assign(headers, options.headers);
  return fetch(`${server.url}/api/v1/hit`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ site, url: options.url ?? `${SITE_ORIGIN}/tin-tuc/le-hoi?utm=x#top`, referrer: options.referrer === undefined ? 'https://www.google.com/' : options.referrer }),
  });
}
