/** What the parent asks of a load worker (load-worker.ts) and what the worker answers. */
import type { Distribution } from './stats.js';

export type LoadRequest =
  /**
   * `POST /api/v1/hit`, text/plain JSON, one of `visitors` distinct visitors per request; with
   * `fresh`, every request a visitor never seen before (its own IPv6 /64), the worst honest case.
   */
  | { kind: 'hit'; visitors: number; seed: number; origin: string; site: string; fresh?: boolean }
  /** `GET /api/v1/sites/:site/counts`. */
  | { kind: 'counts'; site: string; origin: string };

export interface LoadSpec {
  host: string;
  port: number;
  connections: number;
  /** `closed`: each connection sends its next request when the last is answered (saturation).
   * `rate`: requests are due at a fixed rate whatever the answers (open loop), and latency is
   * counted from when a request was due, so a stall is not hidden (no coordinated omission). */
  mode: 'closed' | 'rate';
  /** Requests per second in `rate` mode. */
  rate?: number;
  warmupMs: number;
  durationMs: number;
  /** Upper bound on requests sent, whatever the duration. */
  maxRequests: number;
  request: LoadRequest;
}

export interface LoadResult {
  mode: LoadSpec['mode'];
  targetRate?: number;
  /** Answers received within the measured window, per second. */
  rps: number;
  /** 2xx answers within the measured window, per second. */
  okRps: number;
  completed: number;
  ok: number;
  /** Status code → answers, over the measured window. */
  statuses: Record<string, number>;
  socketErrors: number;
  /** Share of answers (plus socket errors) that were not 2xx, in %. */
  errorPercent: number;
  durationS: number;
  latencyMs: Distribution;
  /** CPU the load worker itself used, % of one core: near 100 means the generator limited. */
  workerCpuPercent: number;
  /** Requests still unanswered when the run ended (counted as errors). */
  unanswered: number;
}
