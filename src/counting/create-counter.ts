/** A counter configured from the settings, for the server and for the CLI alike. */
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { WriterEvents } from './batch-writer.js';
import { Counter } from './counter.js';

export function createCounter(config: Readonly<Config>, store: Store, log: Logger, events?: Partial<WriterEvents>): Counter {
  return new Counter({
    store,
    log: log.child({ module: 'counter' }),
    onlineWindowMs: config.onlineWindowMs,
    rateLimit: config.rateLimit,
    flushIntervalMs: config.flushIntervalMs,
    bufferLimit: config.bufferLimit,
    events,
  });
}
