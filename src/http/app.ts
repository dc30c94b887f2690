/**
 * The HTTP application: hot routes first (bare `node:http`), then Express for everything
 * else — admin API, health, metrics, the snippet and the static pages.
 */
import type { RequestListener } from 'node:http';
import express from 'express';
import type { Config } from '../config/config.js';
import type { Counter } from '../counting/counter.js';
import type { CountsCache } from '../counting/counts-cache.js';
import type { Logger } from '../log.js';
import { adminRoutes } from '../ops/admin-routes.js';
import { healthRoutes, type Readiness } from '../ops/health-routes.js';
import type { Metrics } from '../ops/metrics.js';
import type { Store } from '../store/store.js';
import { clientAddressResolver } from './client-address.js';
import { errorMiddleware, notFound } from './error-middleware.js';
import { createFastRoutes } from './fast-routes.js';
import { Ingest } from './ingest.js';
import { Reads } from './reads.js';
import { staticRoutes } from './static-routes.js';

export interface AppDependencies {
  config: Readonly<Config>;
  store: Store;
  counter: Counter;
  cache: CountsCache;
  metrics: Metrics;
  log: Logger;
  readiness: Readiness;
}

export function createApp(deps: AppDependencies): RequestListener {
  const { config, counter, log } = deps;
  const ingest = new Ingest({
    counter,
    metrics: deps.metrics,
    log: log.child({ module: 'ingest' }),
    clientAddress: clientAddressResolver(config.trustProxy),
    respectDnt: config.respectDnt,
  });
  const fast = createFastRoutes(ingest, new Reads(counter.sites, deps.cache, log.child({ module: 'reads' })));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(healthRoutes({ store: deps.store, writer: counter.writer, metrics: deps.metrics, readiness: deps.readiness }));
  app.use('/api/v1/admin', adminRoutes({ counter, store: deps.store, adminToken: config.adminToken, log: log.child({ module: 'admin' }) }));
  app.use(staticRoutes());
  app.use(notFound);
  app.use(errorMiddleware(log.child({ module: 'http' })));

  return (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
}
