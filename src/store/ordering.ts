/** The orders every backend returns rows in, so that all of them answer alike. */
import type { PathViews } from './store.js';

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
