/**
 * A site's history: its days (imported figures added in), grouped by month or year on
 * request, and the imports of an old counter's days into the periods they fell in.
 */
import type { Store } from '../store/store.js';
import { addDays, monthOf, startOfDate, yearOf } from './calendar.js';
import { FOREVER, type PeriodCalculator } from './periods.js';
import type { Site } from './site.js';

export interface DailyFigures {
  /** `2026-11-27`; grouped, the month `2026-11` or the year `2026`. */
  date: string;
  views: number;
  visitors: number;
}

export type HistoryGroup = 'day' | 'month' | 'year';

/** One day's imported figures, and the views footfall itself counted that day. */
export interface ImportedFigures extends DailyFigures {
  counted: number;
}

export class HistoryReader {
  constructor(
    private readonly store: Store,
    private readonly periods: PeriodCalculator,
  ) {}

  /**
   * From `from` to `to` (local dates, inclusive): one row per day with zeros for days without
   * hits, or with `group` one per month (`2026-11`) or year (`2026`) that the range touches,
   * whole. A month's or year's visitors are its true uniques; where footfall kept none (before
   * it counted them), the sum of its days stands in.
   */
  async read(site: Site, from: string, to: string, group: HistoryGroup): Promise<DailyFigures[]> {
    if (group !== 'day') return this.grouped(site, from, to, group);
    const stored = new Map((await this.store.readHistory(site.id, from, to)).map((day) => [day.date, day]));
    const rows: DailyFigures[] = [];
    for (let date = from; date <= to; date = addDays(date, 1)) {
      const day = stored.get(date);
      rows.push({
        date,
        views: (day?.views ?? 0) + (day?.imported.views ?? 0),
        visitors: (day?.visitors ?? 0) + (day?.imported.visitors ?? 0),
      });
    }
    return rows;
  }

  async imported(site: Site, from: string, to: string): Promise<ImportedFigures[]> {
    const days = await this.store.readHistory(site.id, from, to);
    return days.map((day) => ({ date: day.date, ...day.imported, counted: day.views }));
  }

  /** Sets each day's import; its week, month and year (by the site's calendar) follow. */
  importDays(site: Site, days: DailyFigures[]): Promise<void> {
    return this.store.importHistory(
      site.id,
      days.map((day) => {
        const { week, month, year } = this.periods.at(site, startOfDate(day.date, site.timezone));
        return {
          ...day,
          keepUntil: FOREVER,
          week: { label: week.label, keepUntil: week.keepUntil },
          month: { label: month.label, keepUntil: month.keepUntil },
          year: { label: year.label, keepUntil: year.keepUntil },
        };
      }),
    );
  }

  private async grouped(site: Site, from: string, to: string, group: 'month' | 'year'): Promise<DailyFigures[]> {
    const periodOf = group === 'month' ? monthOf : yearOf;
    const first = periodOf(from);
    const last = periodOf(to);
    const [days, periods] = await Promise.all([
      this.read(site, first.start, addDays(last.next, -1), 'day'),
      this.store.readPeriods(site.id, group, first.label, last.label),
    ]);
    const counted = new Map(periods.map((period) => [period.label, period]));
    const rows = new Map<string, DailyFigures>();
    for (const day of days) {
      const label = periodOf(day.date).label;
      let row = rows.get(label);
      if (!row) rows.set(label, (row = { date: label, views: 0, visitors: 0 }));
      row.views += day.views;
      row.visitors += day.visitors;
    }
    for (const row of rows.values()) {
      const period = counted.get(row.date);
      if (period && period.visitors > 0) row.visitors = period.visitors + period.imported.visitors;
    }
    return [...rows.values()];
  }
}
