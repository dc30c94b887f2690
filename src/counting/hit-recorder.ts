/**
 * Turns admitted hits, pings and heartbeats into batch entries: the calendar's periods, the
 * visitor's ids, the rate limit, the view's sources, the outage buffer's limit. A hit whose
 * salts the store cannot give yet is held in memory (the raw IP never written anywhere) and
 * replayed with the time it arrived once the store answers.
 */
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import { EARNER_LENGTH, type RefusalReason } from '../store/store.js';
import type { BatchWriter } from './batch-writer.js';
import { pageKey } from './page-path.js';
import type { PeriodCalculator, Periods } from './periods.js';
import type { RateLimiter } from './rate-limiter.js';
import type { Site } from './site.js';
import type { SourceClassifier, VisitorTraits } from './sources/source-classifier.js';
import type { VisitorIds, VisitorSighting } from './visitor-ids.js';

export interface Visitor {
  ip: string;
  userAgent: string;
  /** False when the visitor asked not to be tracked: the view counts, no id is kept. */
  track: boolean;
}

/** Where a view was: the page's origin, and the referrer the browser sent with it. */
export interface ViewContext {
  origin?: string;
  referrer?: string | null;
}

export interface HitRecorderOptions {
  log: Logger;
  clock: () => number;
  periods: PeriodCalculator;
  ids: VisitorIds<VisitorTraits | undefined>;
  limiter: RateLimiter;
  writer: BatchWriter;
  /** Undefined: where views come from is not collected (the CLI counts no hits). */
  sources?: SourceClassifier;
  /** Per-visitor totals of the rate limit must go through the store (instances share it). */
  sharesRates: boolean;
  /** Most entries held in memory while the store does not answer. */
  bufferLimit: number;
}

/** A hit or ping waiting for its period's salts (the store did not answer yet). */
interface Waiting {
  site: Site;
  at: number;
  visitor: Visitor;
  /** Absent for a ping. */
  hit?: { path: string; target: string; view: ViewContext };
}

const RETRY_AFTER_S = 5;
/** A hit adds at most this many entries: day, path, week, month, year, their four ids, online, rate, six sources. */
const MAX_ENTRIES_PER_HIT = 17;

export class HitRecorder {
  private waiting: Waiting[] = [];
  private retrying = false;

  constructor(private readonly options: HitRecorderOptions) {}

  /** Counts one page view of `target` (path and query); throws `rate_limited` or `store_unavailable`. */
  async recordHit(site: Site, target: string, visitor: Visitor, view: ViewContext = {}): Promise<void> {
    this.checkBuffer();
    const hit = { path: pageKey(target, site.pageQuery), target, view };
    const at = this.options.clock();
    const periods = this.options.periods.at(site, at);
    const sighting = this.sight(site, periods, visitor) ?? (await this.loadIds({ site, at, visitor, hit }, periods));
    if (!sighting) return;
    const retryAfter = this.options.limiter.take(site.id, sighting.ids.day, at);
    if (retryAfter > 0) {
      this.recordRefusal(site, 'rate_limit');
      throw new FootfallError('rate_limited', undefined, { retryAfter });
    }
    this.add(site, at, periods, hit, visitor.track ? sighting : undefined, sighting.traits, true);
  }

  /** Keeps a visitor online without counting a view. */
  async recordPing(site: Site, visitor: Visitor): Promise<void> {
    if (!visitor.track) return;
    this.checkBuffer();
    const at = this.options.clock();
    const periods = this.options.periods.at(site, at);
    const sighting = this.sight(site, periods, visitor) ?? (await this.loadIds({ site, at, visitor }, periods));
    if (sighting) this.options.writer.batchFor(site.id).touch(sighting.ids.day, at);
  }

  /** Counts a refused hit by reason, for operators. */
  recordRefusal(site: Site, reason: RefusalReason): void {
    this.options.writer.batchFor(site.id).addRefusal(this.options.periods.at(site, this.options.clock()).day, reason);
  }

  /** The id a live connection keeps online (the visitor's day id), or undefined if untracked. */
  async onlineId(site: Site, visitor: Visitor): Promise<string | undefined> {
    if (!visitor.track) return undefined;
    const periods = this.options.periods.at(site, this.options.clock());
    let sighting = this.sight(site, periods, visitor);
    if (!sighting) {
      await this.options.ids.load(site.id, periods);
      sighting = this.sight(site, periods, visitor);
    }
    return sighting?.ids.day;
  }

  /** Heartbeats of open live connections: each id stays online. */
  touchOnline(siteId: string, onlineIds: Iterable<string>): void {
    const at = this.options.clock();
    const batch = this.options.writer.batchFor(siteId);
    for (const id of onlineIds) batch.touch(id, at);
  }

  /** Entries held for their salts, counted against the buffer limit. */
  get held(): number {
    return this.waiting.length;
  }

  /** Replays held entries whose salts now load; stops at the first store failure. */
  async retryWaiting(): Promise<void> {
    if (this.retrying || this.waiting.length === 0) return;
    this.retrying = true;
    try {
      while (this.waiting.length > 0) {
        const entry = this.waiting[0]!;
        try {
          await this.options.ids.load(entry.site.id, this.options.periods.at(entry.site, entry.at));
        } catch {
          // Still not answering: the next flush tries again.
          return;
        }
        // Every entry of the same salts replays now; the rest wait for their own load.
        const before = this.waiting.length;
        this.waiting = this.waiting.filter((held) => !this.replay(held));
        if (this.waiting.length === before) return;
      }
    } finally {
      this.retrying = false;
    }
  }

  private sight(site: Site, periods: Periods, visitor: Visitor): VisitorSighting<VisitorTraits | undefined> | undefined {
    return this.options.ids.sight(site.id, periods, visitor.ip, visitor.userAgent);
  }

  private checkBuffer(): void {
    const { writer, bufferLimit } = this.options;
    // A store that answers drains the buffer every flush; counting entries costs per site.
    if (!writer.behind && this.waiting.length === 0) return;
    if (writer.entries + this.waiting.length + MAX_ENTRIES_PER_HIT > bufferLimit) {
      throw new FootfallError('store_unavailable', undefined, { retryAfter: RETRY_AFTER_S });
    }
  }

  /** Loads the salts of `periods` and sees the visitor; when the store does not answer, holds the entry. */
  private async loadIds(entry: Waiting, periods: Periods): Promise<VisitorSighting<VisitorTraits | undefined> | undefined> {
    try {
      await this.options.ids.load(entry.site.id, periods);
    } catch (error) {
      if (this.waiting.length === 0) this.options.log.warn({ err: error, site: entry.site.id }, 'salts not available; holding hits until the store answers');
      this.waiting.push(entry);
      return undefined;
    }
    return this.sight(entry.site, periods, entry.visitor);
  }

  /**
   * Adds a held hit or ping with the time it arrived (it was already answered, so no limit);
   * false when its salts are not loaded yet.
   */
  private replay({ site, at, visitor, hit }: Waiting): boolean {
    const periods = this.options.periods.at(site, at);
    const sighting = this.sight(site, periods, visitor);
    if (!sighting) return false;
    if (hit === undefined) this.options.writer.batchFor(site.id).touch(sighting.ids.day, at);
    else this.add(site, at, periods, hit, visitor.track ? sighting : undefined, sighting.traits, false);
    return true;
  }

  /** `sighting` undefined: an untracked visitor (DNT), counted as a view only. */
  private add(
    site: Site,
    at: number,
    periods: Periods,
    hit: NonNullable<Waiting['hit']>,
    sighting: VisitorSighting<VisitorTraits | undefined> | undefined,
    traits: VisitorTraits | undefined,
    limited: boolean,
  ): void {
    const ids = sighting?.ids;
    // A store of one process needs no shared totals: this process saw every view itself.
    const rateId = limited && this.options.sharesRates ? ids?.day : undefined;
    const { day, hour, week, month, year } = periods;
    // The week id tells two viewers of a path apart for its all-time slot; a short digest is enough.
    const earner = ids?.week.slice(0, EARNER_LENGTH);
    this.options.writer.batchFor(site.id).addHit(
      { at, day, hour, week, month, year, path: hit.path, ids, earner, sources: this.sourcesOf(site, hit, traits), newVisitor: sighting?.first === true },
      rateId,
    );
  }

  /** The view's name in each dimension the site collects. */
  private sourcesOf(site: Site, hit: NonNullable<Waiting['hit']>, traits: VisitorTraits | undefined): Array<[string, string]> | undefined {
    const { sources } = this.options;
    if (!sources || !traits || site.collect.length === 0) return undefined;
    const names = { ...traits, ...sources.view(hit.view.origin ?? site.origins[0] ?? '', hit.target, hit.view.referrer, site.origins) };
    return site.collect.map((dimension) => [dimension, names[dimension]]);
  }
}
