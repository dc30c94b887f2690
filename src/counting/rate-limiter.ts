/**
 * One limit on what a key (a visitor's id, a network's digest) may add to a site per clock
 * minute. Each instance counts what it accepts; the store returns the totals of all instances
 * with every batch, so a key spread over instances is held to the same limit, give or take
 * what the other instances accepted within the last flush interval. Keys whose counts are not
 * shared (untracked visitors) are limited per instance.
 */
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
  /** Site → key → tally: keys are looked up as they are, not joined into a new string per hit. */
  private readonly tallies = new Map<string, Map<string, Tally>>();
  private sweptMinute = 0;

  /** `limit` per minute; 0 turns the limit off. */
  constructor(limit: number) {
    this.limit = limit;
  }

  get off(): boolean {
    return this.limit === 0;
  }

  /** 0 when `key` of `site` may add one more at `now`, else the seconds until it may. Takes nothing. */
  wait(site: string, key: string, now: number): number {
    if (this.limit === 0) return 0;
    const minute = Math.floor(now / 60_000);
    const tally = this.tallies.get(site)?.get(key);
    if (!tally || tally.minute !== minute) return 0;
    if (Math.max(tally.local, tally.shared + tally.local - tally.localAtShared) < this.limit) return 0;
    return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
  }

  /** Counts one for `key` of `site` at `now`; `wait` said whether it may. */
  take(site: string, key: string, now: number): void {
    if (this.limit === 0) return;
    const minute = Math.floor(now / 60_000);
    this.sweep(minute);
    let ofSite = this.tallies.get(site);
    if (!ofSite) this.tallies.set(site, (ofSite = new Map()));
    let tally = ofSite.get(key);
    if (!tally || tally.minute !== minute) ofSite.set(key, (tally = { minute, local: 0, shared: 0, localAtShared: 0 }));
    tally.local += 1;
  }

  /** Learns the total across instances that the store returned for `key` of `site` in `minute`. */
  learn(site: string, minute: number, key: string, total: number): void {
    const tally = this.tallies.get(site)?.get(key);
    if (tally && tally.minute === minute && total > tally.shared) {
      tally.shared = total;
      tally.localAtShared = tally.local;
    }
  }

  /** Forgets past minutes, once per minute, so memory follows the visitors of the last minute. */
  private sweep(minute: number): void {
    if (minute === this.sweptMinute) return;
    this.sweptMinute = minute;
    for (const [site, ofSite] of this.tallies) {
      for (const [key, tally] of ofSite) if (tally.minute < minute) ofSite.delete(key);
      if (ofSite.size === 0) this.tallies.delete(site);
    }
  }
}
