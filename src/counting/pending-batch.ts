/**
 * Hits accepted for one site but not yet written, aggregated per key (day, week, month, year,
 * path, id) so that memory follows the number of distinct keys, not the number of hits.
 */
import type { DayDelta, PathDelta, PathLimit, PeriodDelta, RefusalReason, SiteBatch, WeekDelta } from '../store/store.js';
import type { DayRef, PeriodRef, WeekRef } from './periods.js';

/** A hit that passed every check, with everything the calendar and visitor ids decided. */
export interface CountedHit {
  at: number;
  day: DayRef;
  hour: number;
  week: WeekRef;
  month: PeriodRef;
  year: PeriodRef;
  path: string;
  /** The visitor's ids; absent when the visitor asked not to be tracked (DNT / GPC). */
  ids?: { day: string; week: string; month: string; year: string };
  /** Who the path's all-time slot counts this view as coming from (see path-slots.ts). */
  earner?: string;
  /** The view's name in each dimension of where visitors come from that the site collects. */
  sources?: Array<[dimension: string, name: string]>;
  /** The visitor's first view of the day seen here: it counts as a visitor of each source. */
  newVisitor?: boolean;
}

/**
 * What one entry costs in memory beyond its key: a Map slot, a small object or number, a
 * string header. Measured roughly on V8 (about 100–200 bytes); rounded up, as a budget should be.
 */
const ENTRY_BYTES = 160;

/** An estimate of the memory `key`'s entry takes (strings held as UTF-16). */
export function entryBytes(key: string): number {
  return ENTRY_BYTES + 2 * key.length;
}

export class PendingBatch {
  readonly site: string;
  private readonly days = new Map<string, DayDelta>();
  private readonly weeks = new Map<string, WeekDelta>();
  private readonly periods = new Map<string, PeriodDelta>();
  private readonly online = new Map<string, number>();
  private readonly rate = new Map<number, Map<string, number>>();
  private lastHit = 0;
  /** Distinct entries held: the measure the outage buffer's entry limit applies to. */
  entries = 0;
  /** Their memory, estimated: the measure of the outage buffer's byte budget. */
  bytes = 0;
  /** Made when someone waits for this batch to reach the store (FOOTFALL_ANSWER=written). */
  private landing?: { promise: Promise<boolean>; settle: (landed: boolean) => void; timer: NodeJS.Timeout };

  constructor(site: string) {
    this.site = site;
  }

  get isEmpty(): boolean {
    return this.entries === 0;
  }

  /**
   * True once the store has applied this batch; false if it has not within `withinMs` of the
   * first wait. One timer per batch, not per hit: a hit that joins a batch already late is told
   * at once.
   */
  landed(withinMs: number): Promise<boolean> {
    if (!this.landing) {
      let settle!: (landed: boolean) => void;
      const promise = new Promise<boolean>((resolve) => (settle = resolve));
      const timer = setTimeout(() => settle(false), withinMs);
      timer.unref();
      this.landing = { promise, settle, timer };
    }
    return this.landing.promise;
  }

  /** The store applied it: whoever waits may answer. */
  markLanded(): void {
    if (!this.landing) return;
    clearTimeout(this.landing.timer);
    this.landing.settle(true);
  }

  addHit(hit: CountedHit): void {
    const day = this.day(hit.day);
    day.views += 1;
    day.hours[hit.hour] = (day.hours[hit.hour] ?? 0) + 1;
    this.addPath(day.paths, hit.path, hit.earner);
    if (hit.sources) for (const [dimension, name] of hit.sources) this.addSource(day.sources, dimension, name, hit.newVisitor === true);
    const week = this.week(hit.week);
    week.views += 1;
    const month = this.period(hit.month);
    month.views += 1;
    const year = this.period(hit.year);
    year.views += 1;
    if (hit.ids) {
      this.insert(day.ids, hit.ids.day);
      this.touch(hit.ids.day, hit.at);
      this.insert(week.ids, hit.ids.week);
      this.insert(month.ids, hit.ids.month);
      this.insert(year.ids, hit.ids.year);
    }
    if (hit.at > this.lastHit) this.lastHit = hit.at;
  }

  /** Counts one at `at` for each key of the shared rate budgets (budgets.ts). */
  countRate(at: number, keys: readonly string[]): void {
    if (keys.length === 0) return;
    const minute = Math.floor(at / 60_000);
    let counts = this.rate.get(minute);
    if (!counts) this.rate.set(minute, (counts = new Map()));
    for (const key of keys) this.bump(counts, key);
  }

  addRefusal(day: DayRef, reason: RefusalReason): void {
    const delta = this.day(day);
    delta.refused.set(reason, (delta.refused.get(reason) ?? 0) + 1);
  }

  /** Marks an online id as seen at `at`. */
  touch(onlineId: string, at: number): void {
    const seen = this.online.get(onlineId);
    if (seen === undefined) this.grow(onlineId);
    if (seen === undefined || at > seen) this.online.set(onlineId, at);
  }

  /** The batch to write; `onlineSince` prunes entries older than the online window. */
  toSiteBatch(writer: string, seq: number, onlineSince: number, pathLimit: PathLimit): SiteBatch {
    return {
      writer,
      seq,
      site: this.site,
      days: [...this.days.values()],
      weeks: [...this.weeks.values()],
      periods: [...this.periods.values()],
      pathLimit,
      online: this.online,
      onlineSince,
      rate: [...this.rate].map(([minute, counts]) => ({ minute, counts })),
      lastHit: this.lastHit,
    };
  }

  private day(ref: DayRef): DayDelta {
    let day = this.days.get(ref.date);
    if (!day) {
      day = {
        date: ref.date,
        views: 0,
        hours: new Array<number>(24).fill(0),
        paths: new Map(),
        sources: new Map(),
        ids: new Set(),
        refused: new Map(),
        keepUntil: ref.keepUntil,
        sketchUntil: ref.sketchUntil,
      };
      this.days.set(ref.date, day);
      // 24 hour counters and the day's maps come with it.
      this.grow(ref.date, 24 * 8);
    }
    return day;
  }

  private week(ref: WeekRef): WeekDelta {
    let week = this.weeks.get(ref.label);
    if (!week) {
      week = { label: ref.label, views: 0, ids: new Set(), keepUntil: ref.keepUntil };
      this.weeks.set(ref.label, week);
      this.grow(ref.label);
    }
    return week;
  }

  /** Keyed by label alone: a month's (`2026-11`) never equals a year's (`2026`). */
  private period(ref: PeriodRef): PeriodDelta {
    let period = this.periods.get(ref.label);
    if (!period) {
      period = { kind: ref.kind, label: ref.label, views: 0, ids: new Set(), keepUntil: ref.keepUntil, sketchUntil: ref.sketchUntil };
      this.periods.set(ref.label, period);
      this.grow(ref.label);
    }
    return period;
  }

  /** Two distinct earners are all a path's slot needs to know of one batch. */
  private addPath(paths: Map<string, PathDelta>, path: string, earner: string | undefined): void {
    let delta = paths.get(path);
    if (!delta) {
      paths.set(path, (delta = { views: 0, earners: [] }));
      this.grow(path);
    }
    delta.views += 1;
    if (earner !== undefined && delta.earners.length < 2 && !delta.earners.includes(earner)) delta.earners.push(earner);
  }

  private addSource(sources: DayDelta['sources'], dimension: string, name: string, visitor: boolean): void {
    let names = sources.get(dimension);
    if (!names) sources.set(dimension, (names = new Map()));
    let count = names.get(name);
    if (!count) {
      names.set(name, (count = { views: 0, visitors: 0 }));
      this.grow(name);
    }
    count.views += 1;
    if (visitor) count.visitors += 1;
  }

  private bump(map: Map<string, number>, key: string): void {
    const value = map.get(key);
    if (value === undefined) this.grow(key);
    map.set(key, (value ?? 0) + 1);
  }

  private insert(set: Set<string>, id: string): void {
    if (!set.has(id)) {
      set.add(id);
      this.grow(id);
    }
  }

  private grow(key: string, extra = 0): void {
    this.entries += 1;
    this.bytes += entryBytes(key) + extra;
  }
}
