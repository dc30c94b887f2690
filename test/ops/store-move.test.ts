/**
 * Moving between stores with the real CLI: SQLite → Redis (a real redis-server) → SQLite,
 * with every figure equal at each step, unique visitors included (the HyperLogLog registers
 * travel as they are).
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseStoreUrl } from '../../src/config/store-url.js';
import type { Counter } from '../../src/counting/counter.js';
import type { Site } from '../../src/counting/site.js';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../cli/cli-process.js';
import { addSite, ManualClock, testCounter, visitor } from '../support/counting.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';

const DAY_MS = 86_400_000;
const PATHS = ['/', '/tin-tuc/le-hoi', '/lien-he'];

async function open(url: string): Promise<Store> {
  const parsed = parseStoreUrl(url);
  if (typeof parsed === 'string') throw new Error(parsed);
  return createStore(parsed, { log: createLogger('silent') });
}

describe('moving between stores: SQLite → Redis → SQLite', () => {
  let dir: string;
  let redis: RedisProcess;
  const clock = new ManualClock(Date.now() - 2 * DAY_MS);

  before(async () => {
    [dir, redis] = await Promise.all([mkdtemp(path.join(tmpdir(), 'footfall-move-')), startRedis()]);
  });
  after(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Everything a user can read of a site, except who is online (presence does not move). */
  async function observe(store: Store, site: Site) {
    const counter: Counter = testCounter(store, clock);
    await counter.refreshSites();
    const known = counter.site(site.id);
    assert.ok(known, `${site.id} is in the store`);
    const { counts, pages, lastHit } = await counter.readCounts(known, [...PATHS, '/old/only-imported']);
    const from = new Date(clock.now - 40 * DAY_MS).toISOString().slice(0, 10);
    const today = counts.today.date;
    const { at: _at, online: _online, ...figures } = counts;
    return {
      settings: known,
      figures,
      pages,
      lastHit,
      history: await counter.history(known, from, today),
      months: await counter.history(known, '2025-01-01', today, 'month'),
      years: await counter.history(known, '2025-01-01', today, 'year'),
      paths: await counter.pathUsage(known),
      top: await store.readTopPages(site.id, today, 10),
      day: await store.readDayDetail(site.id, today),
    };
  }

  it('keeps every site, setting and figure, visitors included', async () => {
    const source = `sqlite:${path.join(dir, 'source.db')}`;
    const middle = redis.url;
    const back = `sqlite:${path.join(dir, 'back.db')}`;

    // Three days of traffic, enough visitors for dense HyperLogLogs, an import and refusals.
    const store = await open(source);
    const sites: Site[] = [];
    try {
      const counter = testCounter(store, clock);
      sites.push(await addSite(counter, 'long-huu', { timezone: 'Asia/Ho_Chi_Minh', baseline: { views: 4_288_000, visitors: 1_200_000 } }));
      sites.push(await addSite(counter, 'truong-thcs', { weekStart: 0 }));
      for (let day = 0; day < 3; day++) {
        for (let i = 0; i < 800; i++) {
          const site = sites[i % 7 === 0 ? 1 : 0]!;
          // Returning visitors: the same people on several days count once a day in all-time.
          await counter.recordHit(site, PATHS[i % PATHS.length]!, visitor(day * 400 + i));
        }
        counter.recordRefusal(sites[0]!, 'bot');
        counter.recordRefusal(sites[0]!, 'origin');
        await counter.flush();
        clock.advance(DAY_MS);
      }
      clock.advance(-DAY_MS);
      const before = new Date(clock.now - 5 * DAY_MS).toISOString().slice(0, 10);
      await counter.importHistory(sites[0]!, [{ date: '2025-03-01', views: 900, visitors: 300 }, { date: before, views: 70, visitors: 20 }]);
      await counter.setPageBaselines(sites[0]!, [{ path: '/tin-tuc/le-hoi', views: 2020 }, { path: '/old/only-imported', views: 5 }]);
    } finally {
      await store.close();
    }

    const before = await Promise.all(sites.map(async (site) => {
      const opened = await open(source);
      try {
        return await observe(opened, site);
      } finally {
        await opened.close();
      }
    }));
    assert.ok(before[0]!.figures.total.visitors > 1_200_000 + 1000, 'thousands of distinct visitors');
    assert.deepEqual(before[0]!.day.refused, { bot: 1, origin: 1, rate_limit: 0, invalid: 0 });
    assert.ok(before[0]!.pages[1]! > 2020, 'the page baseline is in the page views');
    assert.equal(before[0]!.pages[3], 5);
    assert.ok(before[0]!.figures.month.views > 0 && before[0]!.figures.year.visitors > 1000);
    assert.ok(before[0]!.years.some((year) => year.date === '2025' && year.views === 900));

    // SQLite → Redis from a file (checked whole first), Redis → SQLite through a pipe.
    const exported = await runCli(['export', '--store', source]);
    assert.equal(exported.code, 0, exported.stderr);
    const dumpFile = path.join(dir, 'dump.ndjson');
    await writeFile(dumpFile, exported.stdout);
    const intoRedis = await runCli(['import', dumpFile, '--store', middle]);
    assert.equal(intoRedis.code, 0, intoRedis.stderr);
    assert.match(intoRedis.stdout, /Imported 2 sites into redis\./);
    const fromRedis = await runCli(['export', '--store', middle]);
    assert.equal(fromRedis.code, 0, fromRedis.stderr);
    const intoSqlite = await runCli(['import', '--store', back], { input: fromRedis.stdout });
    assert.equal(intoSqlite.code, 0, intoSqlite.stderr);

    for (const url of [middle, back]) {
      const opened = await open(url);
      try {
        for (const [i, site] of sites.entries()) assert.deepEqual(await observe(opened, site), before[i], `${site.id} in ${opened.kind}`);
      } finally {
        await opened.close();
      }
    }
  });
});
