/** The per-visitor rate limit counts per clock minute: tests that fill it must not straddle one. */
import { setTimeout as delay } from 'node:timers/promises';

/** The clock minute of `at` (epoch ms), as the rate limiter numbers minutes. */
export function minuteOf(at: number): number {
  return Math.floor(at / 60_000);
}

/** Waits (at most ~`needMs`) until at least `needMs` are left in the current clock minute. */
export async function roomInMinute(needMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await delay(left + 50);
}
