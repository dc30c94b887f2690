/**
 * The read side: a site's counts in one statement (plus one for asked paths) inside one read
 * transaction, and the per-day figures the admin API shows. Visitors come from the counts kept
 * beside each sketch, so no read loads a sketch.
 */
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { topPaths } from '../ordering.js';
import { emptyRefused } from '../refusals.js';
import type { CountsQuery, DayDetail, DayRecord, PathUsage, PathViews, PeriodFigures, PeriodRecord, SourceFigures, StoredFigures } from '../store.js';

/** The figures of one period: counted (v, u), imported (iv, iu); null where no row exists. */
type PeriodColumns<P extends string> = { [K in `${P}_${'v' | 'u' | 'iv' | 'iu'}`]: number | null };

type CountsRow = { online: number; d_v: number | null; d_u: number | null; last_hit: number | null } & PeriodColumns<'y' | 'w' | 'm' | 'yr' | 't'>;

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
  private readonly counts: Statement<[Record<string, string | number>], CountsRow>;
  private readonly pages: Statement<[{ site: string; paths: string }], { views: number; baseline: number }>;
  private readonly usage: Statement<[{ site: string; date: string }], PathUsage>;
  private readonly sources: Statement<[{ site: string; dimension: string; from: string; to: string }], SourceFigures>;
  private readonly periods: Statement<[{ site: string; kind: string; from: string; to: string }], { label: string; v: number; u: number; iv: number; iu: number }>;
  private readonly history: Statement<[{ site: string; from: string; to: string }], HistoryRow>;
  private readonly detail: Statement<[{ site: string; date: string }], DetailRow>;
  private readonly dayPaths: Statement<[{ site: string; date: string }], [string, number]>;
  private readonly readFiguresOnce: Transaction<(query: CountsQuery) => StoredFigures>;

  constructor(db: Database) {
    // Online entries older than the window are left for the next batch to prune: a read never writes.
    this.counts = db.prepare(`
      SELECT
        (SELECT count(*) FROM online WHERE site = @site AND seen >= @since) AS online,
        d.views AS d_v, d.visitors AS d_u,
        y.views AS y_v, y.visitors AS y_u, y.imported_views AS y_iv, y.imported_visitors AS y_iu,
        w.views AS w_v, w.visitors AS w_u, wi.views AS w_iv, wi.visitors AS w_iu,
        m.views AS m_v, m.visitors AS m_u, mi.views AS m_iv, mi.visitors AS m_iu,
        yr.views AS yr_v, yr.visitors AS yr_u, yri.views AS yr_iv, yri.visitors AS yr_iu,
        t.views AS t_v, t.visitors AS t_u, t.imported_views AS t_iv, t.imported_visitors AS t_iu, t.last_hit
      FROM (SELECT 1)
      LEFT JOIN days d ON d.site = @site AND d.date = @date
      LEFT JOIN days y ON y.site = @site AND y.date = @yesterday
      LEFT JOIN weeks w ON w.site = @site AND w.label = @week
      LEFT JOIN period_imports wi ON wi.site = @site AND wi.kind = 'week' AND wi.label = @week
      LEFT JOIN periods m ON m.site = @site AND m.kind = 'month' AND m.label = @month
      LEFT JOIN period_imports mi ON mi.site = @site AND mi.kind = 'month' AND mi.label = @month
      LEFT JOIN periods yr ON yr.site = @site AND yr.kind = 'year' AND yr.label = @year
      LEFT JOIN period_imports yri ON yri.site = @site AND yri.kind = 'year' AND yri.label = @year
      LEFT JOIN totals t ON t.site = @site`);
    this.pages = db.prepare(
      `SELECT coalesce(p.views, c.views, 0) AS views, coalesce(b.views, 0) AS baseline FROM json_each(@paths) AS j
       LEFT JOIN paths p ON p.site = @site AND p.path = j.value
       LEFT JOIN candidate_paths c ON c.site = @site AND c.path = j.value
       LEFT JOIN page_baselines b ON b.site = @site AND b.path = j.value
       ORDER BY j.key`,
    );
    // Counted rows and imported sums of each period, whichever of the two exist.
    this.periods = db.prepare(`
      SELECT label, sum(v) AS v, sum(u) AS u, sum(iv) AS iv, sum(iu) AS iu FROM (
        SELECT label, views AS v, visitors AS u, 0 AS iv, 0 AS iu FROM periods WHERE site = @site AND kind = @kind AND label BETWEEN @from AND @to
        UNION ALL
        SELECT label, 0, 0, views, visitors FROM period_imports WHERE site = @site AND kind = @kind AND label BETWEEN @from AND @to
      ) GROUP BY label ORDER BY label`);
    this.sources = db.prepare(`
      SELECT name, sum(views) AS views, sum(visitors) AS visitors FROM day_sources
      WHERE site = @site AND dimension = @dimension AND date BETWEEN @from AND @to GROUP BY name`);
    this.usage = db.prepare(`
      SELECT
        (SELECT count(*) FROM day_paths WHERE site = @site AND date = @date) AS today,
        (SELECT count(*) FROM paths WHERE site = @site) AS earned,
        (SELECT count(*) FROM candidate_paths WHERE site = @site) AS candidates`);
    this.history = db.prepare(
      `SELECT date, views, visitors, imported_views, imported_visitors FROM days
       WHERE site = @site AND date BETWEEN @from AND @to ORDER BY date`,
    );
    this.detail = db.prepare(
      'SELECT hours, refused_bot, refused_origin, refused_rate_limit, refused_invalid FROM days WHERE site = @site AND date = @date',
    );
    this.dayPaths = db.prepare<[{ site: string; date: string }], [string, number]>('SELECT path, views FROM day_paths WHERE site = @site AND date = @date').raw();
    this.readFiguresOnce = db.transaction((query: CountsQuery): StoredFigures => {
      const { site, date, yesterday, week, month, year } = query;
      const row = this.counts.get({ site, date, yesterday, week, month, year, since: query.onlineSince });
      const pages = query.paths.length > 0 ? this.pages.all({ site, paths: JSON.stringify(query.paths) }) : [];
      const period = (p: 'y' | 'w' | 'm' | 'yr' | 't'): PeriodFigures => ({
        views: row?.[`${p}_v`] ?? 0,
        visitors: row?.[`${p}_u`] ?? 0,
        imported: { views: row?.[`${p}_iv`] ?? 0, visitors: row?.[`${p}_iu`] ?? 0 },
      });
      return {
        online: row?.online ?? 0,
        today: { views: row?.d_v ?? 0, visitors: row?.d_u ?? 0 },
        yesterday: period('y'),
        week: period('w'),
        month: period('m'),
        year: period('yr'),
        total: period('t'),
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

  readPeriods(site: string, kind: 'month' | 'year', from: string, to: string): PeriodRecord[] {
    return this.periods.all({ site, kind, from, to }).map((row) => ({ label: row.label, views: row.v, visitors: row.u, imported: { views: row.iv, visitors: row.iu } }));
  }

  readSources(site: string, dimension: string, from: string, to: string): SourceFigures[] {
    return this.sources.all({ site, dimension, from, to });
  }

  readPathUsage(site: string, date: string): PathUsage {
    return this.usage.get({ site, date }) ?? { today: 0, earned: 0, candidates: 0 };
  }

  /** Sorted here rather than in SQL so ties order exactly as in every other backend. */
  readTopPages(site: string, date: string, limit: number): PathViews[] {
    return topPaths(this.dayPaths.all({ site, date }), limit);
  }
}
