/**
 * `memory:` — everything in this process, for tests and trials. The reference for what the
 * other backends must do; nothing survives a restart.
 */
import { HyperLogLog } from './hll/hyperloglog.js';
import { LocalChangeFeed } from './local-change-feed.js';
import { compareText, topPaths } from './ordering.js';
import { cappedPath } from './path-cap.js';
import { emptyRefused } from './refusals.js';
import * as S from './store.js';
import { MAX_AUDIT_ENTRIES, MAX_PATHS_PER_DAY, MAX_PATHS_TOTAL, WRITER_MEMORY_MS } from './store.js';

type Figures = S.Figures;

interface Day {
  views: number;
  visitors: number;
  hours: number[];
  paths: Map<string, number>;
  refused: Record<S.RefusalReason, number>;
  imported: Figures;
  keepUntil: number;
  sketch?: HyperLogLog;
  sketchUntil: number;
}

interface SiteData {
  days: Map<string, Day>;
  weeks: Map<string, { views: number; sketch: HyperLogLog; keepUntil: number }>;
  total: { views: number; sketch: HyperLogLog; paths: Map<string, number>; lastHit: number; imported: Figures };
  online: Map<string, number>;
  salts: Map<string, { salt: string; expiresAt: number }>;
  rate: Map<number, Map<string, number>>;
}

function emptySiteData(): SiteData {
  return {
    days: new Map(),
    weeks: new Map(),
    total: { views: 0, sketch: HyperLogLog.create(), paths: new Map(), lastHit: 0, imported: { views: 0, visitors: 0 } },
    online: new Map(),
    salts: new Map(),
    rate: new Map(),
  };
}

function emptyDay(keepUntil: number, sketchUntil: number): Day {
  return {
    views: 0,
    visitors: 0,
    hours: new Array<number>(24).fill(0),
    paths: new Map(),
    refused: emptyRefused(),
    imported: { views: 0, visitors: 0 },
    keepUntil,
    sketchUntil,
  };
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
    for (const delta of batch.days) {
      let day = data.days.get(delta.date);
      if (!day) data.days.set(delta.date, (day = emptyDay(delta.keepUntil, delta.sketchUntil)));
      day.views += delta.views;
      total.views += delta.views;
      delta.hours.forEach((views, hour) => (day.hours[hour] = (day.hours[hour] ?? 0) + views));
      for (const [path, views] of delta.paths) {
        const dayPath = cappedPath(path, day.paths.has(path), day.paths.size, MAX_PATHS_PER_DAY);
        day.paths.set(dayPath, (day.paths.get(dayPath) ?? 0) + views);
        const totalPath = cappedPath(path, total.paths.has(path), total.paths.size, MAX_PATHS_TOTAL);
        total.paths.set(totalPath, (total.paths.get(totalPath) ?? 0) + views);
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
      if (!week) data.weeks.set(delta.label, (week = { views: 0, sketch: HyperLogLog.create(), keepUntil: delta.keepUntil }));
      week.views += delta.views;
      for (const id of delta.ids) week.sketch.add(id);
      week.keepUntil = Math.max(week.keepUntil, delta.keepUntil);
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
    const week = data.weeks.get(query.week);
    const { total } = data;
    return {
      online: data.online.size,
      today: { views: day?.views ?? 0, visitors: day ? dayVisitors(day) : 0 },
      week: { views: week?.views ?? 0, visitors: week?.sketch.count() ?? 0 },
      total: { views: total.views, visitors: total.sketch.count() },
      imported: { ...total.imported },
      pages: query.paths.map((path) => total.paths.get(path) ?? 0),
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

  async readTopPages(site: string, date: string, limit: number): Promise<S.PathViews[]> {
    return topPaths(this.data.get(site)?.days.get(date)?.paths ?? new Map(), limit);
  }

  async importHistory(site: string, days: S.ImportedDay[]): Promise<void> {
    const data = this.siteData(site);
    for (const imported of days) {
      let day = data.days.get(imported.date);
      if (!day) data.days.set(imported.date, (day = emptyDay(imported.keepUntil, 0)));
      data.total.imported.views += imported.views - day.imported.views;
      data.total.imported.visitors += imported.visitors - day.imported.visitors;
      day.imported = { views: imported.views, visitors: imported.visitors };
      day.keepUntil = Math.max(day.keepUntil, imported.keepUntil);
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
        refused: { ...day.refused },
        imported: { ...day.imported },
        keepUntil: day.keepUntil,
        ...(day.sketch ? { sketch: day.sketch.toBase64(), sketchUntil: day.sketchUntil } : {}),
      })),
      weeks: [...data.weeks].map(([label, week]) => ({ label, views: week.views, sketch: week.sketch.toBase64(), keepUntil: week.keepUntil })),
      total: {
        views: data.total.views,
        sketch: data.total.sketch.toBase64(),
        paths: [...data.total.paths],
        lastHit: data.total.lastHit,
        imported: { ...data.total.imported },
      },
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
        refused: { ...emptyRefused(), ...day.refused },
        imported: { ...day.imported },
        keepUntil: day.keepUntil,
        sketch: day.sketch === undefined ? undefined : HyperLogLog.fromBase64(day.sketch),
        sketchUntil: day.sketchUntil ?? 0,
      });
    }
    for (const week of dump.weeks) {
      data.weeks.set(week.label, { views: week.views, sketch: HyperLogLog.fromBase64(week.sketch), keepUntil: week.keepUntil });
    }
    data.total = {
      views: dump.total.views,
      sketch: dump.total.sketch === undefined ? HyperLogLog.create() : HyperLogLog.fromBase64(dump.total.sketch),
      paths: new Map(dump.total.paths),
      lastHit: dump.total.lastHit,
      imported: { ...dump.total.imported },
    };
    for (const salt of dump.salts) data.salts.set(salt.period, { salt: salt.salt, expiresAt: salt.expiresAt });
    this.sites.set(dump.site.id, structuredClone(dump.site));
    this.data.set(dump.site.id, data);
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

function dayVisitors(day: Day): number {
  return day.sketch ? day.sketch.count() : day.visitors;
}

function pruneOnline(online: Map<string, number>, since: number): void {
  for (const [id, seen] of online) if (seen < since) online.delete(id);
}
