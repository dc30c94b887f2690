/**
 * The one interface every backend implements, like a Socket.IO adapter: a backend brings
 * everything that differs between stores — how figures are kept, whether several instances
 * share them, how those instances hear of each other's writes. The rules that decide what a
 * figure means (calendar, visitor ids, baselines, imported history, rate limits) live above
 * it, in src/counting. Every backend passes the conformance suite in test/store.
 */
import type { Logger } from '../log.js';

/**
 * A site's settings as a store keeps them: a JSON document with an id. What the other fields
 * mean, and their defaults, is src/counting's business (site.ts), so a store never needs to
 * change when a setting is added.
 */
export interface SiteRecord {
  id: string;
  [field: string]: unknown;
}

/** Why a hit was refused; counted per day so operators can see what is filtered. */
export type RefusalReason = 'bot' | 'origin' | 'rate_limit' | 'invalid';

/** Views of one path in one batch, and who viewed it, for the path's all-time slot. */
export interface PathDelta {
  views: number;
  /**
   * Up to two distinct earner digests among the viewers: a path earns a permanent all-time slot
   * once two different earners viewed it (see PATH_CANDIDATE_MS). Empty for untracked views.
   */
  earners: string[];
}

/** What one batch adds to one local day of a site. */
export interface DayDelta {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  views: number;
  /** Views by local hour (index 0–23); hours without views may be absent or 0. */
  hours: number[];
  /** Views by page key (src/counting/page-path.ts). */
  paths: Map<string, PathDelta>;
  /**
   * Where the views came from: dimension (`referrer`, `country`…) → name → views, and the
   * visitors first seen with that name. At most MAX_SOURCE_NAMES names per dimension and day;
   * the rest count under OTHER_PATH's `(other)`.
   */
  sources: Map<string, Map<string, SourceCount>>;
  /** Day ids seen; they feed the day's and the all-time HyperLogLog. */
  ids: Set<string>;
  /** Refused hits by reason. */
  refused: Map<RefusalReason, number>;
  /** Epoch ms after which the day's figures (views, visitors, hours, paths) may be dropped. */
  keepUntil: number;
  /** Epoch ms after which the day's HyperLogLog may be dropped (its count is kept as a figure). */
  sketchUntil: number;
}

/** What one batch adds to one local week of a site. */
export interface WeekDelta {
  /** Week label: `2026-W48`, or the first date when the week does not start on Monday. */
  label: string;
  views: number;
  ids: Set<string>;
  /** Epoch ms after which the week's figures may be dropped. */
  keepUntil: number;
}

export interface SourceCount {
  views: number;
  visitors: number;
}

/** One source's figures over a range of days. */
export interface SourceFigures extends SourceCount {
  name: string;
}

/** What one batch adds to one local month or year of a site. */
export interface PeriodDelta {
  kind: 'month' | 'year';
  /** `2026-11` or `2026`. */
  label: string;
  views: number;
  /** Month (or year) ids seen: their own HyperLogLog, true uniques of the period. */
  ids: Set<string>;
  /** Epoch ms after which the period's figures may be dropped. */
  keepUntil: number;
  /** Epoch ms after which its HyperLogLog may be dropped (its count is kept as a figure). */
  sketchUntil: number;
}

/** Counted views of one visitor within one clock minute, for the per-visitor rate limit. */
export interface RateDelta {
  /** `Math.floor(epochMs / 60_000)`. */
  minute: number;
  counts: Map<string, number>;
}

/**
 * Everything one flush writes for one site. Applying the same batch twice counts it once: a
 * writer sends a site's batches in order and never a newer one while an older one is in doubt,
 * so a batch whose `seq` is not above the last one applied for its writer has been applied.
 */
export interface SiteBatch {
  /** The writing instance (random per process). */
  writer: string;
  /** Increases with every batch of `writer`; a retried batch keeps its seq. */
  seq: number;
  site: string;
  days: DayDelta[];
  weeks: WeekDelta[];
  periods: PeriodDelta[];
  /** The site's path caps (its `pathLimit` setting) the batch is counted under. */
  pathLimit: PathLimit;
  /** Online id → last seen (epoch ms). */
  online: Map<string, number>;
  /** Online entries last seen before this (epoch ms) are pruned. */
  onlineSince: number;
  rate: RateDelta[];
  /** Epoch ms of the newest counted hit in the batch, or 0 when it holds none. */
  lastHit: number;
}

/** Per-visitor totals for the minutes a batch touched, after the batch was applied. */
export type RateTotals = Array<{ minute: number; totals: Map<string, number> }>;

/** Most distinct paths per local day, and with an all-time slot (earned or candidate, each). */
export interface PathLimit {
  day: number;
  total: number;
}

export interface CountsQuery {
  site: string;
  date: string;
  /** The local date before `date`. */
  yesterday: string;
  week: string;
  month: string;
  year: string;
  /** Paths whose all-time views are wanted, in the order of `StoredFigures.pages`. */
  paths: string[];
  /** Online entries last seen before this (epoch ms) are not counted (and may be pruned). */
  onlineSince: number;
}

export interface Figures {
  views: number;
  visitors: number;
}

/** A period's figures as stored: what footfall counted, and apart from it what was imported. */
export interface PeriodFigures extends Figures {
  imported: Figures;
}

/**
 * A site's figures as stored. The site's baseline, page baselines and imported history are
 * added above the store (counts-reader.ts); today cannot be imported, so it has no part of it.
 */
export interface StoredFigures {
  online: number;
  today: Figures;
  yesterday: PeriodFigures;
  week: PeriodFigures;
  month: PeriodFigures;
  year: PeriodFigures;
  total: PeriodFigures;
  /** Each of `CountsQuery.paths`, same order: counted all-time views and the page's baseline. */
  pages: PageFigures[];
  /** Epoch ms of the last counted hit, 0 if none. */
  lastHit: number;
}

export interface PageFigures {
  /** Views counted while the path held an all-time slot (earned or candidate). */
  views: number;
  /** The page's imported baseline (0 if none). */
  baseline: number;
}

/** How many paths a site keeps, against its caps. */
export interface PathUsage {
  /** Distinct paths of the local day (the day's own `(other)` included). */
  today: number;
  /** Paths that earned a permanent all-time slot. */
  earned: number;
  /** Paths counted all-time while they wait for a second earner. */
  candidates: number;
}

/** One stored day. Imported figures (from an old counter) are kept apart from counted ones. */
export interface DayRecord {
  date: string;
  views: number;
  visitors: number;
  imported: Figures;
}

/** One stored month or year. */
export interface PeriodRecord extends PeriodFigures {
  label: string;
}

export interface DayDetail {
  /** Views by local hour, always 24 entries. */
  hours: number[];
  refused: Record<RefusalReason, number>;
}

export interface PathViews {
  path: string;
  views: number;
}

/**
 * A site owner's key as stored: its secret only as a slow hash (src/ops/keys.ts). `read` opens
 * the reports of `sites`; `import` also their history and page imports.
 */
export interface KeyRecord {
  id: string;
  hash: string;
  sites: string[];
  scope: 'read' | 'import';
  label: string | null;
  /** ISO time after which the key opens nothing; null: never. */
  expiresAt: string | null;
  createdAt: string;
}

/** One change made through the admin API or CLI. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  site: string;
  before: unknown;
  after: unknown;
}

/**
 * Imported history of one day: replaces what an earlier import gave that day. The week, month
 * and year it falls in (by the site's calendar) take the difference into their imported sums.
 */
export interface ImportedDay {
  date: string;
  views: number;
  visitors: number;
  /** Epoch ms after which the day may be dropped. */
  keepUntil: number;
  week: PeriodKey;
  month: PeriodKey;
  year: PeriodKey;
}

/** A week, month or year by label, and how long its figures are kept. */
export interface PeriodKey {
  label: string;
  keepUntil: number;
}

/**
 * A HyperLogLog as Redis stores it (`GET` of a PFADD key), base64. Dense or sparse; see
 * src/store/hll.
 */
export type Sketch = string;

export interface DayDump {
  date: string;
  views: number;
  /** The day's visitors as last counted; the sketch, while kept, gives the same number. */
  visitors: number;
  hours: number[];
  paths: Array<[string, number]>;
  /** `[dimension, name, views, visitors]`. */
  sources: Array<[string, string, number, number]>;
  refused: Record<RefusalReason, number>;
  imported: Figures;
  keepUntil: number;
  sketch?: Sketch;
  sketchUntil?: number;
}

export interface PeriodDump {
  kind: 'month' | 'year';
  label: string;
  views: number;
  /** The period's visitors as last counted; the sketch, while kept, gives the same number. */
  visitors: number;
  imported: Figures;
  keepUntil: number;
  sketch?: Sketch;
  sketchUntil?: number;
}

/** A path counted all-time while it waits for a second earner. */
export interface CandidateDump {
  path: string;
  views: number;
  earner: string;
  /** Epoch ms of its last view: it is dropped PATH_CANDIDATE_MS after. */
  seen: number;
}

export interface SiteDump {
  site: SiteRecord;
  days: DayDump[];
  weeks: Array<{ label: string; views: number; imported: Figures; sketch: Sketch; keepUntil: number }>;
  periods: PeriodDump[];
  /** All-time: counted views (imported ones are in `imported`), the sketch of every day id. */
  total: {
    views: number;
    sketch?: Sketch;
    /** Paths with an earned slot and their views. */
    paths: Array<[string, number]>;
    candidates: CandidateDump[];
    lastHit: number;
    imported: Figures;
  };
  /** Page baselines: path → views an old counter had. */
  pageBaselines: Array<[string, number]>;
  salts: Array<{ period: string; salt: string; expiresAt: number }>;
}

export type StoreKind = 'memory' | 'sqlite' | 'redis' | 'redis-cluster';

/**
 * The connection to the store, as /readyz and /metrics show it. An embedded store is `ready`
 * from the start; Redis moves through all four, each transition logged once.
 */
export type StoreConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/**
 * Change notices: after each flush, the ids of the sites it wrote. Every instance on the same
 * store that watches a site hears them, so a hit taken by one instance reaches the widgets held
 * by all. A lost notice only delays a push until the next periodic refresh.
 */
export interface ChangeFeed {
  publish(sites: readonly string[]): void;
  /**
   * Calls `listener` with the changed sites among the watched ones, this instance's own writes
   * included; a feed that hears every site at no cost (in-process) may pass others too. Resolves
   * once notices are being received.
   */
  subscribe(listener: (sites: readonly string[]) => void): Promise<void>;
  /**
   * Asks for the notices of `site`, from now on (a notice in flight may be missed: read the
   * site once after watching it). Counted: each `watch` is undone by one `unwatch`.
   */
  watch(site: string): void;
  unwatch(site: string): void;
}

/** What every backend is built with (see create-store.ts). */
export interface StoreDependencies {
  log: Logger;
  /** The time the store's own expiry and dumps follow; default Date.now. */
  clock?: () => number;
}

export interface Store {
  /** Which backend this is, for logs and dump headers; never switched on outside create-store.ts. */
  readonly kind: StoreKind;
  /**
   * True when other instances may write to the same figures (Redis): per-visitor totals for
   * the rate limit then come back from the store. On one machine this process sees every view.
   */
  readonly shared: boolean;
  readonly changes: ChangeFeed;
  readonly connection: StoreConnectionState;

  listSites(): Promise<SiteRecord[]>;
  getSite(id: string): Promise<SiteRecord | undefined>;
  putSite(site: SiteRecord): Promise<void>;
  /** Removes the site's settings and every figure it has. */
  deleteSite(id: string): Promise<void>;

  /**
   * The salt of one period of one site: stores `candidate` if there is none yet and returns
   * the one stored, so racing instances agree. The salt is deleted after `expiresAt` (epoch ms).
   */
  getOrCreateSalt(site: string, period: string, candidate: string, expiresAt: number): Promise<string>;

  /** Writes one batch in one round trip; a batch id seen before is not applied again. */
  applyBatch(batch: SiteBatch): Promise<RateTotals>;

  /** Reads a site's figures in one round trip. */
  readFigures(query: CountsQuery): Promise<StoredFigures>;

  /** Stored days between `from` and `to` inclusive (local dates); days never written are absent. */
  readHistory(site: string, from: string, to: string): Promise<DayRecord[]>;
  readDayDetail(site: string, date: string): Promise<DayDetail>;
  /** One dimension's sources summed over the days `from`–`to`, in no particular order. */
  readSources(site: string, dimension: string, from: string, to: string): Promise<SourceFigures[]>;
  /** Stored months (`2026-11`) or years (`2026`) between `from` and `to` inclusive, by label. */
  readPeriods(site: string, kind: 'month' | 'year', from: string, to: string): Promise<PeriodRecord[]>;
  readTopPages(site: string, date: string, limit: number): Promise<PathViews[]>;
  /** How many paths the site keeps today and all-time. */
  readPathUsage(site: string, date: string): Promise<PathUsage>;

  /** Sets each listed page's baseline (0 removes it); other pages keep theirs. */
  setPageBaselines(site: string, pages: PathViews[]): Promise<void>;
  /** The baselines of `paths`, same order (0 where none). */
  readPageBaselines(site: string, paths: string[]): Promise<number[]>;

  /**
   * Sets imported history per day: a day imported again replaces its earlier import, so the
   * same file twice changes nothing. The all-time imported sums follow the difference.
   */
  importHistory(site: string, days: ImportedDay[]): Promise<void>;

  /** Everything stored for one site except online entries, for moving between stores. */
  exportSite(id: string): Promise<SiteDump | undefined>;
  /** Replaces everything stored for `dump.site.id` with the dump. */
  importSite(dump: SiteDump): Promise<void>;

  putKey(key: KeyRecord): Promise<void>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** Every key, oldest first. */
  listKeys(): Promise<KeyRecord[]>;
  /** Removes a key; false when there was none with this id. */
  deleteKey(id: string): Promise<boolean>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  readAudit(limit: number): Promise<AuditEntry[]>;

  /** Drops what has passed its keep-until time. Redis does this itself through TTLs. */
  prune(now: number): Promise<void>;

  /** Settings of the backend that could lose counts, as sentences; checked at start. */
  warnings(): Promise<string[]>;

  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  /** Closes the store and its change feed. */
  close(): Promise<void>;
}

/** Views past a path cap count under this path (and past a source cap, under this name). */
export const OTHER_PATH = '(other)';
/** Most names per source dimension per site and day. */
export const MAX_SOURCE_NAMES = 100;
/** A path waiting for its second earner keeps its all-time slot this long after its last view. */
export const PATH_CANDIDATE_MS = 30 * 24 * 3600_000;
/** Earner digests are kept this short: enough to tell two apart, too short to link to anyone. */
export const EARNER_LENGTH = 8;
/** Audit entries kept, newest first. */
export const MAX_AUDIT_ENTRIES = 10_000;
/** How long a writer's last applied seq is remembered after its last batch. */
export const WRITER_MEMORY_MS = 24 * 3600_000;
