/** Small statistics used by every scenario: medians of runs and percentiles of latencies. */

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** The `p`-th percentile (0–100, nearest rank) of values already sorted ascending. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50 / p90 / p99 / max / mean of `values` (copied, then sorted). */
export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** Rounds to `digits` decimals, for reports (JSON keeps what is meaningful, not float noise). */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Median of each numeric field across runs: `[{a:1,b:{c:2}}, {a:3,b:{c:4}}]` → `{a:2,b:{c:3}}`.
 * Non-numeric fields keep the first run's value.
 */
export function medianOf<T>(runs: readonly T[]): T {
  const first = runs[0];
  if (first === undefined) throw new Error('medianOf: no runs');
  if (typeof first === 'number') return median(runs as unknown as number[]) as unknown as T;
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return first;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    out[key] = medianOf(runs.map((run) => (run as Record<string, unknown>)[key]));
  }
  return out as T;
}

/** A whole number in [0, n) from a seeded generator. */
export function seededRandomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
