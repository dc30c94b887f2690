/**
 * `memory:` — everything in this process, for tests and trials. The reference for what the
 * other backends must do; nothing survives a restart.
 */
import { HyperLogLog } from './hll/hyperloglog.js';
import { LocalChangeFeed } from './local-change-feed.js';
import { compareText, topPaths } from './ordering.js';
import { cappedKey } from './capped-key.js';
import { countAllTime, type PathSlotTables } from './path-slots.js';
import { emptyRefused } from './refusals.js';
import * as S from './store.js';
import { MAX_AUDIT_ENTRIES, MAX_SOURCE_NAMES, PATH_CANDIDATE_MS, WRITER_MEMORY_MS } from './store.js';

type Figures = S.Figures;

interface Day {
  views: number;
  visitors: number;
  hours: number[];
  paths: Map<string, number>;
  /** Dimension → name → views and visitors. */
  sources: Map<string, Map<string, S.SourceCount>>;
  refused: Record<S.RefusalReason, number>;
  imported: Figures;
  keepUntil: number;
  sketch?: HyperLogLog;
  sketchUntil: number;
}

interface Week {
  views: number;
  sketch: HyperLogLog;
  imported: Figures;
  keepUntil: number;
}

/** A month or a year. */
interface Period {
  views: number;
  /** As last counted: what the period shows once its sketch is dropped. */
  visitors: number;
  imported: Figures;
  keepUntil: number;
  sketch?: HyperLogLog;
  sketchUntil: number;
}

interface Candidate {
  earner: string;
  views: number;
  seen: number;
}

interface SiteData {
  days: Map<string, Day>;
  weeks: Map<string, Week>;
  /** `month:2026-11`, `year:2026`. */
  periods: Map<string, Period>;
  total: { views: number; sketch: HyperLogLog; lastHit: number; imported: Figures };
  earned: Map<string, number>;
  candidates: Map<string, Candidate>;
  pageBaselines: Map<string, number>;
  online: Map<string, number>;
  salts: Map<string, { salt: string; expiresAt: number }>;
  rate: Map<number, Map<string, number>>;
}

const zero = (): Figures => ({ views: 0, visitors: 0 });

function emptySiteData(): SiteData {
  return {
    days: new Map(),
    weeks: new Map(),
    periods: new Map(),
    total: { views: 0, sketch: HyperLogLog.create(), lastHit: 0, imported: zero() },
    earned: new Map(),
    candidates: new Map(),
    pageBaselines: new Map(),
    online: new Map(),
    salts: new Map(),
    rate: new Map(),
  };
}

function emptyDay(keepUntil: number, sketchUntil: number): Day {
  return { views: 0, visitors: 0, hours: new Array<number>(24).fill(0), paths: new Map(), sources: new Map(), refused: emptyRefused(), imported: zero(), keepUntil, sketchUntil };
}

function emptyWeek(keepUntil: number): Week {
  return { views: 0, sketch: HyperLogLog.create(), imported: zero(), keepUntil };
}

function emptyPeriod(keepUntil: number, sketchUntil: number): Period {
  return { views: 0, visitors: 0, imported: zero(), keepUntil, sketchUntil };
}

function periodKey(kind: 'month' | 'year', label: string): string {
  return `${kind}:${label}`;
}

export class MemoryStore implements S.Store {
  readonly kind = 'memory' as const;
  readonly shared = false;
  readonly changes = new LocalChangeFeed();
  private closed = false;
  private readonly sites = new Map<string, S.SiteRecord>();
  private readonly data = new Map<string, SiteData>();
  /** `site\nwriter` → last applied seq and until when it is remembered. */
  private readonly writers = new Map<string, { seq: number; until: number }>();
  private audit: S.AuditEntry[] = [];
  private readonly keys = new Map<string, S.KeyRecord>();
  private readonly clock: () => number;

  constructor(options: { clock?: () => number } = {}) {
    this.clock = options.clock ?? Date.now;
  }

  get connection(): S.StoreConnectionState {
    return this.closed ? 'closed' : 'ready';
  }

  async listSites(): Promise<S.SiteRecord[]> {
    return [...this.sites.values()].map((site) => structuredClone(site)).sort((a, b) => compareText(a.id, b.id));
  }

  async getSite(id: string): Promise<S.SiteRecord | undefined> {
    const site = this.sites.get(id);
    return site && structuredClone(site);
  }

  async putSite(site: S.SiteRecord): Promise<void> {
    this.sites.set(site.id, structuredClone(site));
  }

  async deleteSite(id: string): Promise<void> {
    this.sites.delete(id);
    this.data.delete(id);
  }

  async getOrCreateSalt(site: string, period: string, candidate: string, expiresAt: number): Promise<string> {
    const salts = this.siteData(site).salts;
    const known = salts.get(period);
    if (known && known.expiresAt > this.clock()) return known.salt;
    salts.set(period, { salt: candidate, expiresAt });
    return candidate;
  }

  async applyBatch(batch: S.SiteBatch): Promise<S.RateTotals> {
    const now = this.clock();
    const writerKey = `${batch.site}\n${batch.writer}`;
    const last = this.writers.get(writerKey);
    if (last && last.until > now && last.seq >= batch.seq) return [];
    this.writers.set(writerKey, { seq: batch.seq, until: now + WRITER_MEMORY_MS });
    const data = this.siteData(batch.site);
    const { total } = data;
    const slots = slotTables(data);
    for (const delta of batch.days) {
      let day = data.days.get(delta.date);
      if (!day) data.days.set(delta.date, (day = emptyDay(delta.keepUntil, delta.sketchUntil)));
      day.views += delta.views;
      total.views += delta.views;
      delta.hours.forEach((views, hour) => (day.hours[hour] = (day.hours[hour] ?? 0) + views));
      for (const [path, change] of delta.paths) {
        const dayPath = cappedKey(path, day.paths.has(path), day.paths.size, batch.pathLimit.day);
        day.paths.set(dayPath, (day.paths.get(dayPath) ?? 0) + change.views);
        countAllTime(slots, path, change, batch.pathLimit.total, now);
      }
      for (const [dimension, names] of delta.sources) {
        let kept = day.sources.get(dimension);
        if (!kept) day.sources.set(dimension, (kept = new Map()));
        for (const [name, count] of names) {
          const key = cappedKey(name, kept.has(name), kept.size, MAX_SOURCE_NAMES);
          const stored = kept.get(key) ?? { views: 0, visitors: 0 };
          kept.set(key, { views: stored.views + count.views, visitors: stored.visitors + count.visitors });
        }
      }
      for (const [reason, n] of delta.refused) day.refused[reason] += n;
      if (delta.ids.size > 0) {
        day.sketch ??= HyperLogLog.create();
        for (const id of delta.ids) {
          day.sketch.add(id);
          total.sketch.add(id);
        }
        day.visitors = day.sketch.count();
      }
      day.keepUntil = Math.max(day.keepUntil, delta.keepUntil);
      day.sketchUntil = Math.max(day.sketchUntil, delta.sketchUntil);
    }
    for (const delta of batch.weeks) {
      let week = data.weeks.get(delta.label);
      if (!week) data.weeks.set(delta.label, (week = emptyWeek(delta.keepUntil)));
      week.views += delta.views;
      for (const id of delta.ids) week.sketch.add(id);
      week.keepUntil = Math.max(week.keepUntil, delta.keepUntil);
    }
    for (const delta of batch.periods) {
      const key = periodKey(delta.kind, delta.label);
      let period = data.periods.get(key);
      if (!period) data.periods.set(key, (period = emptyPeriod(delta.keepUntil, delta.sketchUntil)));
      period.views += delta.views;
      if (delta.ids.size > 0) {
        period.sketch ??= HyperLogLog.create();
        for (const id of delta.ids) period.sketch.add(id);
        period.visitors = period.sketch.count();
      }
      period.keepUntil = Math.max(period.keepUntil, delta.keepUntil);
      period.sketchUntil = Math.max(period.sketchUntil, delta.sketchUntil);
    }
    for (const [id, seen] of batch.online) data.online.set(id, Math.max(seen, data.online.get(id) ?? 0));
    pruneOnline(data.online, batch.onlineSince);
    total.lastHit = Math.max(total.lastHit, batch.lastHit);
    return batch.rate.map(({ minute, counts }) => {
      let stored = data.rate.get(minute);
      if (!stored) data.rate.set(minute, (stored = new Map()));
      const totals = new Map<string, number>();
      for (const [id, n] of counts) {
        const value = (stored.get(id) ?? 0) + n;
        stored.set(id, value);
        totals.set(id, value);
      }
      return { minute, totals };
    });
  }

  async readFigures(query: S.CountsQuery): Promise<S.StoredFigures> {
    const data = this.data.get(query.site) ?? emptySiteData();
    pruneOnline(data.online, query.onlineSince);
    const day = data.days.get(query.date);
    const yesterday = data.days.get(query.yesterday);
    const week = data.weeks.get(query.week);
    const { total } = data;
    return {
      online: data.online.size,
      today: { views: day?.views ?? 0, visitors: day ? dayVisitors(day) : 0 },
      yesterday: { views: yesterday?.views ?? 0, visitors: yesterday ? dayVisitors(yesterday) : 0, imported: { ...(yesterday?.imported ?? zero()) } },
      week: { views: week?.views ?? 0, visitors: week?.sketch.count() ?? 0, imported: { ...(week?.imported ?? zero()) } },
      month: periodFigures(data.periods.get(periodKey('month', query.month))),
      year: periodFigures(data.periods.get(periodKey('year', query.year))),
      total: { views: total.views, visitors: total.sketch.count(), imported: { ...total.imported } },
      pages: query.paths.map((path) => ({
        views: data.earned.get(path) ?? data.candidates.get(path)?.views ?? 0,
        baseline: data.pageBaselines.get(path) ?? 0,
      })),
      lastHit: total.lastHit,
    };
  }

  async readHistory(site: string, from: string, to: string): Promise<S.DayRecord[]> {
    const days = this.data.get(site)?.days ?? new Map<string, Day>();
    return [...days]
      .filter(([date]) => date >= from && date <= to)
      .sort(([a], [b]) => compareText(a, b))
      .map(([date, day]) => ({ date, views: day.views, visitors: dayVisitors(day), imported: { ...day.imported } }));
  }

  async readDayDetail(site: string, date: string): Promise<S.DayDetail> {
    const day = this.data.get(site)?.days.get(date);
    return { hours: day ? [...day.hours] : new Array<number>(24).fill(0), refused: { ...(day?.refused ?? emptyRefused()) } };
  }

  async readSources(site: string, dimension: string, from: string, to: string): Promise<S.SourceFigures[]> {
    const sums = new Map<string, S.SourceCount>();
    for (const [date, day] of this.data.get(site)?.days ?? []) {
      if (date < from || date > to) continue;
      for (const [name, count] of day.sources.get(dimension) ?? []) {
        const sum = sums.get(name) ?? { views: 0, visitors: 0 };
        sums.set(name, { views: sum.views + count.views, visitors: sum.visitors + count.visitors });
      }
    }
    return [...sums].map(([name, count]) => ({ name, ...count }));
  }

  async readPeriods(site: string, kind: 'month' | 'year', from: string, to: string): Promise<S.PeriodRecord[]> {
    const prefix = `${kind}:`;
    return [...(this.data.get(site)?.periods ?? new Map<string, Period>())]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, period]) => ({ label: key.slice(prefix.length), ...periodFigures(period) }))
      .filter(({ label }) => label >= from && label <= to)
      .sort((a, b) => compareText(a.label, b.label));
  }

  async readTopPages(site: string, date: string, limit: number): Promise<S.PathViews[]> {
    return topPaths(this.data.get(site)?.days.get(date)?.paths ?? new Map(), limit);
  }

  async readPathUsage(site: string, date: string): Promise<S.PathUsage> {
    const data = this.data.get(site);
    return { today: data?.days.get(date)?.paths.size ?? 0, earned: data?.earned.size ?? 0, candidates: data?.candidates.size ?? 0 };
  }

  async setPageBaselines(site: string, pages: S.PathViews[]): Promise<void> {
    const baselines = this.siteData(site).pageBaselines;
    for (const { path, views } of pages) {
      if (views > 0) baselines.set(path, views);
      else baselines.delete(path);
    }
  }

  async readPageBaselines(site: string, paths: string[]): Promise<number[]> {
    const baselines = this.data.get(site)?.pageBaselines;
    return paths.map((path) => baselines?.get(path) ?? 0);
  }

  async importHistory(site: string, days: S.ImportedDay[]): Promise<void> {
    const data = this.siteData(site);
    for (const imported of days) {
      let day = data.days.get(imported.date);
      if (!day) data.days.set(imported.date, (day = emptyDay(imported.keepUntil, 0)));
      const change = { views: imported.views - day.imported.views, visitors: imported.visitors - day.imported.visitors };
      day.imported = { views: imported.views, visitors: imported.visitors };
      day.keepUntil = Math.max(day.keepUntil, imported.keepUntil);
      addTo(data.total.imported, change);
      if (change.views === 0 && change.visitors === 0) continue;
      // A period whose time has passed is not written: it would be pruned at once.
      if (imported.week.keepUntil > this.clock()) {
        let week = data.weeks.get(imported.week.label);
        if (!week) data.weeks.set(imported.week.label, (week = emptyWeek(imported.week.keepUntil)));
        addTo(week.imported, change);
        week.keepUntil = Math.max(week.keepUntil, imported.week.keepUntil);
      }
      for (const [kind, ref] of [['month', imported.month], ['year', imported.year]] as const) {
        if (ref.keepUntil <= this.clock()) continue;
        const key = periodKey(kind, ref.label);
        let period = data.periods.get(key);
        if (!period) data.periods.set(key, (period = emptyPeriod(ref.keepUntil, 0)));
        addTo(period.imported, change);
        period.keepUntil = Math.max(period.keepUntil, ref.keepUntil);
      }
    }
  }

  async exportSite(id: string): Promise<S.SiteDump | undefined> {
    const site = this.sites.get(id);
    if (!site) return undefined;
    const data = this.data.get(id) ?? emptySiteData();
    const now = this.clock();
    return {
      site: structuredClone(site),
      days: [...data.days].map(([date, day]) => ({
        date,
        views: day.views,
        visitors: dayVisitors(day),
        hours: [...day.hours],
        paths: [...day.paths],
        sources: [...day.sources].flatMap(([dimension, names]) => [...names].map(([name, count]): [string, string, number, number] => [dimension, name, count.views, count.visitors])),
        refused: { ...day.refused },
        imported: { ...day.imported },
        keepUntil: day.keepUntil,
        ...(day.sketch ? { sketch: day.sketch.toBase64(), sketchUntil: day.sketchUntil } : {}),
      })),
      weeks: [...data.weeks].map(([label, week]) => ({ label, views: week.views, imported: { ...week.imported }, sketch: week.sketch.toBase64(), keepUntil: week.keepUntil })),
      periods: [...data.periods].map(([key, period]) => ({
        kind: key.startsWith('month:') ? ('month' as const) : ('year' as const),
        label: key.slice(key.indexOf(':') + 1),
        views: period.views,
        visitors: period.sketch ? period.sketch.count() : period.visitors,
        imported: { ...period.imported },
        keepUntil: period.keepUntil,
        ...(period.sketch ? { sketch: period.sketch.toBase64(), sketchUntil: period.sketchUntil } : {}),
      })),
      total: {
        views: data.total.views,
        sketch: data.total.sketch.toBase64(),
        paths: [...data.earned],
        candidates: [...data.candidates].map(([path, candidate]) => ({ path, ...candidate })),
        lastHit: data.total.lastHit,
        imported: { ...data.total.imported },
      },
      pageBaselines: [...data.pageBaselines],
      salts: [...data.salts]
        .filter(([, salt]) => salt.expiresAt > now)
        .map(([period, salt]) => ({ period, salt: salt.salt, expiresAt: salt.expiresAt })),
    };
  }

  async importSite(dump: S.SiteDump): Promise<void> {
    const data = emptySiteData();
    for (const day of dump.days) {
      data.days.set(day.date, {
        views: day.views,
        visitors: day.visitors,
        hours: [...day.hours],
        paths: new Map(day.paths),
        sources: sourcesOf(day.sources),
        refused: { ...emptyRefused(), ...day.refused },
        imported: { ...day.imported },
        keepUntil: day.keepUntil,
        sketch: day.sketch === undefined ? undefined : HyperLogLog.fromBase64(day.sketch),
        sketchUntil: day.sketchUntil ?? 0,
      });
    }
    for (const week of dump.weeks) {
      data.weeks.set(week.label, { views: week.views, sketch: HyperLogLog.fromBase64(week.sketch), imported: { ...week.imported }, keepUntil: week.keepUntil });
    }
    for (const period of dump.periods) {
      data.periods.set(periodKey(period.kind, period.label), {
        views: period.views,
        visitors: period.visitors,
        imported: { ...period.imported },
        keepUntil: period.keepUntil,
        sketch: period.sketch === undefined ? undefined : HyperLogLog.fromBase64(period.sketch),
        sketchUntil: period.sketchUntil ?? 0,
      });
    }
    data.total = {
      views: dump.total.views,
      sketch: dump.total.sketch === undefined ? HyperLogLog.create() : HyperLogLog.fromBase64(dump.total.sketch),
      lastHit: dump.total.lastHit,
      imported: { ...dump.total.imported },
    };
    data.earned = new Map(dump.total.paths);
    for (const { path, earner, views, seen } of dump.total.candidates) data.candidates.set(path, { earner, views, seen });
    data.pageBaselines = new Map(dump.pageBaselines);
    for (const salt of dump.salts) data.salts.set(salt.period, { salt: salt.salt, expiresAt: salt.expiresAt });
    this.sites.set(dump.site.id, structuredClone(dump.site));
    this.data.set(dump.site.id, data);
  }

  async putKey(key: S.KeyRecord): Promise<void> {
    this.keys.set(key.id, structuredClone(key));
  }

  async getKey(id: string): Promise<S.KeyRecord | undefined> {
    const key = this.keys.get(id);
    return key && structuredClone(key);
  }

  async listKeys(): Promise<S.KeyRecord[]> {
    return [...this.keys.values()].map((key) => structuredClone(key)).sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id));
  }

  async deleteKey(id: string): Promise<boolean> {
    return this.keys.delete(id);
  }

  async appendAudit(entry: S.AuditEntry): Promise<void> {
    this.audit.unshift(structuredClone(entry));
    if (this.audit.length > MAX_AUDIT_ENTRIES) this.audit.length = MAX_AUDIT_ENTRIES;
  }

  async readAudit(limit: number): Promise<S.AuditEntry[]> {
    return this.audit.slice(0, limit).map((entry) => structuredClone(entry));
  }

  async prune(now: number): Promise<void> {
    for (const [key, { until }] of this.writers) if (until <= now) this.writers.delete(key);
    for (const data of this.data.values()) {
      for (const [date, day] of data.days) {
        if (day.keepUntil <= now) data.days.delete(date);
        else if (day.sketch && day.sketchUntil <= now) day.sketch = undefined;
      }
      for (const [label, week] of data.weeks) if (week.keepUntil <= now) data.weeks.delete(label);
      for (const [key, period] of data.periods) {
        if (period.keepUntil <= now) data.periods.delete(key);
        else if (period.sketch && period.sketchUntil <= now) period.sketch = undefined;
      }
      for (const [path, candidate] of data.candidates) if (candidate.seen <= now - PATH_CANDIDATE_MS) data.candidates.delete(path);
      for (const [period, salt] of data.salts) if (salt.expiresAt <= now) data.salts.delete(period);
      const minute = Math.floor(now / 60_000);
      for (const stored of data.rate.keys()) if (stored < minute - 1) data.rate.delete(stored);
    }
  }

  async warnings(): Promise<string[]> {
    return ['The memory: store keeps nothing after a restart; use it for tests and trials only.'];
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    this.changes.close();
  }

  private siteData(site: string): SiteData {
    let data = this.data.get(site);
    if (!data) this.data.set(site, (data = emptySiteData()));
    return data;
  }
}

/** The site's all-time path maps as path-slots.ts works on them. */
function slotTables(data: SiteData): PathSlotTables {
  return {
    addToEarned: (path, views) => {
      const earned = data.earned.get(path);
      if (earned !== undefined) data.earned.set(path, earned + views);
      return earned !== undefined;
    },
    earnedCount: () => data.earned.size,
    earn: (path, views) => data.earned.set(path, views),
    candidate: (path) => data.candidates.get(path),
    candidateCount: () => data.candidates.size,
    addCandidate: (path, earner, views, seen) => data.candidates.set(path, { earner, views, seen }),
    updateCandidate: (path, views, seen) => {
      const candidate = data.candidates.get(path);
      if (candidate) Object.assign(candidate, { views, seen });
    },
    removeCandidate: (path) => data.candidates.delete(path),
    evictOldestCandidate: () => {
      // The order every backend evicts in: last view, then path (candidates of one batch share their time).
      let oldest: [string, Candidate] | undefined;
      for (const entry of data.candidates) {
        if (!oldest || entry[1].seen < oldest[1].seen || (entry[1].seen === oldest[1].seen && compareText(entry[0], oldest[0]) < 0)) oldest = entry;
      }
      if (oldest) data.candidates.delete(oldest[0]);
    },
  };
}

/** A dump's `[dimension, name, views, visitors]` rows as the day keeps them. */
function sourcesOf(rows: S.DayDump['sources']): Day['sources'] {
  const sources: Day['sources'] = new Map();
  for (const [dimension, name, views, visitors] of rows) {
    let names = sources.get(dimension);
    if (!names) sources.set(dimension, (names = new Map()));
    names.set(name, { views, visitors });
  }
  return sources;
}

function dayVisitors(day: Day): number {
  return day.sketch ? day.sketch.count() : day.visitors;
}

function periodFigures(period: Period | undefined): S.PeriodFigures {
  if (!period) return { views: 0, visitors: 0, imported: zero() };
  return { views: period.views, visitors: period.sketch ? period.sketch.count() : period.visitors, imported: { ...period.imported } };
}

function addTo(figures: Figures, change: Figures): void {
  figures.views += change.views;
  figures.visitors += change.visitors;
}

function pruneOnline(online: Map<string, number>, since: number): void {
  for (const [id, seen] of online) if (seen < since) online.delete(id);
}
