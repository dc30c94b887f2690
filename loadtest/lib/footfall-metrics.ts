/** Reads figures from a footfall's `/metrics` (Prometheus text) and `/api/v1/sites/…/counts`. */
import { BENCH_ORIGIN, BENCH_SITE, visitorAddress, visitorUserAgent } from './traffic.js';

/** The value of one series (first match of `name` with optional labels), NaN if absent. */
export async function scrapeMetric(port: number, series: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const escaped = series.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export interface BenchCounts {
  online: number;
  today: { views: number; visitors: number };
  total: { views: number; visitors: number };
}

export async function readCounts(port: number): Promise<BenchCounts> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites/${BENCH_SITE}/counts`, { signal: AbortSignal.timeout(5000) });
  return (await res.json()) as BenchCounts;
}

/** Sends one hit as the snippet would, as visitor number `visitor` (traffic.ts); resolves with the status. */
export async function sendHit(port: number, visitor: number, path = '/'): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/hit`, {
    method: 'POST',
    headers: {
      'Content-Type': 'text/plain;charset=UTF-8',
      Origin: BENCH_ORIGIN,
      'User-Agent': visitorUserAgent(visitor),
      'X-Forwarded-For': visitorAddress(visitor),
    },
    body: JSON.stringify({ site: BENCH_SITE, url: `${BENCH_ORIGIN}${path}` }),
    signal: AbortSignal.timeout(5000),
  });
  await res.arrayBuffer();
  return res.status;
}
