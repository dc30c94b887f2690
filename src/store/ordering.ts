/** Small shapes shared by the backends. */
import type { PathViews, RefusalReason } from './store.js';

export const REFUSAL_REASONS: readonly RefusalReason[] = ['bot', 'origin', 'rate_limit', 'invalid'];

export function emptyRefused(): Record<RefusalReason, number> {
  return { bot: 0, origin: 0, rate_limit: 0, invalid: 0 };
}

/** Plain code-unit order: the same in every backend and locale (SQL and Redis sort bytes). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `limit` paths with most views, most first; ties by path so the order is stable. */
export function topPaths(paths: Iterable<[string, number]>, limit: number): PathViews[] {
  return [...paths]
    .sort(([pathA, a], [pathB, b]) => b - a || compareText(pathA, pathB))
    .slice(0, limit)
    .map(([path, views]) => ({ path, views }));
}
