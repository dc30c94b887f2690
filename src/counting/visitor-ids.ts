/**
 * Visitor ids: a keyed SHA-256 of site, client IP and User-Agent under a random salt per local day
 * (the day id), week, month and year (their ids), truncated. Salts are created once and shared
 * by every instance through the store; the raw IP never leaves this module, except into
 * `describe`, which keeps only what it makes of it (a country).
 */
import { hash, randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import { parseIp, type ParsedIp } from './ip-address.js';
import { networkOf } from './network-address.js';
import type { Periods, SaltRef } from './periods.js';

/** One visitor's id in each period: unrelated to each other, and to any other period's. */
export interface VisitorIdSet {
  day: string;
  week: string;
  month: string;
  year: string;
}

/**
 * The visitor's network address (network-address.ts) under the day's and the week's salts:
 * what the per-address budgets and the path slots count, never the address itself.
 */
export interface NetworkIds {
  day: string;
  week: string;
}

/** One visitor as seen by this instance today. */
export interface VisitorSighting<T> {
  ids: VisitorIdSet;
  network: NetworkIds;
  /** What `describe` made of the visitor, once per day. */
  traits: T;
  /** True the first time this instance sees the visitor this day (or since it forgot it). */
  first: boolean;
}

/** 16 base64url characters: 96 bits, far beyond any site's visitors, short to store. */
const ID_LENGTH = 16;
/** Visitors whose ids are remembered (in memory only); a few hundred bytes each. */
const RECENT_VISITORS = 50_000;

interface Recent<T> {
  day: string;
  week: string;
  ids: VisitorIdSet;
  network: NetworkIds;
  traits: T;
}

export class VisitorIds<T> {
  /** `site\nperiod` → salt; past periods are dropped as new ones arrive. */
  private readonly salts = new Map<string, string>();
  private readonly expiries = new Map<string, number>();
  private readonly loading = new Map<string, Promise<string>>();
  /**
   * Recent visitors by a digest of site, IP and User-Agent (whatever their length, the key is
   * short): six keyed hashes per hit would be a large part of a hit's cost.
   */
  private readonly recent = new Map<string, Recent<T>>();

  /** `describe` tells what a visitor brings (its country, its browser…): run once per visitor and day. */
  constructor(
    private readonly store: Store,
    private readonly describe: (ip: ParsedIp, userAgent: string) => T,
    private readonly newSalt: (siteId: string, period: string) => string = randomSalt,
  ) {}

  /** One visitor's ids and traits, or undefined when a salt is not loaded yet (call `load`). */
  sight(siteId: string, periods: Periods, ip: string, userAgent: string): VisitorSighting<T> | undefined {
    const input = `${siteId}\n${ip}\n${userAgent}`;
    const key = digest(input);
    const known = this.recent.get(key);
    // A new day may start a new week, month and year, never the reverse.
    if (known && known.day === periods.daySalt.period && known.week === periods.weekSalt.period) {
      return { ids: known.ids, network: known.network, traits: known.traits, first: false };
    }
    const salts = this.saltsOf(siteId, periods);
    if (!salts) return undefined;
    const [day, week, month, year] = salts;
    const ids = { day: keyedHash(day, input), week: keyedHash(week, input), month: keyedHash(month, input), year: keyedHash(year, input) };
    // One line, unlike a visitor's three: no visitor's input can hash to a network's.
    const address = parseIp(ip);
    const network = `${siteId}\n${networkOf(address)}`;
    const networkIds = { day: keyedHash(day, network), week: keyedHash(week, network) };
    // Bounded by forgetting everything at once: cheaper than an LRU on the hot path.
    if (this.recent.size >= RECENT_VISITORS) this.recent.clear();
    const traits = this.describe(address, userAgent);
    this.recent.set(key, { day: periods.daySalt.period, week: periods.weekSalt.period, ids, network: networkIds, traits });
    return { ids, network: networkIds, traits, first: true };
  }

  /** Forgets a visitor just seen for the first time whose view was refused: it stays new. */
  forget(siteId: string, ip: string, userAgent: string): void {
    this.recent.delete(digest(`${siteId}\n${ip}\n${userAgent}`));
  }

  private saltsOf(siteId: string, periods: Periods): [string, string, string, string] | undefined {
    const salt = (ref: SaltRef) => this.salts.get(`${siteId}\n${ref.period}`);
    const [day, week, month, year] = [salt(periods.daySalt), salt(periods.weekSalt), salt(periods.monthSalt), salt(periods.yearSalt)];
    if (day === undefined || week === undefined || month === undefined || year === undefined) return undefined;
    return [day, week, month, year];
  }

  /** Loads (creating where needed) every salt of `periods`. */
  async load(siteId: string, periods: Periods): Promise<void> {
    await Promise.all([periods.daySalt, periods.weekSalt, periods.monthSalt, periods.yearSalt].map((ref) => this.salt(siteId, ref)));
  }

  /** Drops cached salts whose period has expired, as the store does. */
  forgetExpired(now: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt <= now) {
        this.salts.delete(key);
        this.expiries.delete(key);
      }
    }
  }

  private salt(siteId: string, ref: SaltRef): Promise<string> {
    const key = `${siteId}\n${ref.period}`;
    const known = this.salts.get(key);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.store
        .getOrCreateSalt(siteId, ref.period, this.newSalt(siteId, ref.period), ref.expiresAt)
        .then((salt) => {
          this.salts.set(key, salt);
          this.expiries.set(key, ref.expiresAt);
          return salt;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }
}

function randomSalt(): string {
  return randomBytes(32).toString('base64url');
}

function digest(input: string): string {
  return hash('sha256', input, 'base64url');
}

/**
 * SHA-256 of the secret salt (fixed length, so prefix-free) and the input, truncated: a keyed
 * hash four times cheaper than an HMAC here, with the same secrecy, since a truncated digest
 * cannot be extended and an id only ever meets other ids.
 */
function keyedHash(salt: string, input: string): string {
  return hash('sha256', `${salt}\n${input}`, 'base64url').slice(0, ID_LENGTH);
}
