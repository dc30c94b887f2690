/**
 * What one visitor, and one network address, may add to a site per clock minute. Server-side
 * checks cannot tell curl from a browser, nor one person rotating User-Agents from many, so
 * the bound is put on the address (its /64 for IPv6): new visitor ids, counted views and pings.
 * The per-visitor view limit sits on top. Every budget is shared by all instances through the
 * batch's rate counts, under its own key prefix; `0` turns a budget off.
 */
import { FootfallError } from '../errors.js';
import type { RateTotals } from '../store/store.js';
import { RateLimiter } from './rate-limiter.js';

export interface BudgetLimits {
  /** `FOOTFALL_RATE_LIMIT`: counted views per visitor. */
  visitorViews: number;
  /** `FOOTFALL_VIEWS_PER_ADDRESS`: counted views per network address. */
  addressViews: number;
  /** `FOOTFALL_PINGS_PER_ADDRESS`: pings per network address. */
  addressPings: number;
  /** `FOOTFALL_NEW_VISITORS_PER_ADDRESS`: visitor ids first seen from one network address (hit, ping or live connection). */
  addressNewVisitors: number;
}

export type Budget = keyof BudgetLimits;

/** One budget asked of, with the key it is counted under (a visitor id, an address digest). */
export interface BudgetAsk {
  budget: Budget;
  key: string;
}

/**
 * Prefixes of the shared rate counts; a visitor id (base64url) never contains `:`, so the
 * per-visitor counts keep their bare ids. Each limiter keys its own tallies by the bare key:
 * joining a new string per hit would cost a lookup of a string never hashed before.
 */
const PREFIX: Record<Budget, string> = { visitorViews: '', addressViews: 'v:', addressPings: 'p:', addressNewVisitors: 'n:' };
const BUDGET_OF_PREFIX = new Map<string, Budget>(
  Object.entries(PREFIX)
    .filter(([, prefix]) => prefix !== '')
    .map(([budget, prefix]) => [prefix, budget as Budget]),
);

const REFUSAL: Record<Budget, string> = {
  visitorViews: 'Too many page views from this visitor',
  addressViews: 'Too many page views from this network address',
  addressPings: 'Too many pings from this network address',
  addressNewVisitors: 'Too many new visitors from this network address',
};

export class Budgets {
  private readonly limiters: Record<Budget, RateLimiter>;

  constructor(limits: BudgetLimits) {
    this.limiters = {
      visitorViews: new RateLimiter(limits.visitorViews),
      addressViews: new RateLimiter(limits.addressViews),
      addressPings: new RateLimiter(limits.addressPings),
      addressNewVisitors: new RateLimiter(limits.addressNewVisitors),
    };
  }

  /** True when no budget is on: nothing needs sharing. */
  get off(): boolean {
    return Object.values(this.limiters).every((limiter) => limiter.off);
  }

  /**
   * Takes one of each asked budget of `site` at `now`, or none: returns the refusal (with its
   * Retry-After) of the first budget used up, having taken nothing.
   */
  take(site: string, asks: readonly BudgetAsk[], now: number): { budget: Budget; error: FootfallError } | undefined {
    for (const { budget, key } of asks) {
      const retryAfter = this.limiters[budget].wait(site, key, now);
      if (retryAfter > 0) {
        const message = `${REFUSAL[budget]} for site "${site}" this minute; try again in ${retryAfter} s.`;
        return { budget, error: new FootfallError('rate_limited', message, { retryAfter }) };
      }
    }
    for (const { budget, key } of asks) this.limiters[budget].take(site, key, now);
    return undefined;
  }

  /** The keys the asks are counted under in the store's shared rate counts (budgets that are on). */
  sharedKeys(asks: readonly BudgetAsk[]): string[] {
    return asks.filter(({ budget }) => !this.limiters[budget].off).map(({ budget, key }) => PREFIX[budget] + key);
  }

  /** Learns the totals across instances that the store returned for a batch of `site`. */
  learn(site: string, totals: RateTotals): void {
    for (const { minute, totals: counts } of totals) {
      for (const [shared, total] of counts) {
        const budget = shared[1] === ':' ? BUDGET_OF_PREFIX.get(shared.slice(0, 2)) : 'visitorViews';
        if (budget !== undefined) this.limiters[budget].learn(site, minute, shared.slice(PREFIX[budget].length), total);
      }
    }
  }
}
