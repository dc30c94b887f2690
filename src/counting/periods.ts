/**
 * The periods an instant belongs to for one site — local day, hour and week — and how long
 * each period's data and salts are kept. Retention rules live here and nowhere else.
 */
import { endOfDate, endOfWeek, localInstant, weekOf } from './calendar.js';
import type { DayRef, WeekRef } from './pending-batch.js';
import type { Site } from './site.js';

const DAY_MS = 86_400_000;
/** Day figures are history: kept at least 400 days, as the admin API promises. */
export const DAY_RETENTION_MS = 410 * DAY_MS;
/** A day's HyperLogLog is needed only while hits may still arrive for it. */
export const SKETCH_RETENTION_MS = 2 * DAY_MS;
/** Week figures serve "this week" only; a margin covers late reads. */
export const WEEK_RETENTION_MS = 8 * DAY_MS;
/**
 * Imported days are kept as long as the site: the store remembers each day's import so that a
 * second import of the same file replaces it instead of adding to all-time figures, and a day
 * dropped after the usual 400 days would be counted again. One small row per day.
 */
export const IMPORTED_DAY_KEEP_UNTIL = Date.UTC(9999, 11, 31);
/** Salts die two days after their period ends, as documented: no id outlives that. */
export const SALT_RETENTION_MS = 2 * DAY_MS;

export interface SaltRef {
  /** `d:2026-11-27` or `w:2026-W48`. */
  period: string;
  expiresAt: number;
}

export interface Periods {
  day: DayRef;
  hour: number;
  week: WeekRef & { start: string };
  daySalt: SaltRef;
  weekSalt: SaltRef;
  /** Epoch ms at which the local day ends. */
  dayEnd: number;
}

/**
 * Computes the periods of `instant` for `site`. Day and week ends need time zone arithmetic, so
 * the last result per site is reused while the instant stays within the same local day.
 */
export class PeriodCalculator {
  private readonly last = new Map<string, { site: Site; periods: Periods }>();

  at(site: Site, instant: number): Periods {
    const { date, hour } = localInstant(instant, site.timezone);
    const cached = this.last.get(site.id);
    if (cached && cached.site === site && cached.periods.day.date === date && instant < cached.periods.dayEnd) {
      if (cached.periods.hour !== hour) cached.periods = { ...cached.periods, hour };
      return cached.periods;
    }
    const week = weekOf(date, site.weekStart);
    const dayEnd = endOfDate(date, site.timezone);
    const weekEnd = endOfWeek(week.start, site.timezone);
    const periods: Periods = {
      day: { date, keepUntil: dayEnd + DAY_RETENTION_MS, sketchUntil: dayEnd + SKETCH_RETENTION_MS },
      hour,
      week: { label: week.label, start: week.start, keepUntil: weekEnd + WEEK_RETENTION_MS },
      daySalt: { period: `d:${date}`, expiresAt: dayEnd + SALT_RETENTION_MS },
      weekSalt: { period: `w:${week.label}`, expiresAt: weekEnd + SALT_RETENTION_MS },
      dayEnd,
    };
    this.last.set(site.id, { site, periods });
    return periods;
  }

  /** Forgets every remembered result, e.g. after site settings changed. */
  clear(): void {
    this.last.clear();
  }
}
