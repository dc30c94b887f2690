/**
 * Builds a running footfall from a configuration — store, counter, operator use-cases, HTTP
 * app and live server — and listens. It only wires: each part brings its own behaviour (the
 * store its change feed, the counter its writer). Shared by the composition root
 * (src/main.ts), the CLI's `serve` and the tests, which boot real servers on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { Admissions } from './counting/admission.js';
import { clientAddressResolver } from './counting/client-address.js';
import type { Counter } from './counting/counter.js';
import { CountsCache } from './counting/counts-cache.js';
import { createCounter } from './counting/create-counter.js';
import { createCountryLookup } from './counting/sources/country.js';
import { SourceClassifier } from './counting/sources/source-classifier.js';
import { createApp } from './http/app.js';
import { applyHttpLimits, HTTP_SERVER_OPTIONS, stopKeepingAlive } from './http/http-limits.js';
import type { RouteEntry } from './http/route-list.js';
import type { Readiness } from './http/health-routes.js';
import { attachLive, type Live } from './live/live-server.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { AuditTrail } from './ops/audit-trail.js';
import { HistoryImport } from './ops/history-import.js';
import { Access } from './ops/access.js';
import { applySitesFile, ensureDemoSite } from './ops/initial-sites.js';
import { KeyAdmin } from './ops/keys.js';
import { PageBaselines } from './ops/page-baselines.js';
import { SiteAdmin } from './ops/site-admin.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  /** `http://host:port` as listening (port 0 resolved). */
  readonly url: string;
  readonly port: number;
  readonly http: Server;
  readonly store: Store;
  readonly counter: Counter;
  readonly live: Live;
  readonly metrics: Metrics;
  /** Every method and path the HTTP API answers (the API document is checked against it). */
  readonly routes: readonly RouteEntry[];
  /** Graceful stop: refuse new work, flush every accepted hit, close sockets and the store. */
  close(): Promise<void>;
}

/** How long a graceful stop may take before what is left is given up (and logged). */
const SHUTDOWN_BUDGET_MS = 8_000;

export async function startServer(config: Readonly<Config>, log: Logger): Promise<RunningServer> {
  // Stores and connections name their own module in the log.
  const store = await createStore(config.store, { log });
  const metrics = createMetrics({ siteLimit: config.metricsSiteLimit });
  // The country database is read into memory once, here (about 8 MB).
  const sources = new SourceClassifier(createCountryLookup({ databasePath: config.countryDatabase }));
  const counter = createCounter(config, store, log, metrics, sources);
  await counter.start();
  const audit = new AuditTrail(store, Date.now, log.child({ module: 'admin' }));
  const ops = {
    sites: new SiteAdmin(counter, audit),
    historyImport: new HistoryImport(counter, audit),
    pageBaselines: new PageBaselines(counter, audit),
    keys: new KeyAdmin(store, audit, (id) => counter.site(id) !== undefined),
    audit,
  };
  const access = new Access({
    store,
    adminToken: config.adminToken,
    metricsToken: config.metricsToken,
    log: log.child({ module: 'access' }),
    recheckMs: config.pushIntervalMs,
  });
  if (config.trustProxy === true) {
    log.warn(
      { module: 'config' },
      'FOOTFALL_TRUST_PROXY=on believes the leftmost X-Forwarded-For address, which any client can write: unless every request passes a proxy that overwrites the header, use a hop count (1) or the proxies\' addresses instead',
    );
  }
  if (config.sitesFile) await applySitesFile(config.sitesFile, counter, ops.sites);

  const readiness: Readiness = { draining: false, warnings: await store.warnings() };
  for (const warning of readiness.warnings) log.warn({ module: 'store' }, warning);
  const cache = new CountsCache(counter, config.pushIntervalMs);
  const clientAddress = clientAddressResolver(config.trustProxy);
  const admissions = new Admissions({ counter, clientAddress, respectDnt: config.respectDnt });
  const app = createApp({ config, counter, admissions, cache, ops, access, metrics, log, readiness });
  const http = createServer(HTTP_SERVER_OPTIONS, app.listener);
  applyHttpLimits(http, config.maxConnections);
  const live = await attachLive(http, { counter, admissions, access, cache, metrics, log: log.child({ module: 'live' }), config, clientAddress });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  await ensureDemoSite(counter, ops.sites, port);
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, store: config.storeLabel, sites: counter.listSites().length }, 'footfall listening');

  let closing: Promise<void> | undefined;
  const close = async () => {
    const deadline = Date.now() + SHUTDOWN_BUDGET_MS;
    readiness.draining = true;
    stopKeepingAlive(http);
    const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await live.close();
    // In-flight requests finish (their hits are accepted); then nothing is left to wait for.
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    http.closeAllConnections();
    await counter.close(deadline);
    await store.close();
    log.info('footfall stopped');
  };

  return {
    url,
    port,
    http,
    store,
    counter,
    live,
    metrics,
    routes: app.routes,
    close: () => (closing ??= close()),
  };
}
