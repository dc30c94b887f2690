/**
 * The answers of a site's reports (docs/api.md, "Site reports and imports"), as the client
 * sees them. The server builds them in its own layers; test/http/openapi.test.ts holds these
 * types to the API document's schemas, so the two cannot drift apart. A row of `…/pages` is
 * the counts payload's `PageViews`.
 */

export type HistoryGroup = 'day' | 'month' | 'year';

export type SourceDimension = 'referrer' | 'campaign' | 'country' | 'browser' | 'os' | 'device';

/** A row of `…/history`: a local date `2026-11-27`, or grouped the month `2026-11` or year `2026`. */
export interface DayFigures {
  date: string;
  views: number;
  visitors: number;
}

/** `…/day`: views by local hour (24 entries) and the day's refused hits (not for public readers). */
export interface DayDetail {
  date: string;
  hours: number[];
  refused?: { bot: number; origin: number; rate_limit: number; invalid: number };
}

/** A row of `…/sources`. */
export interface SourceFigures {
  name: string;
  views: number;
  visitors: number;
}

/** `…/paths`: distinct paths against the site's caps. */
export interface PathUsage {
  today: number;
  earned: number;
  candidates: number;
  limit: { day: number; total: number };
  atCap: { day: boolean; total: boolean };
}
