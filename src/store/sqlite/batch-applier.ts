/**
 * Hit batches written off the event loop. A batch's transaction (five HyperLogLogs read, updated
 * and written back, its days, paths and sources upserted) held the event loop for up to a sixth
 * of its time at saturation while the second core sat a third idle; a worker thread with its own
 * connection runs it there instead (saturated ingest: +25 %, every hit new +22 %).
 *
 * The store's own connection keeps every other write. It waits for the batches in flight first
 * (`idle`), so it never waits on the worker's lock and writes land in the order they were asked
 * (a site deleted after its last batch stays deleted). Should the worker stop, the batches in
 * flight fail — the batch writer retries them under the same id, which the store applies once —
 * and from then on batches run in the store's connection.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../log.js';
import type { RateTotals, SiteBatch } from '../store.js';
import type { BatchReply, BatchRequest } from './batch-worker.js';
import { BatchWrites } from './batch-writes.js';

interface Waiting {
  resolve(totals: RateTotals): void;
  reject(error: Error): void;
}

// The worker is this file's sibling, compiled like it: .ts under tsx, .js once built.
const HERE = import.meta.url;
const FROM_SOURCES = HERE.endsWith('.ts');
const WORKER_URL = new URL(`./batch-worker${FROM_SOURCES ? '.ts' : '.js'}`, HERE).href;
/** tsx's ESM API (its CommonJS twin cannot register from a worker). */
function tsxEsmApi(): string {
  return pathToFileURL(createRequire(HERE).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}
/**
 * Node 20 runs no `--import` preloads in worker threads, so from the TypeScript sources (under
 * tsx: the tests, `npm run bench -- --tsx`) the worker registers tsx itself before its entry.
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();
`;

type WorkerState = 'unstarted' | 'starting' | 'ready' | 'gone';

/**
 * Batches of `db` in a worker. Until the worker has opened its connection (and for a database in
 * memory, which no other connection can open) they are written in the caller's thread: a batch
 * never waits for the worker to start.
 */
export class BatchApplier {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly entry: string;
  private readonly inThread: (batch: SiteBatch, now: number) => RateTotals;
  /** Started by the first batch: a CLI run, which writes none, never starts it. */
  private worker?: Worker;
  private state: WorkerState;
  private exited?: Promise<void>;
  private readonly startWaiters: Array<(ready: boolean) => void> = [];
  private closing = false;
  private lastId = 0;
  private readonly inFlight = new Map<number, Waiting>();
  private idleWaiters: Array<() => void> = [];

  /** `entry`: the worker's module (a test gives one that fails). */
  constructor(db: Database, log: Logger, entry = WORKER_URL) {
    this.db = db;
    this.log = log;
    this.entry = entry;
    const writes = new BatchWrites(db);
    const once = db.transaction((batch: SiteBatch, now: number) => writes.apply(batch, now));
    this.inThread = (batch, now) => once.immediate(batch, now);
    this.state = db.memory ? 'gone' : 'unstarted';
  }

  /** Applies `batch` once (see SiteBatch) in its own write transaction. */
  async apply(batch: SiteBatch, now: number): Promise<RateTotals> {
    if (this.state === 'unstarted') this.start();
    const worker = this.worker;
    if (this.state !== 'ready' || !worker) return this.inThread(batch, now);
    const id = ++this.lastId;
    const landed = new Promise<RateTotals>((resolve, reject) => this.inFlight.set(id, { resolve, reject }));
    // Held only while it has work: a process that has nothing else to do may end.
    if (this.inFlight.size === 1) worker.ref();
    try {
      worker.postMessage({ id, batch, now } satisfies BatchRequest);
    } catch {
      // Never sent (it could not be copied to the worker): written here, after those in flight.
      this.inFlight.delete(id);
      if (this.inFlight.size === 0) this.becameIdle();
      await this.idle();
      return this.inThread(batch, now);
    }
    return landed;
  }

  /** Starts the worker if it is not; true once batches go to it, false when they stay in this thread. */
  started(): Promise<boolean> {
    if (this.state === 'unstarted') this.start();
    if (this.state === 'ready' || this.state === 'gone') return Promise.resolve(this.state === 'ready');
    return new Promise((resolve) => this.startWaiters.push(resolve));
  }

  /** Resolves when no batch is in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Waits for the batches in flight, then stops the worker. */
  async close(): Promise<void> {
    this.closing = true;
    await this.idle();
    if (!this.worker || this.state === 'gone') return;
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }

  private start(): void {
    this.state = 'starting';
    let worker: Worker;
    try {
      const tsx = FROM_SOURCES ? tsxEsmApi() : undefined;
      worker = new Worker(BOOT, { eval: true, workerData: { entry: this.entry, tsx, file: this.db.name } });
    } catch (error) {
      this.stopUsingWorker(error);
      return;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: BatchReply | 'ready') => (reply === 'ready' ? this.becameReady() : this.settle(reply)));
    worker.once('error', (error) => this.stopUsingWorker(error));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.stopUsingWorker(new Error(`the worker exited with code ${code}`));
        resolve();
      }),
    );
  }

  private becameReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    this.wakeStartWaiters();
  }

  private wakeStartWaiters(): void {
    for (const resolve of this.startWaiters.splice(0)) resolve(this.state === 'ready');
  }

  private settle(reply: BatchReply): void {
    const waiting = this.inFlight.get(reply.id);
    if (!waiting) return;
    this.inFlight.delete(reply.id);
    if ('totals' in reply) waiting.resolve(reply.totals);
    else waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    if (this.inFlight.size === 0) this.becameIdle();
  }

  private stopUsingWorker(reason: unknown): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.wakeStartWaiters();
    if (this.closing && this.inFlight.size === 0) return;
    this.log.warn({ err: reason, file: this.db.name }, 'sqlite batch worker stopped; batches are written on the main thread again');
    const failure = new Error('the sqlite batch worker stopped before the batch was confirmed; it is retried');
    for (const waiting of this.inFlight.values()) waiting.reject(failure);
    this.inFlight.clear();
    this.becameIdle();
  }

  private becameIdle(): void {
    this.worker?.unref();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
