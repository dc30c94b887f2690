/** The reasons a hit is refused, as every backend keeps them: one count per reason per day. */
import type { RefusalReason } from './store.js';

export const REFUSAL_REASONS: readonly RefusalReason[] = ['bot', 'origin', 'rate_limit', 'invalid'];

export function emptyRefused(): Record<RefusalReason, number> {
  return { bot: 0, origin: 0, rate_limit: 0, invalid: 0 };
}
