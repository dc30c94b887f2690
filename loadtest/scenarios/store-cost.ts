/**
 * store cost: what each hit costs the store. Redis: footfall talks to its redis-server through
 * a counting proxy (lib/redis-proxy.ts), so the commands and socket writes it sends are counted
 * exactly; Redis' own INFO counts what ran, scripts' inner commands included. SQLite: write
 * transactions, from the flushes footfall reports on /metrics (one transaction per site per
 * flush). Measured at fixed rates and at saturation; background work (site list refresh,
 * change notices) is included, as it is part of the cost.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { scrapeMetric } from '../lib/footfall-metrics.js';
import { hitRequest, runPhase } from '../lib/load.js';
import { diffWire, startRedisProxy } from '../lib/redis-proxy.js';
import { diffCounters, readRedisCounters } from '../lib/redis-stats.js';
import type { Scenario, TargetCheck } from '../lib/scenario.js';
import { startBenchRedis, startFootfall } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

const ROUND_TRIPS_TARGET = 0.05;
/** Fixed rates (hits/s) at which the cost is read, besides saturation. */
const RATES = [100, 1000, 5000];
/** After a phase, one flush interval (50 ms) and its round trip must land before reading. */
const SETTLE_MS = 300;

type Row = Record<string, number>;

export const storeCost: Scenario = async (context) => {
  const { options, log } = context;
  // A quick run reads the cost at the target's own scale only.
  const phases: Array<number | undefined> = [...(options.quick ? [1000] : RATES), undefined];
  const label = (rate: number | undefined) => (rate === undefined ? 'saturated' : `${rate}/s`);
  const result: Record<string, unknown> = {};
  const redisRows: Array<Array<string | number>> = [];
  const sqliteRows: Array<Array<string | number>> = [];
  const checks: TargetCheck[] = [];
  const phaseOptions = (port: number, rate: number | undefined, seed: number) => ({
    port,
    connections: options.connections,
    warmupS: 0,
    durationS: options.durationS,
    ...(rate === undefined ? {} : { rate }),
    request: hitRequest(seed),
  });

  if (options.stores.includes('redis')) {
    const redis = await startBenchRedis();
    const proxy = await startRedisProxy(redis.port);
    const footfall = await startFootfall({ store: 'redis', runtime: context.runtime, redisUrl: proxy.url });
    const byPhase = new Map<string, Row[]>();
    try {
      await runPhase(phaseOptions(footfall.port, 500, 99));
      for (let run = 0; run < options.runs; run++) {
        for (const rate of phases) {
          const wire0 = proxy.counts();
          const redis0 = await readRedisCounters(redis.port);
          const load = await runPhase(phaseOptions(footfall.port, rate, run * 10 + 1));
          await delay(SETTLE_MS);
          const wire = diffWire(wire0, proxy.counts());
          const server = diffCounters(redis0, await readRedisCounters(redis.port));
          const hits = load.ok;
          const sent = Object.values(wire.commands).reduce((a, b) => a + b, 0);
          const scripts = (wire.commands.evalsha ?? 0) + (wire.commands.eval ?? 0);
          const row: Row = {
            hitsPerS: load.okRps,
            roundTripsPerHit: sent / hits,
            writesPerHit: wire.writes / hits,
            scriptCallsPerHit: scripts / hits,
            otherCommandsPerHit: (sent - scripts) / hits,
            redisCommandsPerHit: server.totalCommands / hits,
            bytesToRedisPerHit: wire.bytes / hits,
            roundTripsPerS: sent / options.durationS,
          };
          const key = label(rate);
          byPhase.set(key, [...(byPhase.get(key) ?? []), row]);
          if (run === 0) result[`redisCommandsSent.${key}`] = wire.commands;
          log(`store-cost redis run ${run + 1} ${key}: ${round(row.roundTripsPerHit!, 4)} round trips/hit at ${row.hitsPerS} hits/s`);
        }
      }
    } finally {
      await footfall.stop();
      await proxy.close();
      await redis.stop();
    }
    const redisResult: Record<string, Row> = {};
    for (const [key, runs] of byPhase) {
      const row: Row = {};
      for (const field of Object.keys(runs[0]!)) row[field] = round(median(runs.map((r) => r[field]!)), 4);
      redisResult[key] = row;
      redisRows.push([key, row.hitsPerS!, row.roundTripsPerHit!, row.writesPerHit!, row.scriptCallsPerHit!, row.otherCommandsPerHit!, row.redisCommandsPerHit!, row.roundTripsPerS!]);
    }
    result.redis = redisResult;
    for (const key of ['1000/s', '5000/s', 'saturated']) {
      const row = redisResult[key];
      if (row) {
        checks.push({
          id: `store.redis.round_trips_per_hit.${key}`,
          target: `≤ ${ROUND_TRIPS_TARGET} Redis round trips per hit`,
          measured: row.roundTripsPerHit!,
          pass: row.roundTripsPerHit! <= ROUND_TRIPS_TARGET,
        });
      }
    }
  }

  if (options.stores.includes('sqlite')) {
    const footfall = await startFootfall({ store: 'sqlite', runtime: context.runtime });
    const byPhase = new Map<string, Row[]>();
    try {
      await runPhase(phaseOptions(footfall.port, 500, 99));
      for (let run = 0; run < options.runs; run++) {
        for (const rate of phases) {
          const flushes0 = await scrapeMetric(footfall.port, 'footfall_flush_duration_seconds_count');
          const seconds0 = await scrapeMetric(footfall.port, 'footfall_flush_duration_seconds_sum');
          const load = await runPhase(phaseOptions(footfall.port, rate, run * 10 + 1));
          await delay(SETTLE_MS);
          const flushes = (await scrapeMetric(footfall.port, 'footfall_flush_duration_seconds_count')) - flushes0;
          const seconds = (await scrapeMetric(footfall.port, 'footfall_flush_duration_seconds_sum')) - seconds0;
          const row: Row = {
            hitsPerS: load.okRps,
            transactionsPerS: flushes / options.durationS,
            hitsPerTransaction: load.ok / flushes,
            transactionsPerHit: flushes / load.ok,
            meanFlushMs: (1000 * seconds) / flushes,
          };
          const key = label(rate);
          byPhase.set(key, [...(byPhase.get(key) ?? []), row]);
          log(`store-cost sqlite run ${run + 1} ${key}: ${round(row.transactionsPerS!, 1)} transactions/s at ${row.hitsPerS} hits/s`);
        }
      }
    } finally {
      await footfall.stop();
    }
    const sqliteResult: Record<string, Row> = {};
    for (const [key, runs] of byPhase) {
      const row: Row = {};
      for (const field of Object.keys(runs[0]!)) row[field] = round(median(runs.map((r) => r[field]!)), 4);
      sqliteResult[key] = row;
      sqliteRows.push([key, row.hitsPerS!, row.transactionsPerS!, row.transactionsPerHit!, row.hitsPerTransaction!, row.meanFlushMs!]);
    }
    result.sqlite = sqliteResult;
  }

  return {
    result,
    tables: [
      ...(redisRows.length > 0
        ? [{ title: 'Redis', header: ['load', 'hits/s', 'round trips/hit', 'writes/hit', 'scripts/hit', 'other cmds/hit', 'cmds run/hit', 'round trips/s'], rows: redisRows }]
        : []),
      ...(sqliteRows.length > 0 ? [{ title: 'SQLite', header: ['load', 'hits/s', 'transactions/s', 'tx/hit', 'hits/tx', 'mean flush ms'], rows: sqliteRows }] : []),
    ],
    targets: checks,
  };
};
