/**
 * memory per site: Redis `MEMORY USAGE` summed over one site's keys after a simulated busy day
 * (100,000 hits from 30,000 visitors) and after 400 days of history (a few hundred hits a day),
 * and the SQLite pages in use (and file growth) for the same. Hits go through footfall's own Counter and store
 * (`connectRedisStore` / `openSqliteStore`) with an injected clock — not through HTTP — so a
 * day or a year takes seconds; batches are flushed every simulated minute (busy day) or hour
 * (history). The rate limit is off; footfall still writes per-minute rate tallies (`{s}:rl:*`,
 * 120 s TTL in Redis' real time), which under a fake clock pile up as they never do in service:
 * they are reported apart (`redisKiBByKind.rl`) and left out of the per-site figure.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import type { Scenario, TargetCheck } from '../lib/scenario.js';
import { startBenchRedis } from '../lib/servers.js';
import { median, round, seededRandomInt } from '../lib/stats.js';
import { BENCH_ORIGIN, BENCH_TIMEZONE, pickPath, seededRandom, visitorAddress, visitorUserAgent } from '../lib/traffic.js';

const DAY_MS = 86_400_000;
/** Asia/Ho_Chi_Minh has no DST: local midnight is 17:00 UTC the day before. */
const TZ_OFFSET_MS = 7 * 3_600_000;
const FLUSH_EVERY_MS = { day: 60_000, history: 3_600_000 };
/** Key kind of the per-minute rate-limit tallies (`{s}:rl:<minute>`, keys.ts). */
const RATE_KIND = 'rl';

interface Simulation {
  siteId: string;
  /** Epoch ms of the first simulated local midnight. */
  firstDay: number;
  days: number;
  hitsPerDay: number;
  visitorsPerDay: number;
  /** Visitor numbers differ across days when false (a new crowd each day). */
  sameVisitorsEveryDay: boolean;
  flushEveryMs: number;
  seed: number;
}

interface SimulationResult {
  seconds: number;
  redisBytes?: number;
  redisKeys?: number;
  redisByKind?: Record<string, number>;
  sqliteBytes?: number;
  sqliteFileBytes?: number;
}

/** Local midnight (Asia/Ho_Chi_Minh) of the day `daysAgo` before today. */
function localMidnight(daysAgo: number): number {
  const local = Date.now() + TZ_OFFSET_MS;
  return Math.floor(local / DAY_MS) * DAY_MS - TZ_OFFSET_MS - daysAgo * DAY_MS;
}

/** `{s}:dp:2026-11-27` → `dp`, `{s}:t` → `t`: the kind of key, for the breakdown. */
function keyKind(key: string): string {
  return key.slice(key.indexOf('}:') + 2).split(':')[0] ?? key;
}

async function simulate(store: 'redis' | 'sqlite', sim: Simulation, target: { redisUrl?: string; sqliteFile?: string }): Promise<SimulationResult> {
  // Loaded here, not at the bench's start: another engineer's half-edited src/ then only
  // fails this scenario.
  const { Counter } = await import('../../src/counting/counter.js');
  const { createLogger } = await import('../../src/log.js');
  const { createMetrics } = await import('../../src/metrics.js');
  const { siteSchema } = await import('../../src/counting/site.js');
  const { connectRedisStore } = await import('../../src/store/redis/redis-store.js');
  const { openSqliteStore } = await import('../../src/store/sqlite/sqlite-store.js');
  const log = createLogger('warn');
  let now = sim.firstDay;
  const clock = () => now;
  const backend =
    store === 'redis'
      ? await connectRedisStore({ kind: 'redis', url: target.redisUrl! }, { log })
      : await openSqliteStore(target.sqliteFile!, { log, clock });
  const counter = new Counter({ store: backend, log, metrics: createMetrics(), clock, onlineWindowMs: 60_000, rateLimit: 0, flushIntervalMs: 3_600_000, bufferLimit: 100_000_000 });
  const started = performance.now();
  try {
    await counter.start();
    await counter.putSite(siteSchema.parse({ id: sim.siteId, origins: [BENCH_ORIGIN], timezone: BENCH_TIMEZONE }));
    const site = counter.site(sim.siteId)!;
    const random = seededRandom(sim.seed);
    for (let day = 0; day < sim.days; day++) {
      const dayStart = sim.firstDay + day * DAY_MS;
      const crowd = sim.sameVisitorsEveryDay ? 0 : day * sim.visitorsPerDay;
      let nextFlush = dayStart + sim.flushEveryMs;
      for (let i = 0; i < sim.hitsPerDay; i++) {
        now = dayStart + Math.floor(((i + random()) * DAY_MS) / sim.hitsPerDay);
        if (now >= nextFlush) {
          await counter.flush();
          nextFlush += sim.flushEveryMs * Math.ceil((now - nextFlush + 1) / sim.flushEveryMs);
        }
        // Every visitor at least once, then repeat visits at random.
        const visitor = crowd + (i < sim.visitorsPerDay ? i : seededRandomInt(random, sim.visitorsPerDay));
        await counter.recordHit(site, pickPath(random), { ip: visitorAddress(visitor), userAgent: visitorUserAgent(visitor), track: true });
      }
      now = dayStart + DAY_MS - 1;
      await counter.flush();
      // As the server's prune timer would have done (Redis expires keys by itself).
      await backend.prune(now);
    }
    await counter.flush();
  } finally {
    await counter.close(Date.now() + 5_000);
    await backend.close();
  }
  const result: SimulationResult = { seconds: (performance.now() - started) / 1000 };
  if (store === 'redis') Object.assign(result, await redisUsage(target.redisUrl!, sim.siteId));
  else {
    result.sqliteBytes = usedPageBytes(target.sqliteFile!);
    result.sqliteFileBytes = fileBytes(target.sqliteFile!);
  }
  return result;
}

async function redisUsage(url: string, siteId: string): Promise<Pick<SimulationResult, 'redisBytes' | 'redisKeys' | 'redisByKind'>> {
  const redis = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `{${siteId}}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const usage = await Promise.all(keys.map((key) => redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') as Promise<number | null>));
    const byKind: Record<string, number> = {};
    let total = 0;
    let counted = 0;
    keys.forEach((key, i) => {
      const bytes = usage[i] ?? 0;
      const kind = keyKind(key);
      byKind[kind] = (byKind[kind] ?? 0) + bytes;
      // Rate-limit minutes live 120 s of Redis' real time: under a fake clock they pile up as
      // they never do in service, so they are shown apart and left out of the site's figure.
      if (kind === RATE_KIND) return;
      total += bytes;
      counted += 1;
    });
    return { redisBytes: total, redisKeys: counted, redisByKind: byKind };
  } finally {
    redis.disconnect();
  }
}

/** The database file with its WAL (checkpointing is SQLite's business, both take disk). */
function fileBytes(file: string): number {
  return [file, `${file}-wal`].filter(existsSync).reduce((sum, f) => sum + statSync(f).size, 0);
}

/**
 * Bytes of the pages in use: SQLite keeps freed pages in the file (until VACUUM), so the file
 * shows the peak, this the data kept.
 */
function usedPageBytes(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * (db.pragma('page_size', { simple: true }) as number);
  } finally {
    db.close();
  }
}

const REDIS_DAY_LIMIT_BYTES = 1 * 2 ** 20;
const REDIS_HISTORY_LIMIT_BYTES = 4 * 2 ** 20;

export const memory: Scenario = async (context) => {
  const { options, log } = context;
  const simulations = {
    busyDay: { days: 1, hitsPerDay: options.dayHits, visitorsPerDay: options.dayVisitors, sameVisitorsEveryDay: true, flushEveryMs: FLUSH_EVERY_MS.day, firstDay: localMidnight(1) },
    history: {
      days: options.historyDays,
      hitsPerDay: options.historyHitsPerDay,
      visitorsPerDay: Math.ceil((options.historyHitsPerDay * 2) / 3),
      sameVisitorsEveryDay: false,
      flushEveryMs: FLUSH_EVERY_MS.history,
      firstDay: localMidnight(options.historyDays - 1),
    },
  };
  const results: Record<string, Record<string, SimulationResult[]>> = { busyDay: {}, history: {} };
  const redis = options.stores.includes('redis') ? await startBenchRedis() : undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'footfall-bench-memory-'));
  try {
    const empty = path.join(dir, 'empty.db');
    let emptyBytes = 0;
    if (options.stores.includes('sqlite')) {
      const { openSqliteStore } = await import('../../src/store/sqlite/sqlite-store.js');
      const { createLogger } = await import('../../src/log.js');
      await (await openSqliteStore(empty, { log: createLogger('warn') })).close();
      emptyBytes = usedPageBytes(empty);
    }
    for (let run = 0; run < options.runs; run++) {
      for (const [name, shape] of Object.entries(simulations)) {
        for (const store of options.stores) {
          const siteId = `mem-${name.toLowerCase()}-${run}`;
          const sim: Simulation = { siteId, seed: 1000 + run, ...shape };
          const sqliteFile = path.join(dir, `${siteId}.db`);
          const result = await simulate(store, sim, { ...(redis ? { redisUrl: redis.url } : {}), sqliteFile });
          if (result.sqliteBytes !== undefined) result.sqliteBytes -= emptyBytes;
          if (result.sqliteFileBytes !== undefined) result.sqliteFileBytes -= emptyBytes;
          (results[name]![store] ??= []).push(result);
          log(`memory ${name} ${store} run ${run + 1}: ${store === 'redis' ? `${round(result.redisBytes! / 1024, 1)} KiB in ${result.redisKeys} keys` : `${round(result.sqliteBytes! / 1024, 1)} KiB of pages in use (file ${round(result.sqliteFileBytes! / 1024, 1)} KiB)`} (${round(result.seconds, 1)} s)`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await redis?.stop();
  }
  const figure = (name: string, store: string, f: (r: SimulationResult) => number | undefined) => {
    const runs = results[name]?.[store];
    return runs ? median(runs.map((r) => f(r) ?? Number.NaN)) : Number.NaN;
  };
  const result: Record<string, unknown> = {};
  const rows: Array<Array<string | number>> = [];
  const checks: TargetCheck[] = [];
  for (const [name, shape] of Object.entries(simulations)) {
    const entry: Record<string, unknown> = { days: shape.days, hitsPerDay: shape.hitsPerDay, visitorsPerDay: shape.visitorsPerDay };
    if (options.stores.includes('redis')) {
      entry.redisKiB = round(figure(name, 'redis', (r) => r.redisBytes) / 1024, 1);
      entry.redisKeys = figure(name, 'redis', (r) => r.redisKeys);
      entry.redisKiBByKind = Object.fromEntries(Object.entries(results[name]!.redis![0]!.redisByKind ?? {}).map(([k, v]) => [k, round(v / 1024, 1)]));
      const limit = name === 'busyDay' ? REDIS_DAY_LIMIT_BYTES : REDIS_HISTORY_LIMIT_BYTES;
      checks.push({
        id: `memory.redis.${name}`,
        target: `bounded per site (bench bound: ≤ ${limit / 2 ** 20} MiB after ${name === 'busyDay' ? 'a busy day' : `${shape.days} days`})`,
        measured: entry.redisKiB as number,
        unit: 'KiB',
        pass: (entry.redisKiB as number) * 1024 <= limit,
      });
    }
    if (options.stores.includes('sqlite')) {
      entry.sqliteKiB = round(figure(name, 'sqlite', (r) => r.sqliteBytes) / 1024, 1);
      entry.sqliteFileKiB = round(figure(name, 'sqlite', (r) => r.sqliteFileBytes) / 1024, 1);
    }
    entry.simulationSeconds = round(figure(name, options.stores[0]!, (r) => r.seconds), 1);
    result[name] = entry;
    rows.push([name, shape.days, shape.hitsPerDay, shape.visitorsPerDay, (entry.redisKiB as number) ?? '', (entry.redisKeys as number) ?? '', (entry.sqliteKiB as number) ?? '', (entry.sqliteFileKiB as number) ?? '']);
  }
  result.method = 'Counter + store with an injected clock (not HTTP); rate limit off';
  return {
    result,
    tables: [{ header: ['simulation', 'days', 'hits/day', 'visitors/day', 'Redis KiB', 'Redis keys', 'SQLite KiB used', 'SQLite file KiB'], rows }],
    targets: checks,
  };
};
