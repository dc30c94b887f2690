/**
 * Paths come from visitors' URLs, so their number is the attacker's choice. Past a cap, new
 * paths are counted under one bucket and memory per site stays bounded.
 */
import { OTHER_PATH } from './store.js';

/** The key to count `path` under, given whether it is already known and how many are. */
export function cappedPath(path: string, known: boolean, size: number, max: number): string {
  return known || size < max ? path : OTHER_PATH;
}
