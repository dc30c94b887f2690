/**
 * The per-visitor limit on counted views per site per clock minute. Each instance counts what
 * it accepts; the store returns the totals of all instances with every batch, so a visitor
 * spread over instances is held to the same limit, give or take what the other instances
 * accepted within the last flush interval. Untracked (DNT) visitors have no id in the store and
 * are limited per instance.
 */
import type { RateTotals } from '../store/store.js';

interface Tally {
  minute: number;
  /** Views this instance accepted this minute. */
  local: number;
  /** The total of all instances, as the store last reported it. */
  shared: number;
  /** `local` when `shared` was learned: views accepted since are not in it yet. */
  localAtShared: number;
}

export class RateLimiter {
  private readonly limit: number;
  private readonly tallies = new Map<string, Tally>();
  private sweptMinute = 0;

  /** `limit` views per minute; 0 turns the limit off. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Takes one view for `visitor` of `site` at `now`: 0 when allowed, else the seconds until
   * the visitor may send again.
   */
  take(site: string, visitor: string, now: number): number {
    if (this.limit === 0) return 0;
    const minute = Math.floor(now / 60_000);
    this.sweep(minute);
    const key = `${site}\n${visitor}`;
    let tally = this.tallies.get(key);
    if (!tally || tally.minute !== minute) this.tallies.set(key, (tally = { minute, local: 0, shared: 0, localAtShared: 0 }));
    if (Math.max(tally.local, tally.shared + tally.local - tally.localAtShared) >= this.limit) return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    tally.local += 1;
    return 0;
  }

  /** Learns the totals across instances that the store returned for a batch of `site`. */
  learn(site: string, totals: RateTotals): void {
    if (this.limit === 0) return;
    for (const { minute, totals: counts } of totals) {
      for (const [visitor, total] of counts) {
        const tally = this.tallies.get(`${site}\n${visitor}`);
        if (tally && tally.minute === minute && total > tally.shared) {
          tally.shared = total;
          tally.localAtShared = tally.local;
        }
      }
    }
  }

  /** Forgets past minutes, once per minute, so memory follows the visitors of the last minute. */
  private sweep(minute: number): void {
    if (minute === this.sweptMinute) return;
    this.sweptMinute = minute;
    for (const [key, tally] of this.tallies) if (tally.minute < minute) this.tallies.delete(key);
  }
}
