/** Runs one load phase in a load-worker child process and returns its result. */
import path from 'node:path';
import { spawnTracked, stopChild } from '../../test/support/child-processes.js';
import type { LoadRequest, LoadResult, LoadSpec } from './load-spec.js';
import { cpuMeter } from './proc.js';
import { ROOT } from './servers.js';
import { round } from './stats.js';
import { BENCH_ORIGIN, BENCH_SITE } from './traffic.js';

const WORKER = path.join(ROOT, 'loadtest', 'lib', 'load-worker.ts');

export interface PhaseOptions {
  port: number;
  connections: number;
  warmupS: number;
  durationS: number;
  /** Requests per second; absent: closed loop (saturation). */
  rate?: number;
  request: LoadRequest;
  /** Whose CPU to read during the phase (the server under load). */
  serverPid?: number;
  /** Another process whose CPU to read over the same window (the server's redis-server). */
  alsoPid?: number;
}

export interface PhaseResult extends LoadResult {
  /** CPU of the server under load over the measured window, % of one core. */
  serverCpuPercent?: number;
  /** The same, of its main thread alone: the event loop, which one core bounds. */
  serverMainCpuPercent?: number;
  /** CPU of `alsoPid` over the same window, % of one core. */
  alsoCpuPercent?: number;
}

/** `POST /api/v1/hit` from 30,000 visitors (seeded). */
export function hitRequest(seed = 1, visitors = 30_000, fresh = false): LoadRequest {
  return { kind: 'hit', visitors, seed, origin: BENCH_ORIGIN, site: BENCH_SITE, fresh };
}

export function countsRequest(): LoadRequest {
  return { kind: 'counts', site: BENCH_SITE, origin: BENCH_ORIGIN };
}

/** Runs the phase; bounded by its duration (the worker has a hard deadline too). */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const seconds = options.warmupS + options.durationS;
  const spec: LoadSpec = {
    host: '127.0.0.1',
    port: options.port,
    connections: options.connections,
    mode: options.rate === undefined ? 'closed' : 'rate',
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    warmupMs: options.warmupS * 1000,
    durationMs: options.durationS * 1000,
    // Far above what one core answers; only a bound.
    maxRequests: Math.ceil(seconds * (options.rate ?? 150_000)),
    request: options.request,
  };
  const child = spawnTracked(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(spec)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  type Meter = ReturnType<typeof cpuMeter>;
  const meterOf = (pid: number | undefined) => (pid === undefined ? undefined : cpuMeter(pid));
  let meters: { server?: Meter; main?: Meter; also?: Meter } | undefined;
  let cpu: { server?: number; main?: number; also?: number } | undefined;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // The worker marks its measured window; CPU is read over the same window.
    if (chunk.includes('@measure')) {
      const main = options.serverPid === undefined ? undefined : cpuMeter(options.serverPid, true);
      meters = { server: meterOf(options.serverPid), main, also: meterOf(options.alsoPid) };
    }
    if (chunk.includes('@end') && meters && cpu === undefined) cpu = { server: meters.server?.stop(), main: meters.main?.stop(), also: meters.also?.stop() };
    stderr += chunk.replace(/@(measure|end)\n/g, '');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => void stopChild(child, { signal: 'SIGKILL' }), (seconds + 60) * 1000);
  const code = await exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`load worker exited with ${code}: ${stderr.trim()}`);
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadResult;
  return {
    ...result,
    ...(cpu?.server === undefined ? {} : { serverCpuPercent: round(cpu.server, 1) }),
    ...(cpu?.main === undefined ? {} : { serverMainCpuPercent: round(cpu.main, 1) }),
    ...(cpu?.also === undefined ? {} : { alsoCpuPercent: round(cpu.also, 1) }),
  };
}
