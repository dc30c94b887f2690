/**
 * Reads a site's figures and shapes them into the counts payload: the calendar picks today,
 * yesterday, this week, month and year; imported history is added to each period it fell in,
 * the site's baseline to all-time, each page's baseline to its views — the one place those
 * rules live. One store round trip per read, whatever the number of paths.
 */
import type { Figures, PeriodFigures, Store } from '../store/store.js';
import type { CountsPayload } from './counts-payload.js';
import type { PeriodCalculator } from './periods.js';
import type { Site } from './site.js';

export interface CountsRead {
  counts: CountsPayload;
  /** Epoch ms of the site's last counted hit, 0 if none. */
  lastHit: number;
  /** All-time views of each asked path, its baseline included, same order. */
  pages: number[];
}

export class CountsReader {
  constructor(
    private readonly store: Store,
    private readonly periods: PeriodCalculator,
    private readonly clock: () => number,
    private readonly onlineWindowMs: number,
  ) {}

  /** `paths` are page keys (page-path.ts). */
  async read(site: Site, paths: string[] = []): Promise<CountsRead> {
    const now = this.clock();
    const periods = this.periods.at(site, now);
    const stored = await this.store.readFigures({
      site: site.id,
      date: periods.day.date,
      yesterday: periods.yesterday,
      week: periods.week.label,
      month: periods.month.label,
      year: periods.year.label,
      paths,
      onlineSince: now - this.onlineWindowMs,
    });
    const total = withImported(stored.total);
    return {
      counts: {
        site: site.id,
        at: new Date(now).toISOString(),
        timezone: site.timezone,
        online: stored.online,
        today: { date: periods.day.date, ...stored.today },
        yesterday: { date: periods.yesterday, ...withImported(stored.yesterday) },
        week: { label: periods.week.label, start: periods.week.start, ...withImported(stored.week) },
        month: { label: periods.month.label, ...withImported(stored.month) },
        year: { label: periods.year.label, ...withImported(stored.year) },
        total: { views: total.views + site.baseline.views, visitors: total.visitors + site.baseline.visitors },
      },
      lastHit: stored.lastHit,
      pages: stored.pages.map((page) => page.views + page.baseline),
    };
  }
}

function withImported({ views, visitors, imported }: PeriodFigures): Figures {
  return { views: views + imported.views, visitors: visitors + imported.visitors };
}

/** The payload for one path: the site's figures plus that path's all-time views. */
export function withPage(counts: CountsPayload, path: string, views: number): CountsPayload {
  return { ...counts, page: { path, views } };
}

/** The payload for several paths, in the order asked. */
export function withPages(counts: CountsPayload, paths: readonly string[], views: readonly number[]): CountsPayload {
  return { ...counts, pages: paths.map((path, i) => ({ path, views: views[i] ?? 0 })) };
}
