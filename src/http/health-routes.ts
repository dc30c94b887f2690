/**
 * `/healthz` (the process answers), `/readyz` (the store answers and the server is not
 * draining; 503 otherwise, with the reason and any warnings about the store's settings) and
 * `/metrics` (Prometheus text; with `FOOTFALL_METRICS_TOKEN` set, for its holder only).
 */
import express, { type Router } from 'express';
import type { Counter } from '../counting/counter.js';
import type { Metrics } from '../metrics.js';
import type { Access } from '../ops/access.js';

export interface Readiness {
  /** True from the moment shutdown begins. */
  draining: boolean;
  /** Store settings that could lose counts (e.g. an evicting Redis), found at start. */
  warnings: string[];
}

export interface HealthDependencies {
  counter: Counter;
  metrics: Metrics;
  readiness: Readiness;
  access: Access;
}

export function healthRoutes(deps: HealthDependencies): Router {
  const router = express.Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const health = await deps.counter.health();
    const ready = health.storeAnswers && !deps.readiness.draining;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      store: health.storeAnswers ? 'answering' : 'not answering',
      connection: health.connection,
      writer: health.writer,
      backlog: health.backlog,
      bufferBytes: health.bufferBytes,
      draining: deps.readiness.draining,
      warnings: deps.readiness.warnings,
    });
  });

  router.get('/metrics', async (req, res) => {
    // Per-site series name every site: with FOOTFALL_METRICS_TOKEN set, only its holder reads them.
    deps.access.metrics(req.headers.authorization, req.ip ?? '');
    deps.metrics.observeStore({ connection: deps.counter.connection, buffered: deps.counter.buffered });
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  return router;
}
