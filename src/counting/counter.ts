/**
 * The counter service: takes hits, pings and heartbeats, applies the counting rules (calendar,
 * visitor ids, rate limit, outage buffer) and hands batches to the writer; reads figures back
 * as counts payloads. HTTP and live connections talk to this, never to the store directly.
 */
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RefusalReason, Store } from '../store/store.js';
import { addDays } from './calendar.js';
import { BatchWriter, type WriterEvents } from './batch-writer.js';
import { CountsReader } from './counts-reader.js';
import { PeriodCalculator, type Periods } from './periods.js';
import { RateLimiter } from './rate-limiter.js';
import type { Site } from './site.js';
import { SiteRegistry } from './site-registry.js';
import { VisitorIds, type VisitorIdPair } from './visitor-ids.js';

export interface CounterOptions {
  store: Store;
  log: Logger;
  clock?: () => number;
  onlineWindowMs: number;
  /** Views per visitor per site per minute; 0 is no limit. */
  rateLimit: number;
  flushIntervalMs: number;
  /** Most entries held in memory while the store does not answer. */
  bufferLimit: number;
  /** How often the site list is re-read from the store. */
  sitesRefreshMs?: number;
  events?: Partial<WriterEvents>;
}

export interface DailyFigures {
  date: string;
  views: number;
  visitors: number;
}

export interface Visitor {
  ip: string;
  userAgent: string;
  /** False when the visitor asked not to be tracked: the view counts, no id is kept. */
  track: boolean;
}

/** A hit or ping waiting for its period's salts (the store did not answer yet). */
interface Waiting {
  site: Site;
  at: number;
  visitor: Visitor;
  path?: string;
}

const RETRY_AFTER_S = 5;
/** A hit adds at most this many entries (day, hour, path, day id, week, week id, online, rate). */
const MAX_ENTRIES_PER_HIT = 8;
const PRUNE_INTERVAL_MS = 60_000;
const SALT_LEAD_MS = 15 * 60_000;

export class Counter {
  readonly sites: SiteRegistry;
  readonly writer: BatchWriter;
  private readonly reader: CountsReader;
  private readonly periods = new PeriodCalculator();
  private readonly ids: VisitorIds;
  private readonly limiter: RateLimiter;
  /**
   * Whether the store keeps per-visitor totals for the rate limit: only a store several
   * instances share needs them; on one machine this process sees every view itself.
   */
  private readonly sharesRates: boolean;
  private readonly options: CounterOptions;
  private readonly clock: () => number;
  private waiting: Waiting[] = [];
  private pruneTimer?: NodeJS.Timeout;

  constructor(options: CounterOptions) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.sites = new SiteRegistry(options.store, options.log.child({ module: 'sites' }));
    this.ids = new VisitorIds(options.store);
    this.limiter = new RateLimiter(options.rateLimit);
    this.sharesRates = options.rateLimit > 0 && (options.store.kind === 'redis' || options.store.kind === 'redis-cluster');
    this.reader = new CountsReader(options.store, this.periods, this.clock, options.onlineWindowMs);
    const events = options.events ?? {};
    this.writer = new BatchWriter({
      store: options.store,
      log: options.log.child({ module: 'writer' }),
      intervalMs: options.flushIntervalMs,
      onlineWindowMs: options.onlineWindowMs,
      clock: this.clock,
      events: {
        applied: (site, totals) => {
          this.limiter.learn(site, totals);
          events.applied?.(site, totals);
        },
        flushed: (seconds, sites) => {
          events.flushed?.(seconds, sites);
          if (this.waiting.length > 0) void this.retryWaiting();
        },
        stateChanged: (state) => events.stateChanged?.(state),
        storeError: (error) => events.storeError?.(error),
      },
    });
    this.sites.onChange(() => this.periods.clear());
  }

  /** Loads the sites and starts writing batches and pruning. */
  async start(): Promise<void> {
    await this.sites.refresh();
    this.sites.start(this.options.sitesRefreshMs ?? 2000);
    this.writer.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /**
   * Counts one page view of `path`. Throws `rate_limited` past the visitor's limit and
   * `store_unavailable` when the outage buffer is full.
   */
  async recordHit(site: Site, path: string, visitor: Visitor): Promise<void> {
    this.checkBuffer();
    const at = this.clock();
    const periods = this.periods.at(site, at);
    const ids = this.ids.idsFor(site.id, periods, visitor.ip, visitor.userAgent) ?? (await this.loadIds({ site, at, visitor, path }, periods));
    if (!ids) return;
    const retryAfter = this.limiter.take(site.id, ids.day, at);
    if (retryAfter > 0) {
      this.recordRefusal(site, 'rate_limit');
      throw new FootfallError('rate_limited', undefined, { retryAfter });
    }
    this.add(site.id, at, periods, path, visitor.track ? ids : undefined, true);
  }

  /** Keeps a visitor online without counting a view. */
  async recordPing(site: Site, visitor: Visitor): Promise<void> {
    if (!visitor.track) return;
    this.checkBuffer();
    const at = this.clock();
    const periods = this.periods.at(site, at);
    const ids = this.ids.idsFor(site.id, periods, visitor.ip, visitor.userAgent) ?? (await this.loadIds({ site, at, visitor }, periods));
    if (ids) this.writer.batchFor(site.id).touch(ids.day, at);
  }

  /** Counts a refused hit by reason, for operators. */
  recordRefusal(site: Site, reason: RefusalReason): void {
    this.writer.batchFor(site.id).addRefusal(this.periods.at(site, this.clock()).day, reason);
  }

  /** The id a live connection keeps online (the visitor's day id), or undefined if untracked. */
  async onlineId(site: Site, visitor: Visitor): Promise<string | undefined> {
    if (!visitor.track) return undefined;
    const periods = this.periods.at(site, this.clock());
    let ids = this.ids.idsFor(site.id, periods, visitor.ip, visitor.userAgent);
    if (!ids) {
      await this.ids.load(site.id, periods);
      ids = this.ids.idsFor(site.id, periods, visitor.ip, visitor.userAgent);
    }
    return ids?.day;
  }

  /** Heartbeats of open live connections: each id stays online. */
  touchOnline(siteId: string, onlineIds: Iterable<string>): void {
    const at = this.clock();
    const batch = this.writer.batchFor(siteId);
    for (const id of onlineIds) batch.touch(id, at);
  }

  /** The site's counts payload (and views of `paths`), read from the store now. */
  readCounts(site: Site, paths?: string[]) {
    return this.reader.read(site, paths);
  }

  /**
   * Daily figures from `from` to `to` (local dates, inclusive), imported history added in, one
   * row per day with zeros for days without hits.
   */
  async history(site: Site, from: string, to: string): Promise<DailyFigures[]> {
    const stored = new Map((await this.options.store.readHistory(site.id, from, to)).map((day) => [day.date, day]));
    const rows: DailyFigures[] = [];
    for (let date = from; date <= to; date = addDays(date, 1)) {
      const day = stored.get(date);
      rows.push({
        date,
        views: (day?.views ?? 0) + (day?.imported.views ?? 0),
        visitors: (day?.visitors ?? 0) + (day?.imported.visitors ?? 0),
      });
    }
    return rows;
  }

  /** Writes everything accepted so far. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Writes everything accepted, retrying until `deadline` (epoch ms), then stops. */
  async close(deadline: number): Promise<void> {
    clearInterval(this.pruneTimer);
    this.sites.close();
    if (this.waiting.length > 0) await this.retryWaiting();
    await this.writer.close(deadline);
  }

  private checkBuffer(): void {
    // A store that answers drains the buffer every flush; counting entries costs per site.
    if (!this.writer.behind && this.waiting.length === 0) return;
    if (this.writer.entries + this.waiting.length + MAX_ENTRIES_PER_HIT > this.options.bufferLimit) {
      throw new FootfallError('store_unavailable', undefined, { retryAfter: RETRY_AFTER_S });
    }
  }

  /**
   * Loads the salts of `periods` and returns the visitor's ids; when the store does not answer,
   * holds the entry in memory (the raw IP is never written anywhere) and returns undefined.
   */
  private async loadIds(entry: Waiting, periods: Periods): Promise<VisitorIdPair | undefined> {
    try {
      await this.ids.load(entry.site.id, periods);
    } catch (error) {
      if (this.waiting.length === 0) this.options.log.warn({ err: error, site: entry.site.id }, 'salts not available; holding hits until the store answers');
      this.waiting.push(entry);
      return undefined;
    }
    return this.ids.idsFor(entry.site.id, periods, entry.visitor.ip, entry.visitor.userAgent);
  }

  private async retryWaiting(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    for (const entry of waiting) {
      try {
        await this.ids.load(entry.site.id, this.periods.at(entry.site, entry.at));
        this.replay(entry);
      } catch {
        this.waiting.push(entry);
      }
    }
  }

  /** Adds a held hit or ping with the time it arrived; it was already answered, so no limit. */
  private replay({ site, at, visitor, path }: Waiting): void {
    const periods = this.periods.at(site, at);
    const ids = this.ids.idsFor(site.id, periods, visitor.ip, visitor.userAgent);
    if (!ids) return;
    if (path === undefined) this.writer.batchFor(site.id).touch(ids.day, at);
    else this.add(site.id, at, periods, path, visitor.track ? ids : undefined, false);
  }

  /** `ids` undefined: an untracked visitor (DNT), counted as a view only. */
  private add(siteId: string, at: number, periods: Periods, path: string, ids: VisitorIdPair | undefined, limited: boolean): void {
    const tracked = ids ? { dayId: ids.day, weekId: ids.week } : {};
    this.writer
      .batchFor(siteId)
      .addHit({ at, day: periods.day, hour: periods.hour, week: periods.week, path, ...tracked }, limited && this.sharesRates ? ids?.day : undefined);
  }

  private async prune(): Promise<void> {
    const now = this.clock();
    this.ids.forgetExpired(now);
    // Tomorrow's salts exist before tomorrow, so a store outage at midnight holds no hits.
    for (const site of this.sites.all()) {
      this.ids.load(site.id, this.periods.at(site, now + SALT_LEAD_MS)).catch(() => undefined);
    }
    try {
      await this.options.store.prune(now);
    } catch (error) {
      this.options.log.warn({ err: error }, 'store prune failed');
    }
  }
}
