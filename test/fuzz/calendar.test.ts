/**
 * Property tests of the calendar (`src/counting/calendar.ts`) over random instants and dates from
 * 1970 to 2100 in every IANA zone this runtime knows, checked against an independent reading of
 * the local clock (`Intl.DateTimeFormat` to the second) and an independent ISO week computation.
 *
 * What real zones do, and is allowed here: days of 23 and 25 hours (DST), 23.5 / 24.5 (Lord Howe,
 * Caracas, Pyongyang), 22 / 26 (Troll, Argentina 1991), 21 / 27 (Casey), 17 / 31 (Vostok 1994),
 * 23.75 (Kathmandu 1986) and dates that never happened (Apia and Fakaofo 2011-12-30, Kiribati
 * 1994-12-31). One thing is knowingly left out (a pending test says so): the calendar works in
 * 15-minute steps, and two zones had offsets that are not whole quarter hours until 1972 and 1979.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { endOfDate, localInstant, startOfDate, weekOf } from '../../src/counting/calendar.js';
import { PeriodCalculator } from '../../src/counting/periods.js';
import { siteSchema } from '../../src/counting/site.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const QUARTER_HOUR = 900_000;
const FROM = Date.UTC(1970, 0, 1);
const TO = Date.UTC(2100, 11, 31, 23, 59, 59, 999);
/**
 * Every zone `Intl` lists (ICU's names: `Asia/Saigon`, `Asia/Katmandu`…), and the current IANA
 * names sites are configured with, which `Intl` accepts as aliases.
 */
const ZONES = [
  ...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'Asia/Kolkata', 'Europe/Kyiv', 'Pacific/Kanton', 'America/Nuuk']),
];

/**
 * Every length a local day has had since 1970, in hours, from a scan of all transitions of all
 * zones 1970–2100 in this runtime's tz data (days that never happened last 0 and are handled
 * apart). E.g. 17 and 31: Antarctica/Vostok 1994; 21 and 27: Antarctica/Casey 2009–2019; 22.5:
 * America/Montevideo 1974; 23.25: America/Guyana 1975; 23.75: Asia/Kathmandu 1986.
 */
const REAL_DAY_HOURS = new Set([17, 21, 22, 22.5, 23, 23.25, 23.5, 23.75, 24, 24.5, 25, 26, 27, 31]);

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The local wall clock of `instant` in `zone`, read independently of calendar.ts. */
function wall(instant: number, zone: string): { date: string; hour: number; offset: number } {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(zone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(instant)) part[type] = Number(value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = part;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { date, hour, offset: asUtc - (instant - (((instant % 1000) + 1000) % 1000)) };
}

/** `date` ± `days`, computed with Date (not calendar.ts). */
function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * True when the zone's offset around `instant` is not a whole number of quarter hours
 * (Africa/Monrovia until 1972, Pacific/Kiritimati until 1979): outside what the calendar handles.
 */
function offQuarterHour(instant: number, zone: string): boolean {
  return [instant - 2 * DAY, instant - DAY, instant, instant + DAY, instant + 2 * DAY].some((at) => wall(at, zone).offset % QUARTER_HOUR !== 0);
}

/** The first instant in [from, to) at which `zone` changes its UTC offset, if any (found by bisection, to the ms). */
function firstChange(zone: string, from: number, to: number): number | undefined {
  const step = 7 * DAY;
  let before = wall(from, zone).offset;
  for (let at = from + step; at < to + step; at += step) {
    const probe = Math.min(at, to);
    if (wall(probe, zone).offset === before) continue;
    let low = probe - step;
    let high = probe;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (wall(middle, zone).offset === before) low = middle;
      else high = middle;
    }
    return high;
  }
  return undefined;
}

/** ISO week label of a civil date, by the "week 1 holds 4 January" rule (not calendar.ts' Thursday rule). */
function isoWeekLabel(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  const mondayOfWeekOne = (year: number) => {
    const jan4 = Date.UTC(year, 0, 4);
    return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  };
  let year = new Date(t).getUTCFullYear() + 1;
  while (mondayOfWeekOne(year) > t) year -= 1;
  const week = Math.floor((t - mondayOfWeekOne(year)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Years with an ISO week 53: 1 January on a Thursday, or on a Wednesday in a leap year. */
function hasWeek53(year: number): boolean {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3);
}

const zones = fc.constantFrom(...ZONES);
const instants = fc.integer({ min: FROM, max: TO });
const dates = fc.integer({ min: 0, max: Math.floor(TO / DAY) }).map((day) => new Date(day * DAY).toISOString().slice(0, 10));
const RUNS = { numRuns: 1_500 };

describe('fuzz: the calendar in every zone, 1970–2100', () => {
  it(`knows ${ZONES.length} zones`, () => {
    assert.ok(ZONES.length > 300);
    for (const zone of ['Asia/Saigon', 'Australia/Lord_Howe', 'Pacific/Apia', 'Antarctica/Troll', 'Antarctica/Casey', 'Pacific/Fakaofo']) {
      assert.ok(Intl.supportedValuesOf('timeZone').includes(zone), zone);
    }
  });

  it('gives the local date and hour of any instant, also when asked about nearby instants in turn', () => {
    // A base instant and steps around it: the calendar remembers one 15-minute bucket per zone.
    const steps = fc.array(fc.integer({ min: -3 * HOUR, max: 3 * HOUR }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(instants, zones, steps, (base, zone, deltas) => {
        fc.pre(!offQuarterHour(base, zone));
        for (const at of [base, ...deltas.map((delta) => base + delta)]) {
          const expected = wall(at, zone);
          assert.deepEqual(localInstant(at, zone), { date: expected.date, hour: expected.hour }, `${new Date(at).toISOString()} in ${zone}`);
        }
      }),
      RUNS,
    );
  });

  it('places every instant in [startOfDate, endOfDate) of its date, and those are the exact local midnights', () => {
    fc.assert(
      fc.property(instants, zones, (at, zone) => {
        fc.pre(!offQuarterHour(at, zone));
        const { date } = wall(at, zone);
        const start = startOfDate(date, zone);
        const end = endOfDate(date, zone);
        const where = `${date} in ${zone} (${new Date(start).toISOString()} – ${new Date(end).toISOString()})`;
        assert.ok(start <= at && at < end, `${new Date(at).toISOString()} outside ${where}`);
        assert.equal(wall(start, zone).date, date, `start is on the date: ${where}`);
        assert.ok(wall(start - 1, zone).date < date, `the instant before the start is on an earlier date: ${where}`);
        assert.equal(wall(end - 1, zone).date, date, `the last instant is on the date: ${where}`);
        assert.ok(wall(end, zone).date > date, `the end is on a later date: ${where}`);
        const hours = (end - start) / HOUR;
        assert.ok(REAL_DAY_HOURS.has(hours), `${where} lasts ${hours} h`);
      }),
      RUNS,
    );
  });

  it('dates instants right around the clock changes of any zone and year (DST and offset changes)', () => {
    const around = fc.array(fc.oneof(fc.constantFrom(0, -1, 1, -60_000, 60_000, -QUARTER_HOUR, QUARTER_HOUR, -HOUR, HOUR), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })), {
      minLength: 1,
      maxLength: 10,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2100 }), zones, around, (year, zone, deltas) => {
        const change = firstChange(zone, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
        // Changes not on a quarter hour are the next test's business.
        fc.pre(change !== undefined && change % QUARTER_HOUR === 0 && !offQuarterHour(change, zone));
        // A change that sets the clock back across midnight makes a date happen twice (Casey
        // 2010-03-05 began at 13:00Z, broke off at 15:00Z back to the 4th, began again at 16:00Z):
        // no single [start, end) holds both; 'dates a date that happens twice…' below pins that case.
        fc.pre(wall(change - 1, zone).date <= wall(change, zone).date);
        for (const at of deltas.map((delta) => change + delta)) {
          const expected = wall(at, zone);
          assert.deepEqual(localInstant(at, zone), { date: expected.date, hour: expected.hour }, `${new Date(at).toISOString()} in ${zone}`);
          assert.ok(startOfDate(expected.date, zone) <= at && at < endOfDate(expected.date, zone), `${new Date(at).toISOString()} in ${zone}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('dates instants right after a clock change that is not on a quarter hour (St. John\'s, Gaza, Casey)', () => {
    // Until 2011 Newfoundland and Palestine, and Casey station until 2022, changed clocks at 00:01
    // local time. The calendar remembers one result per zone per 15-minute bucket, so it keeps
    // answering the time before the change for the rest of the bucket: in St. John's on
    // 2010-11-07 it dated 02:31–02:44Z (23:01–23:14 on the 6th, after falling back) the 7th.
    const cases: Array<[zone: string, change: string, after: { date: string; hour: number }]> = [
      ['America/St_Johns', '2010-11-07T02:31:00Z', { date: '2010-11-06', hour: 23 }],
      ['America/St_Johns', '2010-03-14T03:31:00Z', { date: '2010-03-14', hour: 1 }],
      ['Asia/Gaza', '2010-03-26T22:01:00Z', { date: '2010-03-27', hour: 1 }],
      ['Antarctica/Casey', '2022-10-01T16:01:00Z', { date: '2022-10-02', hour: 3 }],
    ];
    const wrong: string[] = [];
    for (const [zone, change, after] of cases) {
      const at = Date.parse(change);
      assert.deepEqual({ date: wall(at + 30_000, zone).date, hour: wall(at + 30_000, zone).hour }, after, `the case itself: ${zone} ${change}`);
      localInstant(at - 30_000, zone);
      const answer = localInstant(at + 30_000, zone);
      if (answer.date !== after.date || answer.hour !== after.hour) wrong.push(`${zone} 30 s after ${change}: ${JSON.stringify(answer)}, is ${JSON.stringify(after)}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('dates a date that happens twice by the wall clock as the wall clock does (Casey, 2010-03-05)', () => {
    // Casey set its clocks back from UTC+11 to UTC+8 at 2010-03-04T15:00Z, 02:00 local on the
    // 5th: 13:00–15:00Z was already the 5th, 15:00–16:00Z the 4th again, then the 5th for good.
    const zone = 'Antarctica/Casey';
    for (const iso of ['2010-03-04T13:00:00Z', '2010-03-04T14:45:00Z', '2010-03-04T15:00:00Z', '2010-03-04T15:59:00Z', '2010-03-04T16:00:00Z']) {
      const at = Date.parse(iso);
      const expected = wall(at, zone);
      assert.deepEqual(localInstant(at, zone), { date: expected.date, hour: expected.hour }, iso);
    }
    // The date's start is where it begins for good: its first stretch is dated right, and counted into it.
    assert.equal(new Date(startOfDate('2010-03-05', zone)).toISOString(), '2010-03-04T16:00:00.000Z');
    assert.equal(new Date(endOfDate('2010-03-04', zone)).toISOString(), '2010-03-04T16:00:00.000Z');
  });

  it('chains days: each ends where the next existing date starts, and a date that never happened lasts 0', () => {
    fc.assert(
      fc.property(dates, zones, (date, zone) => {
        const start = startOfDate(date, zone);
        fc.pre(!offQuarterHour(start, zone));
        const end = endOfDate(date, zone);
        assert.equal(end, startOfDate(shift(date, 1), zone));
        if (end === start) {
          // Skipped: no instant is on this date (the clock jumped from the day before to the day after).
          assert.ok(wall(start - 1, zone).date < date && wall(start, zone).date > date, `${date} in ${zone} is said to be skipped`);
          return;
        }
        const next = wall(end, zone).date;
        if (next !== shift(date, 1)) {
          // The dates in between never happened: each lasts 0 and starts where this one ends.
          for (let skipped = shift(date, 1); skipped < next; skipped = shift(skipped, 1)) {
            assert.equal(startOfDate(skipped, zone), end, `${skipped} in ${zone} was skipped`);
            assert.equal(endOfDate(skipped, zone), end);
          }
        }
      }),
      RUNS,
    );
  });

  it('handles the days real zones really had', () => {
    const length = (date: string, zone: string) => (endOfDate(date, zone) - startOfDate(date, zone)) / HOUR;
    assert.equal(length('2026-04-05', 'Australia/Lord_Howe'), 24.5);
    assert.equal(length('2026-10-04', 'Australia/Lord_Howe'), 23.5);
    assert.equal(length('2026-03-29', 'Antarctica/Troll'), 22);
    assert.equal(length('2026-10-25', 'Antarctica/Troll'), 26);
    assert.equal(length('1986-01-01', 'Asia/Kathmandu'), 23.75);
    assert.equal(length('2011-12-29', 'Pacific/Apia'), 24);
    assert.equal(length('2011-12-30', 'Pacific/Apia'), 0);
    assert.equal(localInstant(Date.parse('2011-12-30T10:00:00Z'), 'Pacific/Apia').date, '2011-12-31');
    assert.equal(length('1994-12-31', 'Pacific/Kiritimati'), 0);
  });

  it('puts every instant in the month and year of its local date, each ending at the exact local midnight that starts the next', () => {
    const calculator = new PeriodCalculator();
    fc.assert(
      fc.property(instants, zones, (at, zone) => {
        fc.pre(!offQuarterHour(at, zone));
        const { date } = wall(at, zone);
        const periods = calculator.at(siteSchema.parse({ id: 'fuzz', timezone: zone }), at);
        fc.pre(periods.day.date === date);
        assert.equal(periods.month.label, date.slice(0, 7), `${new Date(at).toISOString()} in ${zone}`);
        assert.equal(periods.year.label, date.slice(0, 4));
        for (const [end, label] of [[periods.monthSalt.expiresAt - 2 * DAY, periods.month.label], [periods.yearSalt.expiresAt - 2 * DAY, periods.year.label]] as const) {
          const where = `${label} in ${zone} ends ${new Date(end).toISOString()}`;
          assert.ok(end > at, where);
          fc.pre(!offQuarterHour(end, zone));
          // The first instant after the period is on a later date, outside it; the one before is inside it.
          assert.ok(!wall(end, zone).date.startsWith(label) && wall(end, zone).date > date, where);
          assert.ok(wall(end - 1, zone).date.startsWith(label), where);
        }
      }),
      RUNS,
    );
  });

  it('puts every date in a week that starts 0–6 days before it on the site\'s week start, labelled as ISO or by its start', () => {
    fc.assert(
      fc.property(dates, fc.constantFrom<0 | 1 | 6>(0, 1, 6), (date, weekStart) => {
        const week = weekOf(date, weekStart);
        const back = (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${week.start}T00:00:00Z`)) / DAY;
        assert.ok(Number.isInteger(back) && back >= 0 && back <= 6, `${date}: week starts ${week.start}`);
        assert.equal(new Date(`${week.start}T00:00:00Z`).getUTCDay(), weekStart);
        if (weekStart !== 1) {
          assert.equal(week.label, week.start);
          return;
        }
        const label = isoWeekLabel(date);
        assert.equal(week.label, label, date);
        const [year, number] = [Number(label.slice(0, 4)), Number(label.slice(6))];
        assert.ok(number >= 1 && number <= (hasWeek53(year) ? 53 : 52), label);
      }),
      { numRuns: 5_000 },
    );
  });

  it('holds the calendar\'s premise in the years footfall counts: every offset since 1980 is whole quarter hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1980, 0, 1), max: TO }), zones, (at, zone) => {
        const { offset } = wall(at, zone);
        assert.ok(offset % QUARTER_HOUR === 0, `${zone} at ${new Date(at).toISOString()}: UTC${offset / 60_000} min`);
      }),
      RUNS,
    );
  });

  // Known limitation, not a bug of today's counts: local midnight in Africa/Monrovia (UTC−0:44:30)
  // until 1972-01-07 and Pacific/Kiritimati (UTC−10:40) until 1979-10-01 does not fall on a
  // quarter hour, so startOfDate is up to 14 minutes late and localInstant can name the previous
  // date for up to 14 minutes after midnight. footfall only dates instants of its own clock.
  it.skip('finds exact midnights where the offset was not whole quarter hours (Monrovia 1971, Kiritimati 1975)', () => {
    for (const [date, zone, midnight] of [
      ['1971-06-10', 'Africa/Monrovia', '1971-06-10T00:44:30Z'],
      ['1975-06-10', 'Pacific/Kiritimati', '1975-06-10T10:40:00Z'],
    ] as const) {
      assert.equal(startOfDate(date, zone), Date.parse(midnight));
      assert.equal(localInstant(Date.parse(midnight) - 1000, zone).date, shift(date, -1));
    }
  });
});
