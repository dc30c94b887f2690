/**
 * `/healthz` (the process answers), `/readyz` (the store answers and the server is not
 * draining; 503 otherwise, with the reason and any warnings about the store's settings) and
 * `/metrics` (Prometheus text).
 */
import express, { type Router } from 'express';
import type { Counter } from '../counting/counter.js';
import type { Metrics } from '../metrics.js';

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
      draining: deps.readiness.draining,
      warnings: deps.readiness.warnings,
    });
  });

  router.get('/metrics', async (_req, res) => {
    deps.metrics.observeStore({ connection: deps.counter.connection, backlog: deps.counter.backlog });
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  return router;
}
