/** A counter configured from the settings, for the server and for the CLI alike. */
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { Counter } from './counter.js';
import type { SourceClassifier } from './sources/source-classifier.js';

/** `sources`: where views come from is collected only with one (the server's; the CLI counts no hits). */
export function createCounter(config: Readonly<Config>, store: Store, log: Logger, metrics: Metrics, sources?: SourceClassifier): Counter {
  return new Counter({
    store,
    sources,
    log: log.child({ module: 'counter' }),
    metrics,
    onlineWindowMs: config.onlineWindowMs,
    rateLimit: config.rateLimit,
    addressBudgets: { views: config.viewsPerAddress, pings: config.pingsPerAddress, newVisitors: config.newVisitorsPerAddress },
    retentionDays: config.retentionDays,
    flushIntervalMs: config.flushIntervalMs,
    bufferLimit: config.bufferLimit,
    bufferBytes: config.bufferBytes,
    answerWhenWritten: config.answer === 'written',
  });
}
