/**
 * Prometheus metrics of one server. Each server has its own registry (tests run several in
 * one process), handed to the components that record into it.
 */
import { Counter as PromCounter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How an ingest request ended; the `result` label of `footfall_hits_total`. */
export type HitResult =
  | 'counted'
  | 'bot'
  | 'prefetch'
  | 'origin_not_allowed'
  | 'unknown_site'
  | 'invalid_body'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'store_unavailable';

export interface Metrics {
  readonly registry: Registry;
  readonly hits: PromCounter<'result'>;
  readonly flushSeconds: Histogram;
  readonly storeErrors: PromCounter;
  readonly bufferEntries: Gauge;
  readonly storeReady: Gauge;
  readonly liveConnections: Gauge;
  readonly pushes: PromCounter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'footfall_process_' });
  return {
    registry,
    hits: new PromCounter({ name: 'footfall_hits_total', help: 'Hit and ping requests by result.', labelNames: ['result'], registers: [registry] }),
    flushSeconds: new Histogram({
      name: 'footfall_flush_duration_seconds',
      help: 'Time to write one flush of batches to the store.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    storeErrors: new PromCounter({ name: 'footfall_store_errors_total', help: 'Store operations that failed.', registers: [registry] }),
    bufferEntries: new Gauge({ name: 'footfall_buffer_entries', help: 'Entries accepted but not yet written to the store.', registers: [registry] }),
    storeReady: new Gauge({ name: 'footfall_store_ready', help: '1 while the last write to the store succeeded.', registers: [registry] }),
    liveConnections: new Gauge({ name: 'footfall_live_connections', help: 'Open live (Socket.IO) connections.', registers: [registry] }),
    pushes: new PromCounter({ name: 'footfall_pushes_total', help: 'counts events sent, one per site or path room per push.', registers: [registry] }),
  };
}
