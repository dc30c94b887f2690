/**
 * Applies one `SiteBatch` inside the caller's write transaction. Figures are added by UPSERT;
 * each HyperLogLog (day, week, month, year, all-time) is read, updated and written back once
 * per batch, and not written at all when no register changed.
 */
import type { Database, Statement } from 'better-sqlite3';
import { HyperLogLog } from '../hll/hyperloglog.js';
import { countAllTime } from '../path-slots.js';
import { MAX_SOURCE_NAMES, WRITER_MEMORY_MS, type DayDelta, type RateTotals, type RefusalReason, type SiteBatch } from '../store.js';
import { CappedCounts } from './capped-counts.js';
import { PathSlotStatements } from './path-slot-tables.js';

interface SketchUpdate {
  /** Redis bytes to store, or null when the stored sketch is still right. */
  sketch: Buffer | null;
  /** The sketch's count after the update, or null when it did not change. */
  visitors: number | null;
}

const UNCHANGED: SketchUpdate = { sketch: null, visitors: null };

export class BatchWrites {
  private readonly claim: Statement<[{ site: string; writer: string; seq: number; until: number; now: number }]>;
  private readonly dayState: Statement<[{ site: string; date: string }], { hours: string; sketch: Buffer | null }>;
  private readonly upsertDay: Statement<[Record<string, string | number | Buffer | null>]>;
  private readonly weekSketch: Statement<[{ site: string; label: string }], Buffer | null>;
  private readonly upsertWeek: Statement<[Record<string, string | number | Buffer | null>]>;
  private readonly periodSketch: Statement<[{ site: string; kind: string; label: string }], Buffer | null>;
  private readonly upsertPeriod: Statement<[Record<string, string | number | Buffer | null>]>;
  private readonly totalSketch: Statement<[{ site: string }], Buffer | null>;
  private readonly upsertTotal: Statement<[Record<string, string | number | Buffer | null>]>;
  private readonly touchOnline: Statement<[{ site: string; id: string; seen: number }]>;
  private readonly pruneOnline: Statement<[{ site: string; since: number }]>;
  private readonly addRate: Statement<[{ minute: number; site: string; visitor: string; count: number }], number>;
  private readonly dayPaths: CappedCounts<'views'>;
  private readonly daySources: CappedCounts<'views' | 'visitors'>;
  private readonly pathSlots: PathSlotStatements;

  constructor(db: Database) {
    // A seq not above the writer's last (still remembered) leaves the row as it is, so
    // `changes` is 0: the batch ran before.
    this.claim = db.prepare(`
      INSERT INTO writers (site, writer, seq, until) VALUES (@site, @writer, @seq, @until)
      ON CONFLICT (site, writer) DO UPDATE SET seq = excluded.seq, until = excluded.until
      WHERE writers.seq < excluded.seq OR writers.until <= @now`);
    this.dayState = db.prepare('SELECT hours, sketch FROM days WHERE site = @site AND date = @date');
    this.upsertDay = db.prepare(`
      INSERT INTO days (site, date, views, visitors, hours, refused_bot, refused_origin, refused_rate_limit, refused_invalid, keep_until, sketch_until, sketch)
      VALUES (@site, @date, @views, coalesce(@visitors, 0), @hours, @bot, @origin, @rateLimit, @invalid, @keepUntil, @sketchUntil, @sketch)
      ON CONFLICT (site, date) DO UPDATE SET
        views = views + excluded.views,
        visitors = coalesce(@visitors, visitors),
        hours = excluded.hours,
        refused_bot = refused_bot + excluded.refused_bot,
        refused_origin = refused_origin + excluded.refused_origin,
        refused_rate_limit = refused_rate_limit + excluded.refused_rate_limit,
        refused_invalid = refused_invalid + excluded.refused_invalid,
        keep_until = max(keep_until, excluded.keep_until),
        sketch_until = max(sketch_until, excluded.sketch_until),
        sketch = coalesce(excluded.sketch, sketch)`);
    this.weekSketch = db.prepare<[{ site: string; label: string }], Buffer | null>('SELECT sketch FROM weeks WHERE site = @site AND label = @label').pluck();
    this.upsertWeek = db.prepare(`
      INSERT INTO weeks (site, label, views, visitors, keep_until, sketch)
      VALUES (@site, @label, @views, coalesce(@visitors, 0), @keepUntil, @sketch)
      ON CONFLICT (site, label) DO UPDATE SET
        views = views + excluded.views,
        visitors = coalesce(@visitors, visitors),
        keep_until = max(keep_until, excluded.keep_until),
        sketch = coalesce(excluded.sketch, sketch)`);
    this.periodSketch = db
      .prepare<[{ site: string; kind: string; label: string }], Buffer | null>('SELECT sketch FROM periods WHERE site = @site AND kind = @kind AND label = @label')
      .pluck();
    this.upsertPeriod = db.prepare(`
      INSERT INTO periods (site, kind, label, views, visitors, keep_until, sketch_until, sketch)
      VALUES (@site, @kind, @label, @views, coalesce(@visitors, 0), @keepUntil, @sketchUntil, @sketch)
      ON CONFLICT (site, kind, label) DO UPDATE SET
        views = views + excluded.views,
        visitors = coalesce(@visitors, visitors),
        keep_until = max(keep_until, excluded.keep_until),
        sketch_until = max(sketch_until, excluded.sketch_until),
        sketch = coalesce(excluded.sketch, sketch)`);
    this.totalSketch = db.prepare<[{ site: string }], Buffer | null>('SELECT sketch FROM totals WHERE site = @site').pluck();
    this.upsertTotal = db.prepare(`
      INSERT INTO totals (site, views, visitors, last_hit, sketch)
      VALUES (@site, @views, coalesce(@visitors, 0), @lastHit, @sketch)
      ON CONFLICT (site) DO UPDATE SET
        views = views + excluded.views,
        visitors = coalesce(@visitors, visitors),
        last_hit = max(last_hit, excluded.last_hit),
        sketch = coalesce(excluded.sketch, sketch)`);
    this.touchOnline = db.prepare(
      'INSERT INTO online (site, id, seen) VALUES (@site, @id, @seen) ON CONFLICT (site, id) DO UPDATE SET seen = max(seen, excluded.seen)',
    );
    this.pruneOnline = db.prepare('DELETE FROM online WHERE site = @site AND seen < @since');
    this.addRate = db
      .prepare<[{ minute: number; site: string; visitor: string; count: number }], number>(
        `INSERT INTO rate (minute, site, visitor, count) VALUES (@minute, @site, @visitor, @count)
         ON CONFLICT (minute, site, visitor) DO UPDATE SET count = count + excluded.count RETURNING count`,
      )
      .pluck();
    this.dayPaths = new CappedCounts(db, 'day_paths', ['site', 'date'], 'path', ['views']);
    this.daySources = new CappedCounts(db, 'day_sources', ['site', 'date', 'dimension'], 'name', ['views', 'visitors']);
    this.pathSlots = new PathSlotStatements(db);
  }

  /** Writes `batch` unless it was applied before (see SiteBatch); must run in a write transaction. */
  apply(batch: SiteBatch, now: number): RateTotals {
    const claim = { site: batch.site, writer: batch.writer, seq: batch.seq, until: now + WRITER_MEMORY_MS, now };
    if (this.claim.run(claim).changes === 0) return [];
    const { site } = batch;
    const ids = batch.days.flatMap((delta) => [...delta.ids]);
    const total = ids.length > 0 ? updateSketch(this.totalSketch.get({ site }), ids) : UNCHANGED;
    const slots = this.pathSlots.forSite(site);
    let views = 0;
    for (const delta of batch.days) {
      views += delta.views;
      this.applyDay(site, delta);
      const dayPaths = this.dayPaths.start({ site, date: delta.date }, batch.pathLimit.day);
      for (const [path, change] of delta.paths) {
        dayPaths.add(path, { views: change.views });
        countAllTime(slots, path, change, batch.pathLimit.total, now);
      }
      for (const [dimension, names] of delta.sources) {
        const sources = this.daySources.start({ site, date: delta.date, dimension }, MAX_SOURCE_NAMES);
        for (const [name, count] of names) sources.add(name, count);
      }
    }
    for (const delta of batch.weeks) {
      const week = delta.ids.size > 0 ? updateSketch(this.weekSketch.get({ site, label: delta.label }), delta.ids) : UNCHANGED;
      this.upsertWeek.run({ site, label: delta.label, views: delta.views, keepUntil: delta.keepUntil, ...week });
    }
    for (const delta of batch.periods) {
      const key = { site, kind: delta.kind, label: delta.label };
      const period = delta.ids.size > 0 ? updateSketch(this.periodSketch.get(key), delta.ids) : UNCHANGED;
      this.upsertPeriod.run({ ...key, views: delta.views, keepUntil: delta.keepUntil, sketchUntil: delta.sketchUntil, ...period });
    }
    this.upsertTotal.run({ site, views, lastHit: batch.lastHit, ...total });
    for (const [id, seen] of batch.online) this.touchOnline.run({ site, id, seen });
    this.pruneOnline.run({ site, since: batch.onlineSince });
    return batch.rate.map(({ minute, counts }) => {
      const totals = new Map<string, number>();
      for (const [visitor, count] of counts) totals.set(visitor, this.addRate.get({ minute, site, visitor, count }) ?? count);
      return { minute, totals };
    });
  }

  private applyDay(site: string, delta: DayDelta): void {
    const state = this.dayState.get({ site, date: delta.date });
    const hours: number[] = state ? (JSON.parse(state.hours) as number[]) : new Array<number>(24).fill(0);
    for (let hour = 0; hour < 24; hour++) hours[hour] = (hours[hour] ?? 0) + (delta.hours[hour] ?? 0);
    const day = delta.ids.size > 0 ? updateSketch(state?.sketch ?? null, delta.ids) : UNCHANGED;
    const refused = (reason: RefusalReason) => delta.refused.get(reason) ?? 0;
    this.upsertDay.run({
      site,
      date: delta.date,
      views: delta.views,
      hours: JSON.stringify(hours),
      bot: refused('bot'),
      origin: refused('origin'),
      rateLimit: refused('rate_limit'),
      invalid: refused('invalid'),
      keepUntil: delta.keepUntil,
      sketchUntil: delta.sketchUntil,
      ...day,
    });
  }
}

/** Adds `ids` to the stored sketch (a new one when there is none, e.g. after its expiry). */
function updateSketch(stored: Buffer | null | undefined, ids: Iterable<string>): SketchUpdate {
  const sketch = stored ? HyperLogLog.fromRedisBytes(stored) : HyperLogLog.create();
  let changed = !stored;
  for (const id of ids) if (sketch.add(id)) changed = true;
  return changed ? { sketch: sketch.toRedisBytes(), visitors: sketch.count() } : UNCHANGED;
}
