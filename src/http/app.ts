/**
 * The HTTP application: hot routes first (bare `node:http`), then Express for everything
 * else — admin API, health, metrics, the snippet and the static pages.
 */
import type { RequestListener } from 'node:http';
import express from 'express';
import type { Config } from '../config/config.js';
import type { Admissions } from '../counting/admission.js';
import type { Counter } from '../counting/counter.js';
import type { CountsCache } from '../counting/counts-cache.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { AuditTrail } from '../ops/audit-trail.js';
import type { Access } from '../ops/access.js';
import type { HistoryImport } from '../ops/history-import.js';
import type { KeyAdmin } from '../ops/keys.js';
import type { PageBaselines } from '../ops/page-baselines.js';
import type { SiteAdmin } from '../ops/site-admin.js';
import { adminRoutes } from './admin-routes.js';
import { busuanziRoutes } from './busuanzi-script.js';
import { errorMiddleware, notFound } from './error-middleware.js';
import { createFastRoutes } from './fast-routes.js';
import { FAST_ROUTES } from './fast-routes.js';
import { healthRoutes, type Readiness } from './health-routes.js';
import { Ingest } from './ingest.js';
import { openApiRoutes } from './openapi.js';
import { Reads } from './reads.js';
import { routesOf, type ListsRoutes, type RouteEntry } from './route-list.js';
import { siteRoutes } from './site-routes.js';
import { staticRoutes } from './static-routes.js';

export interface AppDependencies {
  config: Readonly<Config>;
  counter: Counter;
  admissions: Admissions;
  cache: CountsCache;
  /** The operator use-cases the admin API calls. */
  ops: { sites: SiteAdmin; historyImport: HistoryImport; pageBaselines: PageBaselines; audit: AuditTrail; keys: KeyAdmin };
  access: Access;
  metrics: Metrics;
  log: Logger;
  readiness: Readiness;
}

export interface App {
  listener: RequestListener;
  /** Every method and path answered, the hot routes first (checked against docs/openapi.json). */
  routes: RouteEntry[];
}

export function createApp(deps: AppDependencies): App {
  const { config, counter, log } = deps;
  const ingest = new Ingest({ counter, admissions: deps.admissions, metrics: deps.metrics, log: log.child({ module: 'ingest' }) });
  const fast = createFastRoutes(ingest, new Reads(counter, deps.cache, log.child({ module: 'reads' })));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(healthRoutes({ counter, metrics: deps.metrics, readiness: deps.readiness, access: deps.access }));
  app.use(openApiRoutes());
  app.use('/api/v1/admin', adminRoutes({ counter, ...deps.ops, access: deps.access }));
  app.use(
    '/api/v1/sites/:site',
    siteRoutes({
      counter,
      historyImport: deps.ops.historyImport,
      pageBaselines: deps.ops.pageBaselines,
      grant: (req, site, need) => deps.access.site(req.headers.authorization, req.ip ?? '', site, need),
    }),
  );
  app.use(busuanziRoutes(counter));
  app.use(staticRoutes(config.scriptName));
  app.use(notFound);
  app.use(errorMiddleware(log.child({ module: 'http' })));

  const fastRoutes = Object.entries(FAST_ROUTES).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method, path })));
  return {
    listener: (req, res) => {
      if (!fast(req, res)) app(req, res);
    },
    routes: [...fastRoutes, ...routesOf(app.router as unknown as ListsRoutes)],
  };
}
