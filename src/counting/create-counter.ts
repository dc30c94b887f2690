/** A counter configured from the settings, for the server and for the CLI alike. */
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { Counter } from './counter.js';

export function createCounter(config: Readonly<Config>, store: Store, log: Logger, metrics: Metrics): Counter {
  return new Counter({
    store,
    log: log.child({ module: 'counter' }),
    metrics,
    onlineWindowMs: config.onlineWindowMs,
    rateLimit: config.rateLimit,
    retentionDays: config.retentionDays,
    flushIntervalMs: config.flushIntervalMs,
    bufferLimit: config.bufferLimit,
  });
}
