/**
 * All-time views per path, where the paths are the visitors' choice and a flood of junk paths
 * must not squat the slots real articles need (docs/api.md, "Page identity"):
 *
 * - A path first gets a *candidate* slot: its views count from the first one, tagged with the
 *   earner digest of whoever viewed it (of the viewer's network address, under the week's salt:
 *   one address rotating User-Agents is one earner). Candidates are as many as the all-time cap; when full,
 *   the one viewed longest ago makes room, and one not viewed for PATH_CANDIDATE_MS goes.
 * - Viewed by a second, different earner, it *earns* a permanent slot (as many as the cap) and
 *   keeps its views. A flood from one earner thus only churns candidates; it earns nothing.
 *
 * The memory and SQLite stores run this code over their own tables; the Redis batch script
 * does the same steps in Lua (redis/batch-script.ts).
 */
import type { PathDelta } from './store.js';

/** One backend's all-time path tables, as the rule needs them. */
export interface PathSlotTables {
  /** Adds `views` to the path if it has an earned slot; false when it has none. */
  addToEarned(path: string, views: number): boolean;
  earnedCount(): number;
  /** Gives the path an earned slot with `views`. */
  earn(path: string, views: number): void;
  candidate(path: string): { earner: string; views: number } | undefined;
  candidateCount(): number;
  addCandidate(path: string, earner: string, views: number, seen: number): void;
  /** Sets a candidate's views; it becomes the most recently viewed. */
  updateCandidate(path: string, views: number, seen: number): void;
  removeCandidate(path: string): void;
  /** Removes the candidate viewed longest ago. */
  evictOldestCandidate(): void;
}

/** Counts one batch's views of `path` all-time under the site's cap `limit` (earned and candidates each). */
export function countAllTime(tables: PathSlotTables, path: string, delta: PathDelta, limit: number, now: number): void {
  if (tables.addToEarned(path, delta.views)) return;
  const candidate = tables.candidate(path);
  const earners = candidate ? [candidate.earner, ...delta.earners] : delta.earners;
  const views = (candidate?.views ?? 0) + delta.views;
  if (new Set(earners).size >= 2 && tables.earnedCount() < limit) {
    if (candidate) tables.removeCandidate(path);
    tables.earn(path, views);
    return;
  }
  if (candidate) {
    tables.updateCandidate(path, views, now);
    return;
  }
  if (tables.candidateCount() >= limit) tables.evictOldestCandidate();
  tables.addCandidate(path, delta.earners[0] ?? '', views, now);
}
