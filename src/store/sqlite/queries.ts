/**
 * The read side: a site's counts in one statement (plus one for asked paths) inside one read
 * transaction, and the per-day figures the admin API shows. Visitors come from the counts kept
 * beside each sketch, so no read loads a sketch.
 */
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { topPaths } from '../ordering.js';
import { emptyRefused } from '../refusals.js';
import type { CountsQuery, DayDetail, DayRecord, PathViews, StoredFigures } from '../store.js';

interface CountsRow {
  online: number;
  day_views: number | null;
  day_visitors: number | null;
  week_views: number | null;
  week_visitors: number | null;
  total_views: number | null;
  total_visitors: number | null;
  imported_views: number | null;
  imported_visitors: number | null;
  last_hit: number | null;
}

interface HistoryRow {
  date: string;
  views: number;
  visitors: number;
  imported_views: number;
  imported_visitors: number;
}

interface DetailRow {
  hours: string;
  refused_bot: number;
  refused_origin: number;
  refused_rate_limit: number;
  refused_invalid: number;
}

export class Queries {
  private readonly counts: Statement<[{ site: string; date: string; week: string; since: number }], CountsRow>;
  private readonly pages: Statement<[{ site: string; paths: string }], number>;
  private readonly history: Statement<[{ site: string; from: string; to: string }], HistoryRow>;
  private readonly detail: Statement<[{ site: string; date: string }], DetailRow>;
  private readonly dayPaths: Statement<[{ site: string; date: string }], [string, number]>;
  private readonly readFiguresOnce: Transaction<(query: CountsQuery) => StoredFigures>;

  constructor(db: Database) {
    // Online entries older than the window are left for the next batch to prune: a read never writes.
    this.counts = db.prepare(`
      SELECT
        (SELECT count(*) FROM online WHERE site = @site AND seen >= @since) AS online,
        d.views AS day_views, d.visitors AS day_visitors,
        w.views AS week_views, w.visitors AS week_visitors,
        t.views AS total_views, t.visitors AS total_visitors,
        t.imported_views, t.imported_visitors, t.last_hit
      FROM (SELECT 1)
      LEFT JOIN days d ON d.site = @site AND d.date = @date
      LEFT JOIN weeks w ON w.site = @site AND w.label = @week
      LEFT JOIN totals t ON t.site = @site`);
    this.pages = db
      .prepare<[{ site: string; paths: string }], number>(
        `SELECT coalesce(p.views, 0) FROM json_each(@paths) AS j
         LEFT JOIN paths p ON p.site = @site AND p.path = j.value ORDER BY j.key`,
      )
      .pluck();
    this.history = db.prepare(
      `SELECT date, views, visitors, imported_views, imported_visitors FROM days
       WHERE site = @site AND date BETWEEN @from AND @to ORDER BY date`,
    );
    this.detail = db.prepare(
      'SELECT hours, refused_bot, refused_origin, refused_rate_limit, refused_invalid FROM days WHERE site = @site AND date = @date',
    );
    this.dayPaths = db.prepare<[{ site: string; date: string }], [string, number]>('SELECT path, views FROM day_paths WHERE site = @site AND date = @date').raw();
    this.readFiguresOnce = db.transaction((query: CountsQuery): StoredFigures => {
      const row = this.counts.get({ site: query.site, date: query.date, week: query.week, since: query.onlineSince });
      const pages = query.paths.length > 0 ? this.pages.all({ site: query.site, paths: JSON.stringify(query.paths) }) : [];
      return {
        online: row?.online ?? 0,
        today: { views: row?.day_views ?? 0, visitors: row?.day_visitors ?? 0 },
        week: { views: row?.week_views ?? 0, visitors: row?.week_visitors ?? 0 },
        total: { views: row?.total_views ?? 0, visitors: row?.total_visitors ?? 0 },
        imported: { views: row?.imported_views ?? 0, visitors: row?.imported_visitors ?? 0 },
        pages,
        lastHit: row?.last_hit ?? 0,
      };
    });
  }

  /** The site's figures from one snapshot of the file. */
  readFigures(query: CountsQuery): StoredFigures {
    return this.readFiguresOnce(query);
  }

  readHistory(site: string, from: string, to: string): DayRecord[] {
    return this.history.all({ site, from, to }).map((row) => ({
      date: row.date,
      views: row.views,
      visitors: row.visitors,
      imported: { views: row.imported_views, visitors: row.imported_visitors },
    }));
  }

  readDayDetail(site: string, date: string): DayDetail {
    const row = this.detail.get({ site, date });
    if (!row) return { hours: new Array<number>(24).fill(0), refused: emptyRefused() };
    return {
      hours: JSON.parse(row.hours) as number[],
      refused: { bot: row.refused_bot, origin: row.refused_origin, rate_limit: row.refused_rate_limit, invalid: row.refused_invalid },
    };
  }

  /** Sorted here rather than in SQL so ties order exactly as in every other backend. */
  readTopPages(site: string, date: string, limit: number): PathViews[] {
    return topPaths(this.dayPaths.all({ site, date }), limit);
  }
}
