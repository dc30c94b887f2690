/**
 * subscriptions: what a listing page's 50 slots cost the store. N clients each ask about the
 * bench site's 50 paths (`auth.paths`, as a listing page does) while hits arrive on all 50 at a
 * fixed rate; `footfall_counts_reads_total` says how many times footfall read the site's
 * figures from the store. Target: at most one read per site per push interval, whatever N.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { scrapeMetric } from '../lib/footfall-metrics.js';
import { LiveClients } from '../lib/live-clients.js';
import { hitRequest, runPhase } from '../lib/load.js';
import type { Scenario, TargetCheck } from '../lib/scenario.js';
import { round } from '../lib/stats.js';
import { PATHS } from '../lib/traffic.js';
import { startScenarioFootfall } from '../lib/profiled-footfall.js';

const PUSH_INTERVAL_MS = 1000;
const READS_METRIC = 'footfall_counts_reads_total';
const HIT_RATE = 500;
/** A push interval that starts inside the window and ends after it reads once more. */
const EDGE_READS = 1;

export const subscriptions: Scenario = async (context) => {
  const { options, log } = context;
  const tiers = options.quick ? [100, 1000] : [100, 1000, 5000];
  const rows: Array<Array<string | number>> = [];
  const result: Record<string, unknown> = {};
  const targets: TargetCheck[] = [];
  for (const clientsWanted of tiers) {
    const footfall = await startScenarioFootfall(context, `subscriptions-${clientsWanted}`, {
      store: 'sqlite',
      env: { FOOTFALL_PUSH_INTERVAL_MS: String(PUSH_INTERVAL_MS), FOOTFALL_CONNECTIONS_PER_IP: '1000000' },
    });
    let clients: LiveClients | undefined;
    try {
      const opened = await LiveClients.open(`http://127.0.0.1:${footfall.port}`, clientsWanted, 500_000, [...PATHS]);
      clients = opened.clients;
      await delay(2_000);
      const reads0 = await scrapeMetric(footfall.port, READS_METRIC);
      const started = performance.now();
      const phase = await runPhase({ port: footfall.port, connections: 8, warmupS: 0, durationS: options.durationS, rate: HIT_RATE, request: hitRequest(900), serverPid: footfall.pid });
      const seconds = (performance.now() - started) / 1000;
      const reads = (await scrapeMetric(footfall.port, READS_METRIC)) - reads0;
      const intervals = (seconds * 1000) / PUSH_INTERVAL_MS;
      const perInterval = round(reads / intervals, 3);
      log(`subscriptions ${clientsWanted}: ${opened.result.ok} clients × ${PATHS.length} paths, ${phase.okRps} hits/s for ${round(seconds, 1)} s: ${reads} store reads, ${perInterval} per push interval`);
      result[String(clientsWanted)] = { clients: opened.result.ok, paths: PATHS.length, hitsPerS: phase.okRps, seconds: round(seconds, 2), reads, readsPerInterval: perInterval };
      rows.push([clientsWanted, opened.result.ok, PATHS.length, phase.okRps, round(seconds, 1), reads, perInterval]);
      targets.push({
        id: `subscriptions.${clientsWanted}.reads_per_interval`,
        target: `≤ 1 store read per site per push interval (${clientsWanted} clients × ${PATHS.length} paths)`,
        measured: perInterval,
        pass: reads <= Math.ceil(intervals) + EDGE_READS,
      });
    } finally {
      await clients?.close();
      await footfall.finish();
    }
  }
  return {
    result,
    tables: [{ header: ['clients', 'connected', 'paths each', 'hits/s', 'seconds', 'store reads', 'reads per interval'], rows }],
    targets,
  };
};
