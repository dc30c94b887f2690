/** Store-level shapes for tests that write to a store directly, built as the counting layer builds them. */
import { monthOf, weekOf, yearOf } from '../../src/counting/calendar.js';
import { FOREVER } from '../../src/counting/periods.js';
import { DEFAULT_PATH_LIMIT } from '../../src/counting/site.js';
import type { CountsQuery, ImportedDay, PathDelta, SiteBatch } from '../../src/store/store.js';

/** Views by path, as a DayDelta holds them; `earners` tags each path's views (none: untracked). */
export function pathViews(entries: Record<string, number> | Iterable<[string, number]>, earners: string[] = []): Map<string, PathDelta> {
  const list = Symbol.iterator in entries ? [...(entries as Iterable<[string, number]>)] : Object.entries(entries);
  return new Map(list.map(([path, views]) => [path, { views, earners: [...earners] }]));
}

/** Imported days of a UTC site whose weeks start on Monday, each with its week, month and year. */
export function importedDays(days: Array<{ date: string; views: number; visitors: number; keepUntil?: number }>): ImportedDay[] {
  return days.map(({ date, views, visitors, keepUntil = FOREVER }) => ({
    date,
    views,
    visitors,
    keepUntil,
    week: { label: weekOf(date, 1).label, keepUntil: Date.parse(`${weekOf(date, 1).start}T00:00:00Z`) + 15 * 86_400_000 },
    month: { label: monthOf(date).label, keepUntil: FOREVER },
    year: { label: yearOf(date).label, keepUntil: FOREVER },
  }));
}

/** A counts query of a UTC site on `date` (weeks from Monday), without paths unless given. */
export function countsQuery(site: string, date: string, overrides: Partial<CountsQuery> = {}): CountsQuery {
  const yesterday = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return { site, date, yesterday, week: weekOf(date, 1).label, month: monthOf(date).label, year: yearOf(date).label, paths: [], onlineSince: 0, ...overrides };
}

let seq = 0;

/** A batch of `site` with nothing in it but what `overrides` gives. */
export function emptyBatch(site: string, overrides: Partial<SiteBatch> = {}): SiteBatch {
  return {
    writer: 'test-batches',
    seq: ++seq,
    site,
    days: [],
    weeks: [],
    periods: [],
    pathLimit: { ...DEFAULT_PATH_LIMIT },
    online: new Map(),
    onlineSince: 0,
    rate: [],
    lastHit: 0,
    ...overrides,
  };
}
