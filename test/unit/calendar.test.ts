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
