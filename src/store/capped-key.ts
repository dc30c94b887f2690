/**
 * Paths and source names come from visitors, so their number is the visitors' choice. Past a
 * cap, new ones are counted under one bucket (`(other)`) and memory per site stays bounded.
 */
import { OTHER_PATH } from './store.js';

/** The key to count `key` under, given whether it is already known and how many are. */
export function cappedKey(key: string, known: boolean, size: number, max: number): string {
  return known || size < max ? key : OTHER_PATH;
}
