/**
 * Who may use the operator's routes and feeds: the admin token, for the admin API (HTTP) and
 * the `/ops` namespace (live) alike.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares digests so the time taken says nothing about the token. */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
