/**
 * Reads a site's figures and shapes them into the counts payload: the calendar picks today and
 * this week; all-time adds the site's baseline and imported history to what was counted — the
 * one place those rules live. One store round trip per read, whatever the number of paths.
 */
import type { Store } from '../store/store.js';
import type { CountsPayload } from './counts-payload.js';
import type { PeriodCalculator } from './periods.js';
import type { Site } from './site.js';

export interface CountsRead {
  counts: CountsPayload;
  /** Epoch ms of the site's last counted hit, 0 if none. */
  lastHit: number;
  /** All-time views of each asked path, same order. */
  pages: number[];
}

export class CountsReader {
  constructor(
    private readonly store: Store,
    private readonly periods: PeriodCalculator,
    private readonly clock: () => number,
    private readonly onlineWindowMs: number,
  ) {}

  async read(site: Site, paths: string[] = []): Promise<CountsRead> {
    const now = this.clock();
    const periods = this.periods.at(site, now);
    const stored = await this.store.readFigures({
      site: site.id,
      date: periods.day.date,
      week: periods.week.label,
      paths,
      onlineSince: now - this.onlineWindowMs,
    });
    return {
      counts: {
        site: site.id,
        at: new Date(now).toISOString(),
        timezone: site.timezone,
        online: stored.online,
        today: { date: periods.day.date, ...stored.today },
        week: { label: periods.week.label, start: periods.week.start, ...stored.week },
        total: {
          views: stored.total.views + stored.imported.views + site.baseline.views,
          visitors: stored.total.visitors + stored.imported.visitors + site.baseline.visitors,
        },
      },
      lastHit: stored.lastHit,
      pages: stored.pages,
    };
  }
}

/** The payload for one path: the site's figures plus that path's all-time views. */
export function withPage(counts: CountsPayload, path: string, views: number): CountsPayload {
  return { ...counts, page: { path, views } };
}
