/**
 * The live scenario's side of the client processes: forks them (tracked, so none outlives the
 * bench), spreads the clients over them, and gathers what they saw.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stopChild, track } from '../../test/support/child-processes.js';
import type { FromWorker, ToWorker } from './live-protocol.js';
import { ROOT } from './servers.js';
import { BENCH_ORIGIN, BENCH_SITE } from './traffic.js';

const WORKER = path.join(ROOT, 'loadtest', 'lib', 'live-worker.ts');
/** Clients per process: far below one process' 20,000 descriptors, and spreads client CPU. */
const CLIENTS_PER_WORKER = 2_500;
/** Connections being opened at once per process. */
const CONCURRENCY = 50;

export interface ConnectResult {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  seconds: number;
}

export class LiveClients {
  private constructor(private readonly workers: ChildProcess[]) {}

  /** Opens `count` clients to `url`, visitors numbered from `firstVisitor`, each asking about `paths` when given. */
  static async open(url: string, count: number, firstVisitor: number, paths?: string[]): Promise<{ clients: LiveClients; result: ConnectResult }> {
    const n = Math.max(1, Math.ceil(count / CLIENTS_PER_WORKER));
    const workers = Array.from({ length: n }, () => track(fork(WORKER, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
    const clients = new LiveClients(workers);
    const started = performance.now();
    const results = await Promise.all(
      workers.map((worker, i) => {
        const share = Math.floor(count / n) + (i < count % n ? 1 : 0);
        const first = firstVisitor + i * CLIENTS_PER_WORKER;
        return clients.ask(worker, { type: 'connect', url, count: share, firstVisitor: first, concurrency: CONCURRENCY, site: BENCH_SITE, origin: BENCH_ORIGIN, ...(paths ? { paths } : {}) }, 'connected', 600_000);
      }),
    );
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    return {
      clients,
      result: {
        ok: results.reduce((a, r) => a + r.ok, 0),
        failed: results.reduce((a, r) => a + r.failed, 0),
        errors,
        seconds: (performance.now() - started) / 1000,
      },
    };
  }

  /**
   * Arms every client, runs `trigger` (which sends a hit), and resolves with each client's
   * epoch ms of seeing it (0: not within `timeoutMs`), and how many had disconnected.
   */
  async timeBroadcast(trigger: () => Promise<void>, timeoutMs: number): Promise<{ times: number[]; disconnected: number }> {
    const received = this.workers.map((worker) => this.next(worker, 'all-received', timeoutMs).catch(() => undefined));
    for (const worker of this.workers) this.post(worker, { type: 'arm' });
    await trigger();
    await Promise.all(received);
    const collected = await Promise.all(this.workers.map((worker) => this.ask(worker, { type: 'collect' }, 'collected', 30_000)));
    return { times: collected.flatMap((c) => c.times), disconnected: collected.reduce((a, c) => a + c.disconnected, 0) };
  }

  /** Pids of the client processes (to read their CPU). */
  get pids(): number[] {
    return this.workers.map((worker) => worker.pid!);
  }

  /** `counts` events per client since the last call. */
  async events(): Promise<number[]> {
    const replies = await Promise.all(this.workers.map((worker) => this.ask(worker, { type: 'events' }, 'events', 30_000)));
    return replies.flatMap((r) => r.perClient);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        await this.ask(worker, { type: 'close' }, 'closed', 30_000).catch(() => undefined);
        await stopChild(worker, { timeoutMs: 5_000 });
      }),
    );
    // Let the server see the closes before anyone reads its memory again.
    await delay(500);
  }

  private post(worker: ChildProcess, message: ToWorker): void {
    worker.send(message);
  }

  private next<T extends FromWorker['type']>(worker: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        reject(new Error(`live worker: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: FromWorker) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve(message as Extract<FromWorker, { type: T }>);
      };
      worker.on('message', onMessage);
    });
  }

  private ask<T extends FromWorker['type']>(worker: ChildProcess, message: ToWorker, reply: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    const answer = this.next(worker, reply, timeoutMs);
    this.post(worker, message);
    return answer;
  }
}
