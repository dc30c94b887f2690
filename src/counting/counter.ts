/**
 * The counter service, the one way from the edges (HTTP, live, CLI, ops use-cases) to the
 * figures: it takes hits, pings and heartbeats, applies the counting rules (calendar, visitor
 * ids, rate limit, outage buffer) and hands batches to the writer; it reads figures back as
 * counts payloads and history, and keeps the sites. Nothing above it holds the store.
 */
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { EARNER_LENGTH, type DayDetail, type PathUsage, type PathViews, type RefusalReason, type Store, type StoreConnectionState } from '../store/store.js';
import { localInstant } from './calendar.js';
import { BatchWriter, type WriterState } from './batch-writer.js';
import { CountsReader, type CountsRead } from './counts-reader.js';
import { HistoryReader, type DailyFigures, type HistoryGroup, type ImportedFigures } from './history.js';
import { pageKey } from './page-path.js';
import { PeriodCalculator, type Periods } from './periods.js';
import { RateLimiter } from './rate-limiter.js';
import { DEFAULT_PATH_LIMIT, SITE_ID_PATTERN, siteSchema, type Site } from './site.js';
import { SiteRegistry } from './site-registry.js';
import { VisitorIds, type VisitorIdSet } from './visitor-ids.js';

export interface CounterOptions {
  store: Store;
  log: Logger;
  metrics: Metrics;
  clock?: () => number;
  onlineWindowMs: number;
  /** Views per visitor per site per minute; 0 is no limit. */
  rateLimit: number;
  /** Days a day's (and month's, year's) figures are kept after it ends; 0 keeps them forever. */
  retentionDays?: number;
  flushIntervalMs: number;
  /** Most entries held in memory while the store does not answer. */
  bufferLimit: number;
  /** How often the site list is re-read from the store. */
  sitesRefreshMs?: number;
}


export interface Visitor {
  ip: string;
  userAgent: string;
  /** False when the visitor asked not to be tracked: the view counts, no id is kept. */
  track: boolean;
}

/** How the counter's link to its store is doing, for /readyz and /metrics. */
export interface CounterHealth {
  /** The store answered a ping within a second. */
  storeAnswers: boolean;
  connection: StoreConnectionState;
  writer: WriterState;
  /** Entries accepted but not yet written. */
  backlog: number;
}

/** A hit or ping waiting for its period's salts (the store did not answer yet). */
interface Waiting {
  site: Site;
  at: number;
  visitor: Visitor;
  path?: string;
}

const RETRY_AFTER_S = 5;
/** A hit adds at most this many entries: day, path, week, month, year, their four ids, online, rate. */
const MAX_ENTRIES_PER_HIT = 11;
const PRUNE_INTERVAL_MS = 60_000;
const SALT_LEAD_MS = 15 * 60_000;
const PING_TIMEOUT_MS = 1000;

export class Counter {
  private readonly sites: SiteRegistry;
  private readonly writer: BatchWriter;
  private readonly reader: CountsReader;
  private readonly historyReader: HistoryReader;
  private readonly periods: PeriodCalculator;
  private readonly ids: VisitorIds;
  private readonly limiter: RateLimiter;
  private readonly options: CounterOptions;
  private readonly store: Store;
  private readonly clock: () => number;
  private waiting: Waiting[] = [];
  private retrying = false;
  private pruneTimer?: NodeJS.Timeout;

  constructor(options: CounterOptions) {
    this.options = options;
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.periods = new PeriodCalculator(options.retentionDays ?? 0);
    this.sites = new SiteRegistry(options.store, options.log.child({ module: 'sites' }));
    this.ids = new VisitorIds(options.store);
    this.limiter = new RateLimiter(options.rateLimit);
    this.reader = new CountsReader(options.store, this.periods, this.clock, options.onlineWindowMs);
    this.historyReader = new HistoryReader(options.store, this.periods);
    this.writer = new BatchWriter({
      store: options.store,
      log: options.log.child({ module: 'writer' }),
      metrics: options.metrics,
      intervalMs: options.flushIntervalMs,
      onlineWindowMs: options.onlineWindowMs,
      clock: this.clock,
      onTotals: (site, totals) => this.limiter.learn(site, totals),
      onFlushed: () => {
        if (this.waiting.length > 0) void this.retryWaiting();
      },
      pathLimitOf: (site) => this.sites.get(site)?.pathLimit ?? DEFAULT_PATH_LIMIT,
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

  /** The site with this id, if it exists. */
  site(id: string): Site | undefined {
    return this.sites.get(id);
  }

  /** The site with this id; throws `unknown_site` when there is none. */
  requireSite(id: string): Site {
    const site = this.sites.get(id);
    if (site) return site;
    throw unknownSiteError(id);
  }

  /** The site as stored now, which another instance may have changed since the last refresh. */
  async storedSite(id: string): Promise<Site | undefined> {
    const record = await this.store.getSite(id);
    return record && siteSchema.parse(record);
  }

  /** Every site, by id. */
  listSites(): Site[] {
    return this.sites.all();
  }

  /** Saves a site's settings; every instance serves them within one refresh. */
  putSite(site: Site): Promise<void> {
    return this.sites.put(site);
  }

  /** Removes a site and every figure it has. */
  removeSite(id: string): Promise<void> {
    return this.sites.remove(id);
  }

  /** Reads the sites again now rather than at the next refresh. */
  refreshSites(): Promise<void> {
    return this.sites.refresh();
  }

  /** The site's local date now. */
  today(site: Site): string {
    return localInstant(this.clock(), site.timezone).date;
  }

  /**
   * Counts one page view of `target` (the page URL's path and query), keyed as the site keys
   * its pages (page-path.ts). Throws `rate_limited` past the visitor's limit and
   * `store_unavailable` when the outage buffer is full.
   */
  async recordHit(site: Site, target: string, visitor: Visitor): Promise<void> {
    this.checkBuffer();
    const path = pageKey(target, site.pageQuery);
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
  readCounts(site: Site, paths?: string[]): Promise<CountsRead> {
    return this.reader.read(site, paths);
  }

  /**
   * Figures from `from` to `to` (local dates, inclusive), imported history added in: one row
   * per day, or with `group` one per month or year the range touches (history.ts).
   */
  history(site: Site, from: string, to: string, group: HistoryGroup = 'day'): Promise<DailyFigures[]> {
    return this.historyReader.read(site, from, to, group);
  }

  /** Each day's imported figures between `from` and `to`, as an earlier import set them. */
  importedHistory(site: Site, from: string, to: string): Promise<ImportedFigures[]> {
    return this.historyReader.imported(site, from, to);
  }

  /**
   * Sets an old counter's figures for past days: a day set again replaces its earlier import,
   * so the same file twice changes nothing. Imported days are kept as long as the site.
   */
  importHistory(site: Site, days: DailyFigures[]): Promise<void> {
    return this.historyReader.importDays(site, days);
  }

  /** The baselines of pages (page keys), same order; 0 where none. */
  pageBaselines(site: Site, paths: string[]): Promise<number[]> {
    return this.store.readPageBaselines(site.id, paths);
  }

  /** Sets each listed page's baseline (0 removes it). */
  setPageBaselines(site: Site, pages: PathViews[]): Promise<void> {
    return this.store.setPageBaselines(site.id, pages);
  }

  /** How many paths the site keeps today and all-time, against its caps. */
  async pathUsage(site: Site): Promise<PathUsage & { limit: Site['pathLimit']; atCap: { day: boolean; total: boolean } }> {
    const usage = await this.store.readPathUsage(site.id, this.today(site));
    const { pathLimit: limit } = site;
    // The day's own (other) bucket is one entry past its cap.
    return { ...usage, limit, atCap: { day: usage.today >= limit.day, total: usage.earned >= limit.total } };
  }

  /** The day's top paths by views. */
  readTopPages(site: Site, date: string, limit: number): Promise<PathViews[]> {
    return this.store.readTopPages(site.id, date, limit);
  }

  /** A local day in detail: views by hour and refused hits by reason. */
  readDayDetail(site: Site, date: string): Promise<DayDetail> {
    return this.store.readDayDetail(site.id, date);
  }

  /**
   * Calls `listener` with the sites whose figures changed, on this instance or any other on
   * the same store; resolves once such notices arrive.
   */
  watchChanges(listener: (sites: readonly string[]) => void): Promise<void> {
    return this.store.changes.subscribe(listener);
  }

  /** Entries accepted but not yet written. */
  get backlog(): number {
    return this.writer.entries;
  }

  get writerState(): WriterState {
    return this.writer.state;
  }

  /** The state of the store's connection. */
  get connection(): StoreConnectionState {
    return this.store.connection;
  }

  /** The store's link as /readyz shows it; the ping waits at most a second. */
  async health(): Promise<CounterHealth> {
    return {
      storeAnswers: await answersWithin(this.store, PING_TIMEOUT_MS),
      connection: this.connection,
      writer: this.writer.state,
      backlog: this.writer.entries,
    };
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
  private async loadIds(entry: Waiting, periods: Periods): Promise<VisitorIdSet | undefined> {
    try {
      await this.ids.load(entry.site.id, periods);
    } catch (error) {
      if (this.waiting.length === 0) this.options.log.warn({ err: error, site: entry.site.id }, 'salts not available; holding hits until the store answers');
      this.waiting.push(entry);
      return undefined;
    }
    return this.ids.idsFor(entry.site.id, periods, entry.visitor.ip, entry.visitor.userAgent);
  }

  /** Replays held entries whose salts now load; stops at the first store failure. */
  private async retryWaiting(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      while (this.waiting.length > 0) {
        const entry = this.waiting[0]!;
        try {
          await this.ids.load(entry.site.id, this.periods.at(entry.site, entry.at));
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

  /**
   * Adds a held hit or ping with the time it arrived (it was already answered, so no limit);
   * false when its salts are not loaded yet.
   */
  private replay({ site, at, visitor, path }: Waiting): boolean {
    const periods = this.periods.at(site, at);
    const ids = this.ids.idsFor(site.id, periods, visitor.ip, visitor.userAgent);
    if (!ids) return false;
    if (path === undefined) this.writer.batchFor(site.id).touch(ids.day, at);
    else this.add(site.id, at, periods, path, visitor.track ? ids : undefined, false);
    return true;
  }

  /** `ids` undefined: an untracked visitor (DNT), counted as a view only. */
  private add(siteId: string, at: number, periods: Periods, path: string, ids: VisitorIdSet | undefined, limited: boolean): void {
    // A store of one process needs no shared totals: this process saw every view itself.
    const rateId = limited && this.store.shared && this.options.rateLimit > 0 ? ids?.day : undefined;
    const { day, hour, week, month, year } = periods;
    // The week id tells two viewers of a path apart for its all-time slot; a short digest is enough.
    const earner = ids?.week.slice(0, EARNER_LENGTH);
    this.writer.batchFor(siteId).addHit({ at, day, hour, week, month, year, path, ids, earner }, rateId);
  }

  private async prune(): Promise<void> {
    const now = this.clock();
    this.ids.forgetExpired(now);
    // Tomorrow's salts exist before tomorrow, so a store outage at midnight holds no hits.
    for (const site of this.sites.all()) {
      this.ids.load(site.id, this.periods.at(site, now + SALT_LEAD_MS)).catch(() => undefined);
    }
    try {
      await this.store.prune(now);
    } catch (error) {
      this.options.log.warn({ err: error }, 'store prune failed');
    }
  }
}

/** The refusal of a site id nobody registered; the id is named when it is a valid one. */
export function unknownSiteError(id: string): FootfallError {
  return new FootfallError('unknown_site', SITE_ID_PATTERN.test(id) ? `There is no site "${id}".` : undefined);
}

function answersWithin(store: Store, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    store.ping().then(
      () => resolve(true),
      () => resolve(false),
    ).finally(() => clearTimeout(timer));
  });
}
