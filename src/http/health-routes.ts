/**
 * `/healthz` (the process answers), `/readyz` (the store answers and the server is not
 * draining; 503 otherwise, with the reason and any warnings about the store's settings) and
 * `/metrics` (Prometheus text).
 */
import express, { type Router } from 'express';
import type { BatchWriter } from '../counting/batch-writer.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

export interface Readiness {
  /** True from the moment shutdown begins. */
  draining: boolean;
  /** Store settings that could lose counts (e.g. an evicting Redis), found at start. */
  warnings: string[];
}

export interface HealthDependencies {
  store: Store;
  writer: BatchWriter;
  metrics: Metrics;
  readiness: Readiness;
}

const PING_TIMEOUT_MS = 1000;

function pingWithin(store: Store, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    store.ping().then(
      () => resolve(true),
      () => resolve(false),
    ).finally(() => clearTimeout(timer));
  });
}

export function healthRoutes(deps: HealthDependencies): Router {
  const router = express.Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const storeAnswers = await pingWithin(deps.store, PING_TIMEOUT_MS);
    const ready = storeAnswers && !deps.readiness.draining;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      store: storeAnswers ? 'answering' : 'not answering',
      writer: deps.writer.state,
      backlog: deps.writer.entries,
      draining: deps.readiness.draining,
      warnings: deps.readiness.warnings,
    });
  });

  router.get('/metrics', async (_req, res) => {
    deps.metrics.bufferEntries.set(deps.writer.entries);
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  return router;
}
