/**
 * Salts die two days after their period: the expiry a counter asks the store for is exactly the
 * end of the local day (or week) in the site's zone plus 2 × 24 h — across DST days and for every
 * week start — and after that instant the store no longer returns the salt (memory and SQLite
 * after `prune`, Redis by the key's own expiry). On SQLite the deleted salt must not stay
 * readable in the file either: a salt that can be read back re-identifies every visitor of its
 * period by hashing guessed IPs and User-Agents.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseStoreUrl } from '../../src/config/store-url.js';
import type { WeekStart } from '../../src/counting/calendar.js';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import { siteKeys } from '../../src/store/redis/keys.js';
import type { Store } from '../../src/store/store.js';
import { ManualClock, addSite, siteId, testCounter, visitor } from '../support/counting.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';

const HOUR = 3_600_000;
const TWO_DAYS = 48 * HOUR;

interface SaltCase {
  name: string;
  timezone: string;
  weekStart: WeekStart;
  /** The instant of the hit. */
  at: string;
  /** Period → the instant it ends (independently worked out, see each case). */
  ends: Record<string, string>;
}

// Dates in 2031, so that Redis (which runs on the real clock) keeps them while the test runs.
const CASES: SaltCase[] = [
  {
    // Thursday; UTC+7 all year: the day ends at 17:00Z, ISO week 48 (Mon 24 Nov) ends Sun 30 Nov 17:00Z,
    // as does November (1 Dec 00:00 local); the year ends 1 Jan 2032 00:00 local, 31 Dec 17:00Z.
    name: 'Asia/Ho_Chi_Minh, ISO weeks',
    timezone: 'Asia/Ho_Chi_Minh',
    weekStart: 1,
    at: '2031-11-27T10:00:00Z',
    ends: { 'd:2031-11-27': '2031-11-27T17:00:00Z', 'w:2031-W48': '2031-11-30T17:00:00Z', 'm:2031-11': '2031-11-30T17:00:00Z', 'y:2031': '2031-12-31T17:00:00Z' },
  },
  {
    // Weeks from Saturday: Thursday 27 Nov is in the week of Sat 22 Nov, which ends Fri 28 Nov 17:00Z.
    name: 'Asia/Ho_Chi_Minh, weeks from Saturday',
    timezone: 'Asia/Ho_Chi_Minh',
    weekStart: 6,
    at: '2031-11-27T10:00:00Z',
    ends: { 'd:2031-11-27': '2031-11-27T17:00:00Z', 'w:2031-11-22': '2031-11-28T17:00:00Z', 'm:2031-11': '2031-11-30T17:00:00Z', 'y:2031': '2031-12-31T17:00:00Z' },
  },
  {
    // Sunday 2 Nov 2031 is the 25-hour day (EDT → EST at 06:00Z); the next midnight is EST (05:00Z),
    // and so are those that end November (1 Dec) and the year (1 Jan 2032).
    name: 'America/New_York on its 25-hour day, weeks from Sunday',
    timezone: 'America/New_York',
    weekStart: 0,
    at: '2031-11-02T12:00:00Z',
    ends: { 'd:2031-11-02': '2031-11-03T05:00:00Z', 'w:2031-11-02': '2031-11-09T05:00:00Z', 'm:2031-11': '2031-12-01T05:00:00Z', 'y:2031': '2032-01-01T05:00:00Z' },
  },
  {
    // Sunday 30 Mar 2031 is the 23-hour day (CET → CEST); it and ISO week 13 end at 00:00 CEST = 22:00Z,
    // March on 1 Apr 00:00 CEST (31 Mar 22:00Z), the year on 1 Jan 2032 00:00 CET (31 Dec 23:00Z).
    name: 'Europe/Berlin on its 23-hour day, ISO weeks',
    timezone: 'Europe/Berlin',
    weekStart: 1,
    at: '2031-03-30T10:00:00Z',
    ends: { 'd:2031-03-30': '2031-03-30T22:00:00Z', 'w:2031-W13': '2031-03-30T22:00:00Z', 'm:2031-03': '2031-03-31T22:00:00Z', 'y:2031': '2031-12-31T23:00:00Z' },
  },
];

/** The salts the counter asked for: period → expiry, as the store exports them. */
async function saltsOf(store: Store, site: string): Promise<Map<string, { salt: string; expiresAt: number }>> {
  const dump = await store.exportSite(site);
  assert.ok(dump, `site ${site} exported`);
  return new Map(dump.salts.map((salt) => [salt.period, { salt: salt.salt, expiresAt: salt.expiresAt }]));
}

/** Counts one hit at `testCase.at` through a counter over `store`; returns the site id. */
async function hitAt(store: Store, clock: ManualClock, testCase: SaltCase): Promise<string> {
  clock.now = Date.parse(testCase.at);
  const counter = testCounter(store, clock);
  const site = await addSite(counter, siteId('salt'), { timezone: testCase.timezone, weekStart: testCase.weekStart });
  await counter.recordHit(site, '/tin-tuc', visitor(1));
  await counter.flush();
  return site.id;
}

function expectedExpiries(testCase: SaltCase): Map<string, number> {
  return new Map(Object.entries(testCase.ends).map(([period, end]) => [period, Date.parse(end) + TWO_DAYS]));
}

describe('privacy: salts are deleted two days after their period', function () {
  this.timeout(30_000);
  const log = createLogger('silent');

  for (const kind of ['memory', 'sqlite'] as const) {
    describe(`${kind} store`, () => {
      let dir: string;
      let file: string;
      let store: Store;
      let clock: ManualClock;

      beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'footfall-salts-'));
        file = path.join(dir, 'footfall.db');
        clock = new ManualClock(0);
        const url = parseStoreUrl(kind === 'memory' ? 'memory:' : `sqlite:${file}`);
        if (typeof url === 'string') throw new Error(url);
        store = await createStore(url, { log, clock: clock.read });
      });
      afterEach(async () => {
        await store?.close();
        await rm(dir, { recursive: true, force: true });
      });

      for (const testCase of CASES) {
        it(`asks for period end + 48 h and stops returning the salt after it: ${testCase.name}`, async () => {
          const site = await hitAt(store, clock, testCase);
          const expected = expectedExpiries(testCase);
          const salts = await saltsOf(store, site);
          assert.deepEqual(new Map([...salts].map(([period, { expiresAt }]) => [period, expiresAt])), expected);

          const original = new Map([...salts].map(([period, { salt }]) => [period, salt]));
          for (const expiry of [...new Set(expected.values())].sort((a, b) => a - b)) {
            clock.now = expiry - 1;
            await store.prune(clock.now);
            const before = await saltsOf(store, site);
            for (const [period, expiresAt] of expected) {
              if (expiresAt >= expiry) assert.equal(before.get(period)?.salt, original.get(period), `${period} kept until ${new Date(expiresAt).toISOString()}`);
            }
            clock.now = expiry + 1;
            await store.prune(clock.now);
            const after = await saltsOf(store, site);
            for (const [period, expiresAt] of expected) {
              if (expiresAt < expiry) continue; // gone earlier, and handed out anew since
              if (expiresAt === expiry) {
                assert.equal(after.has(period), false, `${period} gone after ${new Date(expiresAt).toISOString()}`);
                const again = await store.getOrCreateSalt(site, period, `new-${period}`, expiresAt + TWO_DAYS);
                assert.equal(again, `new-${period}`, `${period}: the old salt is not handed out again`);
              } else {
                assert.equal(after.get(period)?.salt, original.get(period), `${period} still kept`);
              }
            }
          }
        });
      }

      if (kind === 'sqlite') {
        it('leaves no readable copy of a deleted salt in the SQLite file', async () => {
          const testCase = CASES[0]!;
          const site = await hitAt(store, clock, testCase);
          const salts = [...(await saltsOf(store, site)).values()].map(({ salt }) => salt);
          assert.equal(salts.length, 4);
          clock.now = Math.max(...expectedExpiries(testCase).values()) + 1;
          await store.prune(clock.now);
          await store.close();
          const files = [file, `${file}-wal`].filter((name) => existsSync(name));
          for (const name of files) {
            const bytes = readFileSync(name);
            for (const salt of salts) assert.equal(bytes.includes(salt), false, `a deleted salt is still readable in ${path.basename(name)}`);
          }
        });
      }
    });
  }

  describe('redis store', () => {
    let redis: RedisProcess;
    let store: Store;

    before(async () => {
      redis = await startRedis();
      const url = parseStoreUrl(redis.url);
      if (typeof url === 'string') throw new Error(url);
      store = await createStore(url, { log });
    });
    after(async () => {
      await store?.close();
      await redis?.stop();
    });

    for (const testCase of CASES) {
      it(`sets each salt key to expire exactly at period end + 48 h: ${testCase.name}`, async () => {
        const site = await hitAt(store, new ManualClock(0), testCase);
        const expected = expectedExpiries(testCase);
        const salts = await saltsOf(store, site);
        assert.deepEqual(new Map([...salts].map(([period, { expiresAt }]) => [period, expiresAt])), expected);
        for (const [period, expiresAt] of expected) {
          assert.equal(Number(await redis.cli('PEXPIRETIME', siteKeys(site).salt(period))), expiresAt, period);
        }
        assert.ok(Number(await redis.cli('PEXPIRETIME', siteKeys(site).salts)) > 0, 'the salts index expires too');
      });
    }
  });
});
