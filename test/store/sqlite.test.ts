/**
 * What only the SQLite backend promises, on real files: figures survive a restart and a killed
 * process, a file that is not footfall's (or is damaged) is refused and left byte for byte as it
 * was, a graceful stop writes every accepted hit, and every answer matches the memory store.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open as openFile, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Counter } from '../../src/counting/counter.js';
import { siteSchema, type Site } from '../../src/counting/site.js';
import { StartupError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { DayDelta, ImportedDay, RefusalReason, SiteBatch, SiteDump, Store } from '../../src/store/store.js';
import { spawnTracked, stopChild } from '../support/child-processes.js';
import { ManualClock, addSite, testCounter, visitor } from '../support/counting.js';
import { importedDays } from '../support/store-shapes.js';

const DAY = 24 * 3_600_000;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WRITER = fileURLToPath(new URL('./fixtures/sqlite-writer.ts', import.meta.url));
const log = createLogger('silent');

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

describe('sqlite store', function () {
  this.timeout(20_000);
  let dir = '';
  const opened: Store[] = [];
  async function open(file: string, clock?: ManualClock): Promise<Store> {
    const store = await openSqliteStore(file, { log, clock: clock?.read });
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-sqlite-test-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await rm(dir, { recursive: true, force: true });
  });

  /** A real footfall file with a few days of figures on many pages, closed. */
  async function footfallFile(file: string): Promise<void> {
    const clock = new ManualClock(Date.UTC(2031, 2, 4, 10));
    const store = await open(file, clock);
    const counter = testCounter(store, clock);
    const site = await addSite(counter, 'long-huu', { timezone: 'Asia/Ho_Chi_Minh' });
    for (let day = 0; day < 3; day++) {
      for (let i = 0; i < 400; i++) await counter.recordHit(site, `/tin-tuc/bai-${i % 150}`, visitor(i));
      await counter.flush();
      clock.advance(DAY);
    }
    await store.close();
  }

  it('gives back every figure after a restart', async () => {
    // A missing directory is created.
    const file = path.join(dir, 'data', 'footfall.db');
    const clock = new ManualClock(Date.UTC(2031, 2, 4, 10));
    let store = await open(file, clock);
    let counter = testCounter(store, clock);
    const sites = [
      await addSite(counter, 'long-huu', { timezone: 'Asia/Ho_Chi_Minh', baseline: { views: 4_288_000, visitors: 1_200_000 } }),
      await addSite(counter, 'second', { weekStart: 0 }),
    ];
    const dates: string[] = [];
    for (let day = 0; day < 2; day++) {
      for (let i = 0; i < 150; i++) await counter.recordHit(sites[i % 3 === 0 ? 1 : 0]!, ['/', '/a', '/b/c'][i % 3]!, visitor(i % 40));
      counter.recordRefusal(sites[0]!, 'bot');
      await counter.flush();
      dates.push((await counter.readCounts(sites[0]!)).counts.today.date);
      clock.advance(DAY / 2);
    }
    await store.importHistory('long-huu', importedDays([{ date: '2030-12-01', views: 90, visitors: 30, keepUntil: clock.now + 400 * DAY }]));
    await store.appendAudit({ at: new Date(clock.now).toISOString(), actor: 'admin', action: 'site.put', site: 'second', before: null, after: { weekStart: 0 } });

    async function everything(store: Store, counter: Counter) {
      return {
        sites: await store.listSites(),
        audit: await store.readAudit(10),
        perSite: await Promise.all(
          sites.map(async (site) => ({
            read: await counter.readCounts(site, ['/', '/a', '/none']),
            history: await counter.history(site, '2030-11-30', dates[1]!),
            days: await Promise.all(dates.map(async (date) => [await store.readTopPages(site.id, date, 5), await store.readDayDetail(site.id, date)])),
            dump: await store.exportSite(site.id),
          })),
        ),
      };
    }
    const before = await everything(store, counter);
    assert.equal(before.perSite[0]!.read.counts.total.views, 4_288_000 + 200 + 90);
    assert.ok(before.perSite[0]!.read.counts.today.visitors > 0);
    await store.close();

    store = await open(file, clock);
    counter = testCounter(store, clock);
    await counter.refreshSites();
    assert.deepEqual(await everything(store, counter), before);
  });

  describe('refuses a file it must not use, and leaves it untouched', () => {
    const cases: Array<[string, (file: string) => Promise<void>, RegExp]> = [
      ['a text file', (file) => writeFile(file, 'DATABASE_URL=postgres://localhost/app\n'), /is not a footfall database: it is not an SQLite file/],
      ['a file of random bytes', (file) => writeFile(file, randomBytes(64 * 1024)), /is not a footfall database: it is not an SQLite file/],
      [
        "another application's SQLite database",
        async (file) => {
          const db = new Database(file);
          db.exec("CREATE TABLE wp_posts (id INTEGER PRIMARY KEY, post_title TEXT); INSERT INTO wp_posts (post_title) VALUES ('Xin chào')");
          db.close();
        },
        /is not a footfall database \(it holds tables of another application: wp_posts\)/,
      ],
      [
        'a footfall database with garbage in the middle',
        async (file) => {
          await footfallFile(file);
          const { size } = await stat(file);
          const handle = await openFile(file, 'r+');
          await handle.write(randomBytes(Math.floor(size / 4)), 0, undefined, Math.floor(size / 3));
          await handle.close();
        },
        /is a damaged footfall database|cannot be read as a footfall database/,
      ],
      [
        'a truncated footfall database',
        async (file) => {
          await footfallFile(file);
          await truncate(file, Math.floor((await stat(file)).size / 2));
        },
        /is a damaged footfall database|cannot be read as a footfall database/,
      ],
      [
        'a footfall database from a newer version',
        async (file) => {
          await footfallFile(file);
          const db = new Database(file);
          db.pragma('user_version = 99');
          db.close();
        },
        new RegExp(`was written by a newer footfall \\(schema version 99; this version knows ${SCHEMA_VERSION}\\)`),
      ],
    ];
    for (const [what, make, message] of cases) {
      it(what, async () => {
        const file = path.join(dir, 'footfall.db');
        await make(file);
        const files = await readdir(dir);
        const hash = await sha256(file);
        await assert.rejects(openSqliteStore(file, { log }), (error: unknown) => {
          assert.ok(error instanceof StartupError, `not a StartupError: ${String(error)}`);
          assert.match(error.message, message);
          assert.ok(error.message.includes(file), 'the message names the file');
          assert.match(error.message, /FOOTFALL_STORE/, 'the message says what to do');
          return true;
        });
        assert.equal(await sha256(file), hash, 'the file is unchanged');
        assert.deepEqual(await readdir(dir), files, 'no file was added or renamed');
      });
    }
  });

  it('loses at most about a second of hits when the process is killed', async () => {
    const file = path.join(dir, 'killed.db');
    const chunk = 20;
    const child = spawnTracked(process.execPath, ['--import', 'tsx', WRITER, file, 'kill-test', String(chunk)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const progress: Array<{ at: number; recorded: number }> = [];
      let stderr = '';
      child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /^recorded (\d+)$/.exec(line);
        if (match) progress.push({ at: performance.now(), recorded: Number(match[1]) });
      });
      for (let waited = 0; progress.length === 0; waited += 20) {
        if (waited > 10_000 || child.exitCode !== null) assert.fail(`the writer did not start: ${stderr}`);
        await sleep(20);
      }
      await sleep(1_500);
      const killedAt = performance.now();
      await stopChild(child, { signal: 'SIGKILL' });
      await closed;
      // Hits of a chunk cut short by the kill may be recorded without their line.
      const recorded = progress.at(-1)!.recorded + chunk;
      const aSecondBefore = progress.filter((p) => p.at <= killedAt - 1_000).at(-1)?.recorded ?? 0;
      assert.ok(aSecondBefore > 0, 'the writer recorded hits for more than a second');

      const store = await open(file);
      const stored = (await store.exportSite('kill-test'))?.total.views ?? 0;
      assert.ok(stored <= recorded, `stored ${stored} views, more than the ${recorded} recorded`);
      assert.ok(stored >= aSecondBefore, `stored ${stored} views, fewer than the ${aSecondBefore} recorded a second before the kill`);
      await store.close();
      const db = new Database(file, { readonly: true });
      assert.deepEqual(db.pragma('integrity_check', { simple: true }), 'ok');
      db.close();
    } finally {
      await stopChild(child, { signal: 'SIGKILL' });
    }
  });

  it('writes every accepted hit on a graceful stop', async () => {
    const file = path.join(dir, 'stopped.db');
    const store = await open(file);
    // A long interval: the hits are still in memory when the stop begins.
    const counter = new Counter({ store, log, metrics: createMetrics(), onlineWindowMs: 60_000, rateLimit: 0, flushIntervalMs: 10_000, bufferLimit: 100_000 });
    const site: Site = siteSchema.parse({ id: 'graceful', origins: ['https://example.test'] });
    await counter.putSite(site);
    await counter.start();
    for (let i = 0; i < 500; i++) await counter.recordHit(site, `/p/${i % 7}`, visitor(i));
    await counter.close(Date.now() + 5_000);
    await store.close();

    const reopened = await open(file);
    const dump = await reopened.exportSite('graceful');
    assert.equal(dump?.total.views, 500);
    assert.equal(dump.days.reduce((sum, day) => sum + day.views, 0), 500);
    assert.equal(dump.total.paths.reduce((sum, [, views]) => sum + views, 0), 500);
  });

  it('answers exactly like the memory store, call after call', async () => {
    const clock = new ManualClock(Date.UTC(2031, 0, 5, 12));
    const memory = new MemoryStore({ clock: clock.read });
    const sqlite = await open(path.join(dir, 'same.db'), clock);
    const random = seeded(20310105);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
    const sites = ['alpha', 'beta'];
    const dates = ['2031-01-03', '2031-01-04', '2031-01-05'];
    const weeks = ['2031-W01', '2031-W02'];
    const months = ['2030-12', '2031-01'];
    const paths = ['/', '/a', '/b', '/tin-tuc/le-hoi', '/lien-he'];
    const reasons: RefusalReason[] = ['bot', 'origin', 'rate_limit', 'invalid'];
    // Some already expired, some expiring during the run, some kept.
    const until = () => clock.now + pick([-DAY, 30 * 60_000, 3 * 3_600_000, DAY, 400 * DAY]);
    const both = async <T>(call: (store: Store) => Promise<T>, shape: (value: T) => unknown = (value) => value) => {
      const expected = shape(await call(memory));
      assert.deepEqual(shape(await call(sqlite)), expected);
    };

    function randomBatch(seq: number): SiteBatch {
      const weekIds = new Set<string>();
      let weekViews = 0;
      const days = [...new Set([pick(dates), pick(dates)])].map((date): DayDelta => {
        const delta: DayDelta = { date, views: 0, hours: [], paths: new Map(), sources: new Map(), ids: new Set(), refused: new Map(), keepUntil: until(), sketchUntil: until() };
        for (let hit = int(8); hit > 0; hit--) {
          const [views, hour, path] = [1 + int(3), int(24), pick(paths)];
          delta.views += views;
          delta.hours[hour] = (delta.hours[hour] ?? 0) + views;
          const id = random() < 0.8 ? `v${int(60)}` : undefined;
          const known = delta.paths.get(path) ?? { views: 0, earners: [] };
          known.views += views;
          if (id !== undefined && known.earners.length < 2 && !known.earners.includes(id.slice(0, 3))) known.earners.push(id.slice(0, 3));
          delta.paths.set(path, known);
          if (id !== undefined) delta.ids.add(id);
          for (const [dimension, names] of [['referrer', ['Google', 'Zalo', '(direct)']], ['country', ['VN', 'US']]] as const) {
            let counts = delta.sources.get(dimension);
            if (!counts) delta.sources.set(dimension, (counts = new Map()));
            const name = pick(names);
            const count = counts.get(name) ?? { views: 0, visitors: 0 };
            counts.set(name, { views: count.views + views, visitors: count.visitors + (id !== undefined && random() < 0.5 ? 1 : 0) });
          }
        }
        if (random() < 0.3) delta.refused.set(pick(reasons), 1 + int(3));
        weekViews += delta.views;
        for (const visitorId of delta.ids) weekIds.add(`w-${visitorId}`);
        return delta;
      });
      const periodIds = new Set([...weekIds].map((id) => `p${id}`));
      return {
        writer: 'random-writer',
        seq,
        site: pick(sites),
        days,
        weeks: [{ label: pick(weeks), views: weekViews, ids: weekIds, keepUntil: until() }],
        periods: [
          { kind: 'month', label: pick(months), views: weekViews, ids: periodIds, keepUntil: until(), sketchUntil: until() },
          { kind: 'year', label: '2031', views: weekViews, ids: periodIds, keepUntil: until(), sketchUntil: until() },
        ],
        // Small caps, so that the runs reach them: earned slots, candidates and the day's (other).
        pathLimit: { day: 3, total: 2 },
        online: new Map(Array.from({ length: int(4) }, () => [`v${int(60)}`, clock.now - int(120_000)] as const)),
        onlineSince: clock.now - 60_000,
        rate: random() < 0.5 ? [{ minute: Math.floor(clock.now / 60_000), counts: new Map([[`v${int(5)}`, 1 + int(3)]]) }] : [],
        lastHit: weekViews > 0 ? clock.now - int(1_000) : 0,
      };
    }

    for (const id of sites) {
      for (const store of [memory, sqlite]) await store.putSite(siteSchema.parse({ id }));
    }
    const sent: SiteBatch[] = [];
    for (let step = 0; step < 300; step++) {
      const roll = random();
      if (roll < 0.1 && sent.length > 0) {
        const retried = pick(sent);
        await both((store) => store.applyBatch(retried));
      } else if (roll < 0.15) {
        const days: ImportedDay[] = [pick(dates), '2030-12-31'].map((date) => ({
          date,
          views: int(100),
          visitors: int(30),
          keepUntil: until(),
          week: { label: pick(weeks), keepUntil: until() },
          month: { label: pick(months), keepUntil: until() },
          year: { label: date.slice(0, 4), keepUntil: until() },
        }));
        const site = pick(sites);
        await both((store) => store.importHistory(site, days));
      } else if (roll < 0.2) {
        const [site, period, expires] = [pick(sites), `d:${pick(dates)}`, until()];
        await both((store) => store.getOrCreateSalt(site, period, `salt-${step}`, expires));
      } else if (roll < 0.23) {
        await both((store) => store.prune(clock.now));
      } else if (roll < 0.25) {
        const pages = [{ path: pick(paths), views: int(3) * 1000 }];
        const site = pick(sites);
        await both((store) => store.setPageBaselines(site, pages));
      } else {
        const batch = randomBatch(step + 1);
        sent.push(batch);
        await both((store) => store.applyBatch(batch));
      }
      clock.advance(int(20 * 60_000));
      if (step % 10 !== 9) continue;
      for (const site of sites) {
        for (const date of dates) {
          for (const week of weeks) {
            for (const month of months) {
              const query = { site, date, yesterday: pick(dates), week, month, year: pick(['2030', '2031']), paths: [...paths, '/none'], onlineSince: clock.now - 60_000 };
              await both((store) => store.readFigures(query));
            }
          }
          await both((store) => store.readPathUsage(site, date));
          await both((store) => store.readSources(site, 'referrer', '2031-01-01', date), (rows) => [...rows].sort((a, b) => (a.name < b.name ? -1 : 1)));
          await both((store) => store.readDayDetail(site, date));
          await both((store) => store.readTopPages(site, date, 3));
        }
        await both((store) => store.readHistory(site, '2030-12-01', '2031-01-31'));
        await both((store) => store.exportSite(site), sortedDump);
      }
    }
    const dumps = await Promise.all(sites.map((site) => sqlite.exportSite(site)));
    assert.ok(dumps.every((dump) => dump && dump.total.views > 0 && dump.days.some((day) => day.sketch)), 'the run stored figures and sketches');
  });
});

/** A dump with every list in one order, since backends may list rows in any order. */
function sortedDump(dump: SiteDump | undefined): SiteDump | undefined {
  if (!dump) return dump;
  const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const byPath = byKey<[string, number]>(([path]) => path);
  return {
    ...dump,
    days: dump.days
      .map((day) => ({ ...day, paths: [...day.paths].sort(byPath), sources: [...day.sources].sort(byKey(([dimension, name]) => `${dimension}\n${name}`)) }))
      .sort(byKey((day) => day.date)),
    weeks: [...dump.weeks].sort(byKey((week) => week.label)),
    periods: [...dump.periods].sort(byKey((period) => `${period.kind}:${period.label}`)),
    total: { ...dump.total, paths: [...dump.total.paths].sort(byPath), candidates: [...dump.total.candidates].sort(byKey((candidate) => candidate.path)) },
    pageBaselines: [...dump.pageBaselines].sort(byPath),
    salts: [...dump.salts].sort(byKey((salt) => salt.period)),
  };
}

/** mulberry32: the same pseudo-random sequence on every run, so a failure replays. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
