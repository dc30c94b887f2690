/**
 * The periods an instant belongs to for one site — local day, hour, week, month and year — and
 * how long each period's figures and salts are kept. Retention rules live here and nowhere else.
 */
import { addDays, endOfDate, localInstant, monthOf, startOfDate, weekOf, yearOf } from './calendar.js';
import type { Site } from './site.js';

const DAY_MS = 86_400_000;
/** A period's HyperLogLog is needed only while hits may still arrive for it; its count is kept. */
export const SKETCH_RETENTION_MS = 2 * DAY_MS;
/** Week figures serve "this week" only; a margin covers late reads. */
export const WEEK_RETENTION_MS = 8 * DAY_MS;
/**
 * "Kept forever": day, month and year aggregates by default, and imported days always — the
 * store remembers each day's import so that a second import of the same file replaces it
 * instead of adding to all-time figures. One small row per day.
 */
export const FOREVER = Date.UTC(9999, 11, 31);
/** Salts die two days after their period ends (docs/api.md, "What the figures mean"): no id outlives that. */
export const SALT_RETENTION_MS = 2 * DAY_MS;

export interface SaltRef {
  /** `d:2026-11-27`, `w:2026-W48`, `m:2026-11` or `y:2026`. */
  period: string;
  expiresAt: number;
}

/** A local day and how long its figures are kept. */
export interface DayRef {
  date: string;
  keepUntil: number;
  sketchUntil: number;
}

/** A local week and how long its figures are kept. */
export interface WeekRef {
  label: string;
  keepUntil: number;
}

/** A local month or year and how long its figures and its sketch are kept. */
export interface PeriodRef {
  kind: 'month' | 'year';
  label: string;
  keepUntil: number;
  sketchUntil: number;
}

export interface Periods {
  day: DayRef;
  hour: number;
  /** The local date before `day`. */
  yesterday: string;
  week: WeekRef & { start: string };
  month: PeriodRef;
  year: PeriodRef;
  daySalt: SaltRef;
  weekSalt: SaltRef;
  monthSalt: SaltRef;
  yearSalt: SaltRef;
  /** Epoch ms at which the local day ends. */
  dayEnd: number;
}

/**
 * Computes the periods of `instant` for `site`. Period ends need time zone arithmetic, so the
 * last result per site is reused while the instant stays within the same local day.
 */
export class PeriodCalculator {
  private readonly last = new Map<string, { site: Site; periods: Periods }>();
  private readonly keptMs: number | undefined;

  /** `retentionDays`: days' (and months', years') figures kept that long after they end; 0 keeps them forever. */
  constructor(retentionDays = 0) {
    this.keptMs = retentionDays > 0 ? retentionDays * DAY_MS : undefined;
  }

  at(site: Site, instant: number): Periods {
    const { date, hour } = localInstant(instant, site.timezone);
    const cached = this.last.get(site.id);
    if (cached && cached.site === site && cached.periods.day.date === date && instant < cached.periods.dayEnd) {
      if (cached.periods.hour !== hour) cached.periods = { ...cached.periods, hour };
      return cached.periods;
    }
    const zone = site.timezone;
    const week = weekOf(date, site.weekStart);
    const dayEnd = endOfDate(date, zone);
    const weekEnd = startOfDate(addDays(week.start, 7), zone);
    const month = monthOf(date);
    const monthEnd = startOfDate(month.next, zone);
    const year = yearOf(date);
    const yearEnd = startOfDate(year.next, zone);
    const periods: Periods = {
      day: { date, keepUntil: this.keepUntil(dayEnd), sketchUntil: dayEnd + SKETCH_RETENTION_MS },
      hour,
      yesterday: addDays(date, -1),
      week: { label: week.label, start: week.start, keepUntil: weekEnd + WEEK_RETENTION_MS },
      month: { kind: 'month', label: month.label, keepUntil: this.keepUntil(monthEnd), sketchUntil: monthEnd + SKETCH_RETENTION_MS },
      year: { kind: 'year', label: year.label, keepUntil: this.keepUntil(yearEnd), sketchUntil: yearEnd + SKETCH_RETENTION_MS },
      daySalt: { period: `d:${date}`, expiresAt: dayEnd + SALT_RETENTION_MS },
      weekSalt: { period: `w:${week.label}`, expiresAt: weekEnd + SALT_RETENTION_MS },
      monthSalt: { period: `m:${month.label}`, expiresAt: monthEnd + SALT_RETENTION_MS },
      yearSalt: { period: `y:${year.label}`, expiresAt: yearEnd + SALT_RETENTION_MS },
      dayEnd,
    };
    this.last.set(site.id, { site, periods });
    return periods;
  }

  /** Forgets every remembered result, e.g. after site settings changed. */
  clear(): void {
    this.last.clear();
  }

  private keepUntil(end: number): number {
    return this.keptMs === undefined ? FOREVER : end + this.keptMs;
  }
}
