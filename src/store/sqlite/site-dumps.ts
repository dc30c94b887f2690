/**
 * Everything stored for one site, as a `SiteDump` and back, and its removal. Sketches leave as
 * base64 of Redis bytes and come in through HyperLogLog, so a dump from any backend (sparse or
 * dense) is stored dense with its count.
 */
import type { Database, Statement } from 'better-sqlite3';
import { HyperLogLog } from '../hll/hyperloglog.js';
import { emptyRefused } from '../refusals.js';
import type { CandidateDump, DayDump, Figures, PeriodDump, SiteDump, SiteRecord } from '../store.js';

const SITE_TABLES = [
  'salts', 'days', 'day_paths', 'day_sources', 'weeks', 'periods', 'period_imports', 'totals', 'paths', 'candidate_paths', 'page_baselines', 'online', 'rate',
] as const;

interface PeriodRow {
  kind: 'month' | 'year';
  label: string;
  views: number;
  visitors: number;
  keep_until: number;
  sketch_until: number;
  sketch: Buffer | null;
}

interface ImportRow {
  kind: 'week' | 'month' | 'year';
  label: string;
  views: number;
  visitors: number;
  keep_until: number;
}

type Value = string | number | Buffer | null;

interface DayRow {
  date: string;
  views: number;
  visitors: number;
  hours: string;
  refused_bot: number;
  refused_origin: number;
  refused_rate_limit: number;
  refused_invalid: number;
  imported_views: number;
  imported_visitors: number;
  keep_until: number;
  sketch_until: number;
  sketch: Buffer | null;
}

interface TotalRow {
  views: number;
  last_hit: number;
  imported_views: number;
  imported_visitors: number;
  sketch: Buffer | null;
}

export class SiteDumps {
  private readonly deletes: Array<Statement<[string]>>;
  private readonly days: Statement<[string], DayRow>;
  private readonly dayPaths: Statement<[string], { date: string; path: string; views: number }>;
  private readonly daySources: Statement<[string], { date: string; dimension: string; name: string; views: number; visitors: number }>;
  private readonly weeks: Statement<[string], { label: string; views: number; keep_until: number; sketch: Buffer | null }>;
  private readonly total: Statement<[string], TotalRow>;
  private readonly paths: Statement<[string], [string, number]>;
  private readonly periods: Statement<[string], PeriodRow>;
  private readonly imports: Statement<[string], ImportRow>;
  private readonly candidates: Statement<[string], CandidateDump>;
  private readonly baselines: Statement<[string], [string, number]>;
  private readonly salts: Statement<[string, number], { period: string; salt: string; expires_at: number }>;
  private readonly insert: Record<
    'day' | 'dayPath' | 'daySource' | 'week' | 'period' | 'periodImport' | 'total' | 'path' | 'candidate' | 'baseline' | 'salt',
    Statement<[Record<string, Value>]>
  >;

  constructor(db: Database) {
    this.deletes = SITE_TABLES.map((table) => db.prepare<[string]>(`DELETE FROM ${table} WHERE site = ?`));
    this.days = db.prepare('SELECT * FROM days WHERE site = ? ORDER BY date');
    this.dayPaths = db.prepare('SELECT date, path, views FROM day_paths WHERE site = ?');
    this.daySources = db.prepare('SELECT date, dimension, name, views, visitors FROM day_sources WHERE site = ?');
    this.weeks = db.prepare('SELECT label, views, keep_until, sketch FROM weeks WHERE site = ? ORDER BY label');
    this.total = db.prepare('SELECT views, last_hit, imported_views, imported_visitors, sketch FROM totals WHERE site = ?');
    this.paths = db.prepare<[string], [string, number]>('SELECT path, views FROM paths WHERE site = ?').raw();
    this.periods = db.prepare('SELECT kind, label, views, visitors, keep_until, sketch_until, sketch FROM periods WHERE site = ? ORDER BY kind, label');
    this.imports = db.prepare('SELECT kind, label, views, visitors, keep_until FROM period_imports WHERE site = ? ORDER BY kind, label');
    this.candidates = db.prepare('SELECT path, views, earner, seen FROM candidate_paths WHERE site = ? ORDER BY path');
    this.baselines = db.prepare<[string], [string, number]>('SELECT path, views FROM page_baselines WHERE site = ?').raw();
    this.salts = db.prepare('SELECT period, salt, expires_at FROM salts WHERE site = ? AND expires_at > ?');
    const insert = (table: string, columns: string[]) =>
      db.prepare<[Record<string, Value>]>(`INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    this.insert = {
      day: insert('days', [
        'site', 'date', 'views', 'visitors', 'hours', 'refused_bot', 'refused_origin', 'refused_rate_limit', 'refused_invalid',
        'imported_views', 'imported_visitors', 'keep_until', 'sketch_until', 'sketch',
      ]),
      dayPath: insert('day_paths', ['site', 'date', 'path', 'views']),
      daySource: insert('day_sources', ['site', 'date', 'dimension', 'name', 'views', 'visitors']),
      week: insert('weeks', ['site', 'label', 'views', 'visitors', 'keep_until', 'sketch']),
      period: insert('periods', ['site', 'kind', 'label', 'views', 'visitors', 'keep_until', 'sketch_until', 'sketch']),
      periodImport: insert('period_imports', ['site', 'kind', 'label', 'views', 'visitors', 'keep_until']),
      total: insert('totals', ['site', 'views', 'visitors', 'last_hit', 'imported_views', 'imported_visitors', 'sketch']),
      path: insert('paths', ['site', 'path', 'views']),
      candidate: insert('candidate_paths', ['site', 'path', 'earner', 'views', 'seen']),
      baseline: insert('page_baselines', ['site', 'path', 'views']),
      salt: insert('salts', ['site', 'period', 'salt', 'expires_at']),
    };
  }

  /** Removes every figure, salt and online entry of `site` (not its settings). */
  delete(site: string): void {
    for (const statement of this.deletes) statement.run(site);
  }

  /** The dump of `site`; salts only while unexpired at `now`. Run it in one read transaction. */
  export(site: SiteRecord, now: number): SiteDump {
    const paths = new Map<string, Array<[string, number]>>();
    for (const { date, path, views } of this.dayPaths.iterate(site.id)) {
      let list = paths.get(date);
      if (!list) paths.set(date, (list = []));
      list.push([path, views]);
    }
    const sources = new Map<string, DayDump['sources']>();
    for (const { date, dimension, name, views, visitors } of this.daySources.iterate(site.id)) {
      let list = sources.get(date);
      if (!list) sources.set(date, (list = []));
      list.push([dimension, name, views, visitors]);
    }
    const days = this.days.all(site.id).map((row): DayDump => ({
      date: row.date,
      views: row.views,
      visitors: row.visitors,
      hours: JSON.parse(row.hours) as number[],
      paths: paths.get(row.date) ?? [],
      sources: sources.get(row.date) ?? [],
      refused: { bot: row.refused_bot, origin: row.refused_origin, rate_limit: row.refused_rate_limit, invalid: row.refused_invalid },
      imported: { views: row.imported_views, visitors: row.imported_visitors },
      keepUntil: row.keep_until,
      ...(row.sketch ? { sketch: row.sketch.toString('base64'), sketchUntil: row.sketch_until } : {}),
    }));
    const empty = HyperLogLog.create().toBase64();
    const total = this.total.get(site.id);
    const imports = new Map(this.imports.all(site.id).map((row) => [`${row.kind}:${row.label}`, row]));
    const importedOf = (kind: string, label: string): Figures => {
      const row = imports.get(`${kind}:${label}`);
      imports.delete(`${kind}:${label}`);
      return { views: row?.views ?? 0, visitors: row?.visitors ?? 0 };
    };
    const keptUntil = (kind: string, label: string, counted: number) => Math.max(counted, imports.get(`${kind}:${label}`)?.keep_until ?? 0);
    const weeks: SiteDump['weeks'] = this.weeks.all(site.id).map((week) => ({
      label: week.label,
      views: week.views,
      keepUntil: keptUntil('week', week.label, week.keep_until),
      imported: importedOf('week', week.label),
      sketch: week.sketch?.toString('base64') ?? empty,
    }));
    const periods: PeriodDump[] = this.periods.all(site.id).map((row) => ({
      kind: row.kind,
      label: row.label,
      views: row.views,
      visitors: row.visitors,
      keepUntil: keptUntil(row.kind, row.label, row.keep_until),
      imported: importedOf(row.kind, row.label),
      ...(row.sketch ? { sketch: row.sketch.toString('base64'), sketchUntil: row.sketch_until } : {}),
    }));
    // Periods that only imported history reached.
    for (const row of imports.values()) {
      const imported = { views: row.views, visitors: row.visitors };
      if (row.kind === 'week') weeks.push({ label: row.label, views: 0, keepUntil: row.keep_until, imported, sketch: empty });
      else periods.push({ kind: row.kind, label: row.label, views: 0, visitors: 0, keepUntil: row.keep_until, imported });
    }
    return {
      site,
      days,
      weeks,
      periods,
      total: {
        views: total?.views ?? 0,
        sketch: total?.sketch?.toString('base64') ?? empty,
        paths: this.paths.all(site.id),
        candidates: this.candidates.all(site.id),
        lastHit: total?.last_hit ?? 0,
        imported: { views: total?.imported_views ?? 0, visitors: total?.imported_visitors ?? 0 },
      },
      pageBaselines: this.baselines.all(site.id),
      salts: this.salts.all(site.id, now).map((salt) => ({ period: salt.period, salt: salt.salt, expiresAt: salt.expires_at })),
    };
  }

  /** Replaces everything stored for the dump's site (settings are the caller's); run it in one write transaction. */
  import(dump: SiteDump): void {
    const site = dump.site.id;
    this.delete(site);
    for (const day of dump.days) {
      const sketch = day.sketch === undefined ? undefined : HyperLogLog.fromBase64(day.sketch);
      const refused = { ...emptyRefused(), ...day.refused };
      this.insert.day.run({
        site,
        date: day.date,
        views: day.views,
        visitors: sketch?.count() ?? day.visitors,
        hours: JSON.stringify(Array.from({ length: 24 }, (_, hour) => day.hours[hour] ?? 0)),
        refused_bot: refused.bot,
        refused_origin: refused.origin,
        refused_rate_limit: refused.rate_limit,
        refused_invalid: refused.invalid,
        imported_views: day.imported.views,
        imported_visitors: day.imported.visitors,
        keep_until: day.keepUntil,
        sketch_until: day.sketchUntil ?? 0,
        sketch: sketch?.toRedisBytes() ?? null,
      });
      for (const [path, views] of day.paths) this.insert.dayPath.run({ site, date: day.date, path, views });
      for (const [dimension, name, views, visitors] of day.sources) this.insert.daySource.run({ site, date: day.date, dimension, name, views, visitors });
    }
    const importOf = (kind: string, label: string, imported: Figures, keepUntil: number) => {
      if (imported.views !== 0 || imported.visitors !== 0) this.insert.periodImport.run({ site, kind, label, ...imported, keep_until: keepUntil });
    };
    for (const week of dump.weeks) {
      const sketch = HyperLogLog.fromBase64(week.sketch);
      importOf('week', week.label, week.imported, week.keepUntil);
      // A week only imported history reached has no counted row, as it had none before.
      if (week.views === 0 && sketch.isEmpty() && (week.imported.views !== 0 || week.imported.visitors !== 0)) continue;
      this.insert.week.run({ site, label: week.label, views: week.views, visitors: sketch.count(), keep_until: week.keepUntil, sketch: sketch.toRedisBytes() });
    }
    for (const period of dump.periods) {
      const sketch = period.sketch === undefined ? undefined : HyperLogLog.fromBase64(period.sketch);
      importOf(period.kind, period.label, period.imported, period.keepUntil);
      if (period.views === 0 && !sketch && period.visitors === 0 && (period.imported.views !== 0 || period.imported.visitors !== 0)) continue;
      this.insert.period.run({
        site,
        kind: period.kind,
        label: period.label,
        views: period.views,
        visitors: sketch?.count() ?? period.visitors,
        keep_until: period.keepUntil,
        sketch_until: period.sketchUntil ?? 0,
        sketch: sketch?.toRedisBytes() ?? null,
      });
    }
    const { total } = dump;
    const sketch = total.sketch === undefined ? undefined : HyperLogLog.fromBase64(total.sketch);
    this.insert.total.run({
      site,
      views: total.views,
      visitors: sketch?.count() ?? 0,
      last_hit: total.lastHit,
      imported_views: total.imported.views,
      imported_visitors: total.imported.visitors,
      sketch: sketch?.toRedisBytes() ?? null,
    });
    for (const [path, views] of total.paths) this.insert.path.run({ site, path, views });
    for (const candidate of total.candidates) this.insert.candidate.run({ site, ...candidate });
    for (const [path, views] of dump.pageBaselines) this.insert.baseline.run({ site, path, views });
    for (const salt of dump.salts) this.insert.salt.run({ site, period: salt.period, salt: salt.salt, expires_at: salt.expiresAt });
  }
}
