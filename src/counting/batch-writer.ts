/**
 * Writes accepted hits in batches: one store round trip per site per flush interval. When the
 * store fails, the batch that was sent is kept as it is and retried under the same id (it may
 * have run: the store applies an id once), while new hits keep aggregating in memory up to the
 * buffer limit. After each flush it publishes the sites it wrote on the store's change feed,
 * which is how every instance's widgets hear of a hit.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { PathLimit, RateTotals, SiteBatch, Store } from '../store/store.js';
import { PendingBatch } from './pending-batch.js';

export type WriterState = 'ready' | 'degraded' | 'closed';

export interface BatchWriterOptions {
  store: Store;
  log: Logger;
  metrics: Metrics;
  intervalMs: number;
  onlineWindowMs: number;
  clock: () => number;
  /** A batch of `site` reached the store; `totals` are its rate-limit totals. */
  onTotals(site: string, totals: RateTotals): void;
  /** A flush ended (written or not): held work may be retried now. */
  onFlushed(): void;
  /** The path caps of a site's batches: its setting now. */
  pathLimitOf(site: string): PathLimit;
}

interface InDoubt {
  batch: SiteBatch;
  /** What it was made from, for its size. */
  held: PendingBatch;
}

/** What the writer holds in memory: entries, and their estimated bytes. */
export interface Held {
  entries: number;
  bytes: number;
}

export class BatchWriter {
  private readonly options: BatchWriterOptions;
  private pending = new Map<string, PendingBatch>();
  private readonly inDoubt = new Map<string, InDoubt>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stateValue: WriterState = 'ready';
  /** Batch ids are this writer's id and a sequence number (see SiteBatch). */
  private readonly writerId = randomUUID();
  private seq = 0;
  private runStarted = 0;
  /** Batches on their way to the store, until they land or are held in doubt. */
  private readonly sending = new Map<string, PendingBatch>();
  /** Sites whose batches reached the store in the flush under way. */
  private readonly applied = new Set<string>();

  constructor(options: BatchWriterOptions) {
    this.options = options;
    options.metrics.storeReady.set(1);
  }

  get state(): WriterState {
    return this.stateValue;
  }

  /**
   * True while the last write failed or the one under way takes far longer than a flush should
   * (a stalled store answers nothing until its commands time out).
   */
  get behind(): boolean {
    return this.stateValue !== 'ready' || (this.runStarted > 0 && Date.now() - this.runStarted > Math.max(250, 5 * this.options.intervalMs));
  }

  /** Distinct entries waiting to be written, in memory. */
  get entries(): number {
    return this.held().entries;
  }

  /** What waits to be written, of every site or of one. */
  held(site?: string): Held {
    const total = { entries: 0, bytes: 0 };
    for (const batches of [this.pending, this.sending, new Map([...this.inDoubt].map(([id, doubt]) => [id, doubt.held]))]) {
      for (const [id, batch] of batches) {
        if (site !== undefined && id !== site) continue;
        total.entries += batch.entries;
        total.bytes += batch.bytes;
      }
    }
    return total;
  }

  /** The batch new hits of `site` go into. */
  batchFor(site: string): PendingBatch {
    let batch = this.pending.get(site);
    if (!batch) this.pending.set(site, (batch = new PendingBatch(site)));
    return batch;
  }

  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => void this.flush().finally(() => this.stateValue !== 'closed' && tick()), this.options.intervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Writes everything accepted before the call; runs never overlap. */
  async flush(): Promise<void> {
    // A run already under way took its batches before some of the caller's hits arrived.
    while (this.running) await this.running;
    this.running = this.flushOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and writes everything, retrying until `deadline` (epoch ms). */
  async close(deadline: number): Promise<void> {
    clearTimeout(this.timer);
    while (Date.now() < deadline) {
      await this.flush();
      if (this.pending.size === 0 && this.inDoubt.size === 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, this.options.intervalMs)));
    }
    const left = this.held().entries;
    if (left > 0) this.options.log.error({ entries: left }, 'stopped with hits not written: the store did not answer');
    this.setState('closed');
  }

  private async flushOnce(): Promise<void> {
    const started = performance.now();
    this.runStarted = Date.now();
    const retried = await Promise.all(
      [...this.inDoubt].map(async ([site, held]) => {
        const ok = await this.apply(held.batch);
        if (ok) {
          this.inDoubt.delete(site);
          held.held.markLanded();
        }
        return ok;
      }),
    );
    // A site whose earlier batch is still in doubt keeps aggregating until that one lands.
    const ready = [...this.pending].filter(([site]) => !this.inDoubt.has(site));
    for (const [site] of ready) this.pending.delete(site);
    const onlineSince = this.options.clock() - this.options.onlineWindowMs;
    const written = await Promise.all(
      ready.filter(([, pending]) => !pending.isEmpty).map(async ([site, pending]) => {
        const batch = pending.toSiteBatch(this.writerId, ++this.seq, onlineSince, this.options.pathLimitOf(site));
        this.sending.set(site, pending);
        const ok = await this.apply(batch);
        this.sending.delete(site);
        if (ok) pending.markLanded();
        else this.inDoubt.set(site, { batch, held: pending });
        return ok;
      }),
    );
    const failed = [...retried, ...written].some((ok) => !ok);
    if (this.stateValue !== 'closed') this.setState(failed ? 'degraded' : 'ready');
    this.runStarted = 0;
    if (retried.length + written.length > 0) this.options.metrics.flushSeconds.observe((performance.now() - started) / 1000);
    if (this.applied.size > 0) {
      this.options.store.changes.publish([...this.applied]);
      this.applied.clear();
    }
    this.options.onFlushed();
  }

  private async apply(batch: SiteBatch): Promise<boolean> {
    try {
      const totals = await this.options.store.applyBatch(batch);
      this.applied.add(batch.site);
      this.options.onTotals(batch.site, totals);
      return true;
    } catch (error) {
      this.options.metrics.storeErrors.inc();
      if (this.stateValue === 'ready') this.options.log.warn({ err: error, site: batch.site }, 'store write failed; holding hits');
      return false;
    }
  }

  private setState(state: WriterState): void {
    if (state === this.stateValue) return;
    this.options.log.info({ from: this.stateValue, to: state }, 'writer state');
    this.stateValue = state;
    this.options.metrics.storeReady.set(state === 'ready' ? 1 : 0);
  }
}
