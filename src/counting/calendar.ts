/**
 * A site's calendar: which local day, hour and week an instant falls in, and when those
 * periods begin and end, in the site's IANA time zone. Correct across DST changes (days of 23
 * and 25 hours) and year ends (ISO weeks such as 2026-W53).
 */
/** The day a site's weeks start on: 1 Monday (ISO), 0 Sunday, 6 Saturday. */
export type WeekStart = 0 | 1 | 6;

const DAY_MS = 86_400_000;
/**
 * Local time is constant within a UTC minute: offsets and their changes fall on whole minutes
 * (not always on quarter hours: St. John's changed at 00:01 local time until 2011).
 */
const BUCKET_MS = 60_000;

export interface LocalInstant {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  /** Local hour, 0–23. */
  hour: number;
}

export interface Week {
  /** `2026-W53` when the week starts on Monday (ISO), else the date of its first day. */
  label: string;
  /** Local date of the week's first day. */
  start: string;
}

/** True when `timezone` is an IANA zone name this runtime knows. */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

interface ZoneClock {
  format: Intl.DateTimeFormat;
  bucket: number;
  last: LocalInstant;
}

const clocks = new Map<string, ZoneClock>();

function zoneClock(timezone: string): ZoneClock {
  let clock = clocks.get(timezone);
  if (!clock) {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    });
    clock = { format, bucket: Number.NaN, last: { date: '', hour: 0 } };
    clocks.set(timezone, clock);
  }
  return clock;
}

/** The local date and hour of `instant` (epoch ms) in `timezone`. */
export function localInstant(instant: number, timezone: string): LocalInstant {
  const clock = zoneClock(timezone);
  // Formatting is the slow part and hits arrive in bursts, so one bucket is remembered per zone.
  const bucket = Math.floor(instant / BUCKET_MS);
  if (bucket !== clock.bucket) {
    const parts = clock.format.formatToParts(instant);
    const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
    clock.last = { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
    clock.bucket = bucket;
  }
  return clock.last;
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a date `YYYY-MM-DD` that exists: not 2026-13-01, nor 2026-02-30. */
export function isRealDate(value: string): boolean {
  return DATE_SHAPE.test(value) && dateOfDay(dayNumber(value)) === value;
}

/** Days since 1970-01-01 of a civil date `YYYY-MM-DD`. */
export function dayNumber(date: string): number {
  return Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS);
}

/** The civil date `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `date` moved by `days` (negative goes back). */
export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date) + days);
}

/** 0 Sunday … 6 Saturday. */
function weekday(day: number): number {
  return (day + 4) % 7; // 1970-01-01 was a Thursday
}

/** The week a local date belongs to, for a site whose weeks start on `weekStart`. */
export function weekOf(date: string, weekStart: WeekStart): Week {
  const day = dayNumber(date);
  const startDay = day - ((weekday(day) - weekStart + 7) % 7);
  const start = dateOfDay(startDay);
  if (weekStart !== 1) return { label: start, start };
  // ISO: the week belongs to the year of its Thursday.
  const thursday = dateOfDay(startDay + 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((dayNumber(thursday) - dayNumber(`${year}-01-01`)) / 7) + 1;
  return { label: `${year}-W${String(week).padStart(2, '0')}`, start };
}

const minuteFormats = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `timezone` at `instant`, in ms (local wall time = UTC + offset). */
function offsetAt(instant: number, timezone: string): number {
  let format = minuteFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    minuteFormats.set(timezone, format);
  }
  const value: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) value[part.type] = Number(part.value);
  const wall = Date.UTC(value.year ?? 0, (value.month ?? 1) - 1, value.day ?? 1, value.hour ?? 0, value.minute ?? 0);
  return wall - (instant - (instant % 60_000));
}

/**
 * The first instant (epoch ms) of local date `date` in `timezone`. Where a DST change skips
 * midnight, the day starts at the first local time that exists.
 */
export function startOfDate(date: string, timezone: string): number {
  const midnightUtc = dayNumber(date) * DAY_MS;
  let guess = midnightUtc - offsetAt(midnightUtc, timezone);
  guess = midnightUtc - offsetAt(guess, timezone);
  // Walk back while the previous bucket is still the same date (offset changed near midnight).
  while (localInstant(guess - BUCKET_MS, timezone).date === date) guess -= BUCKET_MS;
  while (localInstant(guess, timezone).date < date) guess += BUCKET_MS;
  return guess;
}

/** The first instant after local date `date` ends. */
export function endOfDate(date: string, timezone: string): number {
  return startOfDate(addDays(date, 1), timezone);
}

/** The first instant after the week starting on `weekStartDate` ends. */
export function endOfWeek(weekStartDate: string, timezone: string): number {
  return startOfDate(addDays(weekStartDate, 7), timezone);
}

/** A calendar month or year: `2026-11` / `2026`, its first date and the first date after it. */
export interface CalendarPeriod {
  label: string;
  start: string;
  next: string;
}

/** The month a local date belongs to. */
export function monthOf(date: string): CalendarPeriod {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const next = month === 12 ? `${pad(year + 1, 4)}-01-01` : `${pad(year, 4)}-${pad(month + 1, 2)}-01`;
  return { label: date.slice(0, 7), start: `${date.slice(0, 7)}-01`, next };
}

/** The year a local date belongs to. */
export function yearOf(date: string): CalendarPeriod {
  const year = date.slice(0, 4);
  return { label: year, start: `${year}-01-01`, next: `${pad(Number(year) + 1, 4)}-01-01` };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
