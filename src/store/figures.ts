/** Small shapes shared by the backends. */
import type { PathViews, RefusalReason } from './store.js';

export const REFUSAL_REASONS: readonly RefusalReason[] = ['bot', 'origin', 'rate_limit', 'invalid'];

export function emptyRefused(): Record<RefusalReason, number> {
  return { bot: 0, origin: 0, rate_limit: 0, invalid: 0 };
}

/** The `limit` paths with most views, most first; ties by path so the order is stable. */
export function topPaths(paths: Iterable<[string, number]>, limit: number): PathViews[] {
  return [...paths]
    .sort(([pathA, a], [pathB, b]) => b - a || pathA.localeCompare(pathB))
    .slice(0, limit)
    .map(([path, views]) => ({ path, views }));
}
