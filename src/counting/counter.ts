/**
 * The counter service, the one way from the edges (HTTP, live, CLI, ops use-cases) to the
 * figures: it takes hits, pings and heartbeats, applies the counting rules (calendar, visitor
 * ids, budgets, outage buffer) and hands batches to the writer; it reads figures back as
 * counts payloads and history, and keeps the sites. Nothing above it holds the store.
 */
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { compareText } from '../store/ordering.js';
import type { DayDetail, PathUsage, PathViews, RefusalReason, SourceFigures, Store, StoreConnectionState } from '../store/store.js';
import { localInstant } from './calendar.js';
import { BatchWriter, type Held, type WriterState } from './batch-writer.js';
import { CountsReader, type CountsRead } from './counts-reader.js';
import { HistoryReader, type DailyFigures, type HistoryGroup, type ImportedFigures } from './history.js';
import { PeriodCalculator, type Periods } from './periods.js';
import { Budgets } from './budgets.js';
import { DEFAULT_PATH_LIMIT, SITE_ID_PATTERN, siteSchema, type Site } from './site.js';
import { SiteRegistry } from './site-registry.js';
import { VisitorIds } from './visitor-ids.js';
import { HitRecorder, type ViewContext, type Visitor } from './hit-recorder.js';
import type { SourceDimension } from './sources/dimensions.js';
import type { SourceClassifier, VisitorTraits } from './sources/source-classifier.js';

export interface CounterOptions {
  store: Store;
  log: Logger;
  metrics: Metrics;
  clock?: () => number;
  /** Where new period salts come from; random unless a test needs its HyperLogLogs repeatable. */
  newSalt?: (siteId: string, period: string) => string;
  onlineWindowMs: number;
  /** Views per visitor per site per minute; 0 is no limit. */
  rateLimit: number;
  /** What one network address may add per site per minute (budgets.ts); 0 or absent is no limit. */
  addressBudgets?: { views?: number; pings?: number; newVisitors?: number };
  /** Where views come from; undefined collects no sources (the CLI counts no hits). */
  sources?: SourceClassifier;
  /** Days a day's (and month's, year's) figures are kept after it ends; 0 keeps them forever. */
  retentionDays?: number;
  flushIntervalMs: number;
  /** Most entries held in memory while the store does not answer. */
  bufferLimit: number;
  /** Most bytes (estimated) held in memory while the store does not answer; default 64 MiB. */
  bufferBytes?: number;
  /** How often the site list is re-read from the store. */
  sitesRefreshMs?: number;
  /** Answer a hit only once the store holds it (FOOTFALL_ANSWER=written); default false. */
  answerWhenWritten?: boolean;
}


/** How the counter's link to its store is doing, for /readyz and /metrics. */
export interface CounterHealth {
  /** The store answered a ping within a second. */
  storeAnswers: boolean;
  connection: StoreConnectionState;
  writer: WriterState;
  /** Entries accepted but not yet written, or waiting for their salts. */
  backlog: number;
  /** Their memory, estimated: the measure of `FOOTFALL_BUFFER_BYTES`. */
  bufferBytes: number;
}

const PRUNE_INTERVAL_MS = 60_000;
const DEFAULT_BUFFER_BYTES = 64 * 1024 * 1024;
const SALT_LEAD_MS = 15 * 60_000;
const PING_TIMEOUT_MS = 1000;

export class Counter {
  private readonly sites: SiteRegistry;
  private readonly writer: BatchWriter;
  private readonly reader: CountsReader;
  private readonly historyReader: HistoryReader;
  private readonly periods: PeriodCalculator;
  private readonly ids: VisitorIds<VisitorTraits | undefined>;
  private readonly budgets: Budgets;
  private readonly hits: HitRecorder;
  private readonly options: CounterOptions;
  private readonly store: Store;
  private readonly clock: () => number;
  private pruneTimer?: NodeJS.Timeout;

  constructor(options: CounterOptions) {
    this.options = options;
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.periods = new PeriodCalculator(options.retentionDays ?? 0);
    this.sites = new SiteRegistry(options.store, options.log.child({ module: 'sites' }));
    const { sources } = options;
    this.ids = new VisitorIds(options.store, sources ? (ip, userAgent) => sources.visitor(ip, userAgent) : () => undefined, options.newSalt);
    const address = options.addressBudgets ?? {};
    this.budgets = new Budgets({
      visitorViews: options.rateLimit,
      addressViews: address.views ?? 0,
      addressPings: address.pings ?? 0,
      addressNewVisitors: address.newVisitors ?? 0,
    });
    this.reader = new CountsReader(options.store, this.periods, this.clock, options.onlineWindowMs);
    this.historyReader = new HistoryReader(options.store, this.periods);
    this.writer = new BatchWriter({
      store: options.store,
      log: options.log.child({ module: 'writer' }),
      metrics: options.metrics,
      intervalMs: options.flushIntervalMs,
      onlineWindowMs: options.onlineWindowMs,
      clock: this.clock,
      onTotals: (site, totals) => this.budgets.learn(site, totals),
      onFlushed: () => void this.hits.retryWaiting(),
      pathLimitOf: (site) => this.sites.get(site)?.pathLimit ?? DEFAULT_PATH_LIMIT,
    });
    this.hits = new HitRecorder({
      log: options.log,
      metrics: options.metrics,
      clock: this.clock,
      periods: this.periods,
      ids: this.ids,
      budgets: this.budgets,
      writer: this.writer,
      sources,
      sharesRates: options.store.shared && !this.budgets.off,
      buffer: { entries: options.bufferLimit, bytes: options.bufferBytes ?? DEFAULT_BUFFER_BYTES },
      answerWhenWritten: options.answerWhenWritten ?? false,
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

  /** True when `origin` is one of some site's origins. */
  servesOrigin(origin: string): boolean {
    return this.sites.hasOrigin(origin);
  }

  /** The sites listing `origin`: a page that names no site (busuanzi.js) is counted for the one. */
  sitesOfOrigin(origin: string): readonly Site[] {
    return this.sites.sitesOfOrigin(origin);
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
   * its pages (page-path.ts), its sources from `view`. Throws `rate_limited` past the
   * visitor's limit and `store_unavailable` when the outage buffer is full.
   */
  recordHit(site: Site, target: string, visitor: Visitor, view?: ViewContext): Promise<void> {
    return this.hits.recordHit(site, target, visitor, view);
  }

  /** Keeps a visitor online without counting a view. */
  recordPing(site: Site, visitor: Visitor): Promise<void> {
    return this.hits.recordPing(site, visitor);
  }

  /** Counts a refused hit by reason, for operators. */
  recordRefusal(site: Site, reason: RefusalReason): void {
    this.hits.recordRefusal(site, reason);
  }

  /** The id a live connection keeps online (the visitor's day id), or undefined if untracked. */
  onlineId(site: Site, visitor: Visitor): Promise<string | undefined> {
    return this.hits.onlineId(site, visitor);
  }

  /** Heartbeats of open live connections: each id stays online. */
  touchOnline(siteId: string, onlineIds: Iterable<string>): void {
    this.hits.touchOnline(siteId, onlineIds);
  }

  /** The site's counts payload (and views of `paths`), read from the store now. */
  readCounts(site: Site, paths?: string[]): Promise<CountsRead> {
    this.options.metrics.countsReads.inc();
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

  /**
   * Where views came from in one dimension over the local days `from`–`to`: the `limit` names
   * with most views, most first (ties by name).
   */
  async readSources(site: Site, dimension: SourceDimension, from: string, to: string, limit: number): Promise<SourceFigures[]> {
    const rows = await this.store.readSources(site.id, dimension, from, to);
    return rows.sort((a, b) => b.views - a.views || compareText(a.name, b.name)).slice(0, limit);
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

  /**
   * Asks for the change notices of `site` (a store shared by many instances sends each only the
   * sites it watches). Counted: each call is undone by one `unwatchSite`.
   */
  watchSite(site: string): void {
    this.store.changes.watch(site);
  }

  unwatchSite(site: string): void {
    this.store.changes.unwatch(site);
  }

  /** Entries accepted but not yet written, and those waiting for their salts. */
  get backlog(): number {
    return this.buffered.entries;
  }

  /** What the outage buffer holds now: the writer's entries and the hits waiting for salts. */
  get buffered(): Held {
    const written = this.writer.held();
    const waiting = this.hits.held;
    return { entries: written.entries + waiting.entries, bytes: written.bytes + waiting.bytes };
  }

  /** The writer's state; hits waiting for their salts make a ready writer degraded. */
  get writerState(): WriterState {
    const state = this.writer.state;
    return state === 'ready' && this.hits.held.entries > 0 ? 'degraded' : state;
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
      writer: this.writerState,
      backlog: this.backlog,
      bufferBytes: this.buffered.bytes,
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
    await this.hits.retryWaiting();
    await this.writer.close(deadline);
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
