import { strict as assert } from 'node:assert';
import { endOfDate, isValidTimezone, localInstant, startOfDate, weekOf } from '../../src/counting/calendar.js';
import { PeriodCalculator } from '../../src/counting/periods.js';
import { describeIssues, siteSchema } from '../../src/counting/site.js';

const HOUR = 3_600_000;

describe('calendar', () => {
  describe('local date and hour of an instant', () => {
    const cases: Array<[string, string, string, number]> = [
      ['2026-11-27T23:30:00Z', 'Asia/Ho_Chi_Minh', '2026-11-28', 6],
      ['2026-11-27T16:59:59Z', 'Asia/Ho_Chi_Minh', '2026-11-27', 23],
      ['2026-11-27T17:00:00Z', 'Asia/Ho_Chi_Minh', '2026-11-28', 0],
      ['2026-11-27T23:30:00Z', 'UTC', '2026-11-27', 23],
      ['2026-11-28T03:00:00Z', 'America/New_York', '2026-11-27', 22],
      ['2026-12-31T23:00:00Z', 'Europe/Berlin', '2027-01-01', 0],
      ['2026-11-27T18:14:00Z', 'Asia/Kathmandu', '2026-11-27', 23],
      ['2026-11-27T18:15:00Z', 'Asia/Kathmandu', '2026-11-28', 0],
      ['2026-11-27T10:00:00Z', 'Pacific/Kiritimati', '2026-11-28', 0],
    ];
    for (const [instant, zone, date, hour] of cases) {
      it(`${instant} in ${zone} is ${date} ${hour}h`, () => {
        assert.deepEqual(localInstant(Date.parse(instant), zone), { date, hour });
      });
    }
  });

  describe('weeks', () => {
    const cases: Array<[string, 0 | 1 | 6, string, string]> = [
      ['2026-12-31', 1, '2026-W53', '2026-12-28'],
      ['2027-01-03', 1, '2026-W53', '2026-12-28'],
      ['2027-01-04', 1, '2027-W01', '2027-01-04'],
      ['2026-11-27', 1, '2026-W48', '2026-11-23'],
      ['2026-11-23', 1, '2026-W48', '2026-11-23'],
      ['2026-11-22', 1, '2026-W47', '2026-11-16'],
      ['2024-12-30', 1, '2025-W01', '2024-12-30'],
      ['2021-01-03', 1, '2020-W53', '2020-12-28'],
      ['2026-11-27', 0, '2026-11-22', '2026-11-22'],
      ['2026-11-22', 0, '2026-11-22', '2026-11-22'],
      ['2026-11-21', 0, '2026-11-15', '2026-11-15'],
      ['2026-11-27', 6, '2026-11-21', '2026-11-21'],
      ['2026-11-28', 6, '2026-11-28', '2026-11-28'],
      ['2027-01-01', 6, '2026-12-26', '2026-12-26'],
      ['2027-01-02', 0, '2026-12-27', '2026-12-27'],
    ];
    for (const [date, weekStart, label, start] of cases) {
      it(`${date} with weekStart ${weekStart} is in ${label}`, () => {
        assert.deepEqual(weekOf(date, weekStart), { label, start });
      });
    }
  });

  describe('day boundaries across DST changes', () => {
    const cases: Array<[string, string, string, number]> = [
      ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z', 23],
      ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z', 25],
      ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z', 23],
      ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z', 25],
      ['2026-11-27', 'Asia/Ho_Chi_Minh', '2026-11-26T17:00:00.000Z', 24],
      ['2026-11-27', 'Asia/Kathmandu', '2026-11-26T18:15:00.000Z', 24],
      ['2026-11-27', 'UTC', '2026-11-27T00:00:00.000Z', 24],
    ];
    for (const [date, zone, start, hours] of cases) {
      it(`${date} in ${zone} starts at ${start} and lasts ${hours} hours`, () => {
        assert.equal(new Date(startOfDate(date, zone)).toISOString(), start);
        assert.equal((endOfDate(date, zone) - startOfDate(date, zone)) / HOUR, hours);
      });
    }

    it('gives the repeated hour of a 25-hour day its local hour', () => {
      // 2026-11-01 in New York: 01:00–02:00 happens twice (05:00Z and 06:00Z).
      assert.equal(localInstant(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York').hour, 1);
      assert.equal(localInstant(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York').hour, 1);
      assert.equal(localInstant(Date.parse('2026-11-01T07:30:00Z'), 'America/New_York').hour, 2);
    });

    it('moves to the next day only at local midnight on DST days', () => {
      const calc = new PeriodCalculator();
      const site = siteSchema.parse({ id: 'berlin', timezone: 'Europe/Berlin' });
      const lastInstant = Date.parse('2026-10-25T22:59:59.999Z');
      assert.equal(calc.at(site, lastInstant).day.date, '2026-10-25');
      assert.equal(calc.at(site, lastInstant + 1).day.date, '2026-10-26');
      assert.equal(calc.at(site, lastInstant + 1).dayEnd, Date.parse('2026-10-26T23:00:00Z'));
    });
  });

  describe('months and years', () => {
    // [instant, zone, local date, month, year, when the month ends, when the year ends]
    const cases: Array<[string, string, string, string, string, string, string]> = [
      // November 2026 starts on different UTC days: 31 Oct 17:00Z in Ho Chi Minh, 1 Nov 04:00Z in New York.
      ['2026-10-31T17:00:00Z', 'Asia/Ho_Chi_Minh', '2026-11-01', '2026-11', '2026', '2026-11-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z'],
      ['2026-10-31T16:59:59Z', 'Asia/Ho_Chi_Minh', '2026-10-31', '2026-10', '2026', '2026-10-31T17:00:00.000Z', '2026-12-31T17:00:00.000Z'],
      ['2026-11-01T03:59:59Z', 'America/New_York', '2026-10-31', '2026-10', '2026', '2026-11-01T04:00:00.000Z', '2027-01-01T05:00:00.000Z'],
      // New York's November starts in EDT and ends in EST (the clocks go back on 1 Nov).
      ['2026-11-01T04:00:00Z', 'America/New_York', '2026-11-01', '2026-11', '2026', '2026-12-01T05:00:00.000Z', '2027-01-01T05:00:00.000Z'],
      // 31 Dec → 1 Jan: a new month and a new year at local midnight.
      ['2026-12-31T16:59:59Z', 'Asia/Ho_Chi_Minh', '2026-12-31', '2026-12', '2026', '2026-12-31T17:00:00.000Z', '2026-12-31T17:00:00.000Z'],
      ['2026-12-31T17:00:00Z', 'Asia/Ho_Chi_Minh', '2027-01-01', '2027-01', '2027', '2027-01-31T17:00:00.000Z', '2027-12-31T17:00:00.000Z'],
      ['2026-12-31T23:00:00Z', 'Europe/Berlin', '2027-01-01', '2027-01', '2027', '2027-01-31T23:00:00.000Z', '2027-12-31T23:00:00.000Z'],
      // A leap year's February has 29 days; March begins after the 29th.
      ['2028-02-29T12:00:00Z', 'UTC', '2028-02-29', '2028-02', '2028', '2028-03-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z'],
      ['2027-02-28T12:00:00Z', 'UTC', '2027-02-28', '2027-02', '2027', '2027-03-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z'],
      // Berlin's March ends in summer time (+02:00), its year in winter time (+01:00).
      ['2026-03-31T21:59:59Z', 'Europe/Berlin', '2026-03-31', '2026-03', '2026', '2026-03-31T22:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    ];
    for (const [instant, zone, date, month, year, monthEnd, yearEnd] of cases) {
      it(`${instant} in ${zone} is in ${month} and ${year}`, () => {
        const periods = new PeriodCalculator().at(siteSchema.parse({ id: 'zone', timezone: zone }), Date.parse(instant));
        assert.equal(periods.day.date, date);
        assert.equal(periods.month.label, month);
        assert.equal(periods.year.label, year);
        // Salts die two days after their period; the sketches too.
        assert.equal(new Date(periods.monthSalt.expiresAt - 2 * 24 * HOUR).toISOString(), monthEnd);
        assert.equal(new Date(periods.yearSalt.expiresAt - 2 * 24 * HOUR).toISOString(), yearEnd);
        assert.equal(periods.month.sketchUntil, periods.monthSalt.expiresAt);
        assert.deepEqual([periods.monthSalt.period, periods.yearSalt.period], [`m:${month}`, `y:${year}`]);
      });
    }

    it('gives yesterday across month and year ends', () => {
      const calc = new PeriodCalculator();
      const site = siteSchema.parse({ id: 'hcmc', timezone: 'Asia/Ho_Chi_Minh' });
      assert.equal(calc.at(site, Date.parse('2027-01-01T05:00:00Z')).yesterday, '2026-12-31');
      assert.equal(calc.at(site, Date.parse('2028-03-01T05:00:00Z')).yesterday, '2028-02-29');
    });
  });

  describe('time zone names', () => {
    it('knows IANA names and refuses others', () => {
      for (const zone of ['UTC', 'Asia/Ho_Chi_Minh', 'America/New_York', 'Europe/Berlin']) assert.ok(isValidTimezone(zone), zone);
      for (const zone of ['Mars/Olympus', 'GMT+25', '', 'Asia/Hanoi City']) assert.ok(!isValidTimezone(zone), zone);
    });

    it('refuses an invalid time zone when a site is saved, naming the field', () => {
      const result = siteSchema.safeParse({ id: 'long-huu', timezone: 'Asia/Saigon City' });
      assert.ok(!result.success);
      assert.match(describeIssues(result.error), /^timezone: is not an IANA time zone name/);
    });
  });
});
