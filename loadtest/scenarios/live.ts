/**
 * live: N Socket.IO clients (websocket only, from several client processes) on one footfall.
 * Per tier: server RSS per connection, idle CPU with all connected, delay from a hit to the
 * `counts` event at every client, and ingest latency at a fixed rate while every push
 * interval broadcasts to all of them (against the same rate once they have left).
 * The server's own descriptor limit (ulimit -n) caps what one instance can hold; the figures
 * report how many connected.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { readCounts, scrapeMetric, sendHit } from '../lib/footfall-metrics.js';
import { LiveClients } from '../lib/live-clients.js';
import { hitRequest, runPhase } from '../lib/load.js';
import { collectGarbage, inspectorUrl } from '../lib/inspector-gc.js';
import { cpuMeter, cpuPercentOver, fdLimit, openFds, rssBytes } from '../lib/proc.js';
import { startScenarioFootfall } from '../lib/profiled-footfall.js';
import type { ProfileSummary } from '../lib/cpu-profile.js';
import type { Scenario, ScenarioContext, TargetCheck } from '../lib/scenario.js';
import { startBareLive, startBenchRedis } from '../lib/servers.js';
import { distribution, median, round } from '../lib/stats.js';

const PUSH_INTERVAL_MS = 1000;
const TARGET_CONNECTIONS = 10_000;
const RSS_PER_CONNECTION_KB = 15;
const DELAY_MARGIN_MS = 250;
const INGEST_P99_DURING_BROADCAST_MS = 50;
const IDLE_CPU_PERCENT = 5;
const HEAP_METRIC = 'footfall_process_nodejs_heap_size_used_bytes';
const PUSHES_METRIC = 'footfall_pushes_total';
/**
 * Descriptors left to the server besides live clients: the load generator's connections, the
 * bench's own requests, the store, epoll, logs. Without them a server at its limit cannot
 * answer the measurements (or a hit).
 */
const FD_HEADROOM = 300;

type Row = Record<string, number>;

interface Delays {
  distribution: ReturnType<typeof distribution>;
  /** Median over the samples of the time between the first and the last client seeing a push. */
  spreadMs: number;
  samples: number;
  missed: number;
}

/**
 * Hit → `counts` at every client, `samples` times. The hits are spread over the push
 * interval's phase.
 */
async function sampleDelays(clients: LiveClients, port: number, firstVisitor: number, samples: number): Promise<Delays> {
  const delays: number[] = [];
  const spreads: number[] = [];
  let missed = 0;
  for (let sample = 0; sample < samples; sample++) {
    await delay(300 + Math.random() * PUSH_INTERVAL_MS);
    let sentAt = 0;
    const { times } = await clients.timeBroadcast(async () => {
      sentAt = performance.timeOrigin + performance.now();
      await sendHit(port, firstVisitor + sample);
    }, PUSH_INTERVAL_MS + 10_000);
    const seen = times.filter((t) => t > 0);
    missed += times.length - seen.length;
    for (const t of seen) delays.push(t - sentAt);
    if (seen.length > 0) spreads.push(Math.max(...seen) - Math.min(...seen));
  }
  return { distribution: distribution(delays), spreadMs: median(spreads), samples: delays.length, missed };
}

/**
 * The same delay measured on raw `ws` (bare-live-server.ts) with as many clients: what
 * delivering one frame to every socket costs on this machine, in the same run.
 */
async function bareDelays(context: ScenarioContext, clientsWanted: number, firstVisitor: number): Promise<Row> {
  const bare = await startBareLive();
  let clients: LiveClients | undefined;
  try {
    const opened = await LiveClients.open(`http://127.0.0.1:${bare.port}`, clientsWanted, firstVisitor);
    clients = opened.clients;
    await delay(context.options.quick ? 1_000 : 3_000);
    const delays = await sampleDelays(clients, bare.port, firstVisitor, context.options.liveSamples);
    return {
      bareConnected: opened.result.ok,
      bareDelayP50Ms: delays.distribution.p50,
      bareDelayP99Ms: delays.distribution.p99,
      bareSpreadMs: delays.spreadMs,
      bareMissedDeliveries: delays.missed,
    };
  } finally {
    await clients?.close();
    await bare.stop();
  }
}

async function tier(context: ScenarioContext, clientsWanted: number, run: number): Promise<{ row: Row; errors: Record<string, number>; profile?: ProfileSummary }> {
  const { options, log } = context;
  const redis = options.liveStore === 'redis' ? await startBenchRedis() : undefined;
  const footfall = await startScenarioFootfall(context, `live-${clientsWanted}`, {
    store: options.liveStore,
    ...(redis ? { redisUrl: redis.url } : {}),
    // The clients all come from 127.0.0.1, and the tiers go past the default connection cap
    // (10,000, which would refuse the ingest phase's own connections).
    env: { FOOTFALL_PUSH_INTERVAL_MS: String(PUSH_INTERVAL_MS), FOOTFALL_CONNECTIONS_PER_IP: '1000000', FOOTFALL_MAX_CONNECTIONS: '1000000' },
    // The inspector (loopback, no session until asked) lets the bench force a full GC.
    nodeArgs: ['--inspect=127.0.0.1:0'],
  });
  const inspector = inspectorUrl(footfall.output);
  const settle = async (): Promise<{ rss: number; heap: number }> => {
    if (inspector) await collectGarbage(inspector);
    await delay(1_000);
    return { rss: rssBytes(footfall.pid), heap: await scrapeMetric(footfall.port, HEAP_METRIC) };
  };
  // Hits and warm-up connections come from the clients' own visitors, so that nobody drops out
  // of the online window later and changes the figures while the idle CPU is read.
  const firstVisitor = run * 100_000;
  let clients: LiveClients | undefined;
  try {
    const url = `http://127.0.0.1:${footfall.port}`;
    await sendHit(footfall.port, firstVisitor);
    // Warm the live path (code loaded, JIT, first buffers), so RSS before excludes one-off costs.
    const warm = await LiveClients.open(url, Math.min(100, clientsWanted), firstVisitor);
    await warm.clients.close();
    await delay(2_000);
    const rssBeforeRaw = rssBytes(footfall.pid);
    const before = await settle();

    const serverFdLimit = fdLimit(footfall.pid);
    const attempted = Math.min(clientsWanted, serverFdLimit - FD_HEADROOM);
    const opened = await LiveClients.open(url, attempted, firstVisitor);
    clients = opened.clients;
    const connected = opened.result.ok;
    log(`live ${clientsWanted}: ${connected} of ${attempted} connected (server fd limit ${serverFdLimit}), ${opened.result.failed} failed in ${round(opened.result.seconds, 1)} s ${JSON.stringify(opened.result.errors)}`);
    await delay(options.quick ? 2_000 : 5_000);
    // RSS as the OS sees it now (the connection storm's garbage included)…
    const rssAfterRaw = rssBytes(footfall.pid);
    // …and after a full GC: what the connections themselves hold.
    const after = await settle();
    const fds = openFds(footfall.pid);
    const pushes0 = await scrapeMetric(footfall.port, PUSHES_METRIC);
    const idleCpu = await cpuPercentOver(footfall.pid, options.idleS * 1000);
    const idlePushes = (await scrapeMetric(footfall.port, PUSHES_METRIC)) - pushes0;

    const delays = await sampleDelays(clients, footfall.port, firstVisitor, options.liveSamples);
    const delay_ = delays.distribution;

    // Ingest while every push interval broadcasts to all clients…
    const ingestPhase = { port: footfall.port, connections: options.connections, warmupS: options.warmupS, durationS: options.durationS, rate: options.liveIngestRate, serverPid: footfall.pid };
    await clients.events();
    const busyPushes0 = await scrapeMetric(footfall.port, PUSHES_METRIC);
    const clientCpu = clients.pids.map((pid) => cpuMeter(pid));
    const busy = await runPhase({ ...ingestPhase, request: hitRequest(400 + run) });
    const clientCpuPercent = clientCpu.reduce((sum, meter) => sum + meter.stop(), 0);
    const busyPushes = (await scrapeMetric(footfall.port, PUSHES_METRIC)) - busyPushes0;
    const events = await clients.events();
    const counts = await readCounts(footfall.port);
    await clients.close();
    clients = undefined;
    // Let the closes and their garbage clear before the reference run.
    await settle();
    await delay(2_000);
    // …and the same with no client connected: the reference.
    const quiet = await runPhase({ ...ingestPhase, request: hitRequest(300 + run) });
    const row: Row = {
      wanted: clientsWanted,
      serverFdLimit,
      attempted,
      connected,
      failed: opened.result.failed,
      connectSeconds: opened.result.seconds,
      connectsPerS: connected / opened.result.seconds,
      serverFds: fds,
      rssBeforeMB: rssBeforeRaw / 2 ** 20,
      rssAfterMB: rssAfterRaw / 2 ** 20,
      rssBeforeGcMB: before.rss / 2 ** 20,
      rssAfterGcMB: after.rss / 2 ** 20,
      // The target's figure: RSS as the OS sees it, before and a few seconds after connecting.
      rssPerConnectionKB: connected > 0 ? (rssAfterRaw - rssBeforeRaw) / 1024 / connected : Number.NaN,
      rssPerConnectionAfterGcKB: connected > 0 ? (after.rss - before.rss) / 1024 / connected : Number.NaN,
      heapPerConnectionAfterGcKB: connected > 0 ? (after.heap - before.heap) / 1024 / connected : Number.NaN,
      idleCpuPercent: idleCpu,
      idlePushes,
      delayP50Ms: delay_.p50,
      delayP99Ms: delay_.p99,
      delayMaxMs: delay_.max,
      broadcastSpreadMs: delays.spreadMs,
      delaySamples: delays.samples,
      missedDeliveries: delays.missed,
      ingestRate: options.liveIngestRate,
      ingestP50MsQuiet: quiet.latencyMs.p50,
      ingestP99MsQuiet: quiet.latencyMs.p99,
      ingestP50MsBroadcasting: busy.latencyMs.p50,
      ingestP99MsBroadcasting: busy.latencyMs.p99,
      ingestMaxMsBroadcasting: busy.latencyMs.max,
      ingestErrorPercentBroadcasting: busy.errorPercent,
      serverCpuPercentBroadcasting: busy.serverCpuPercent ?? Number.NaN,
      // The client processes share the machine's 2 cores with the server.
      clientCpuPercentBroadcasting: clientCpuPercent,
      pushesBroadcasting: busyPushes,
      countsEventsPerClientPerS: events.length > 0 ? events.reduce((a, b) => a + b, 0) / events.length / (options.warmupS + options.durationS) : 0,
      onlineAtEnd: counts.online,
    };
    log(
      `live ${clientsWanted} run ${run + 1}: ${round(row.rssPerConnectionKB!, 1)} KB/conn, idle CPU ${round(idleCpu, 1)} % (${idlePushes} pushes), ` +
        `delay p99 ${round(delay_.p99, 0)} ms, spread ${round(row.broadcastSpreadMs!, 0)} ms, ingest p99 ${busy.latencyMs.p99} ms broadcasting (${quiet.latencyMs.p99} ms quiet)`,
    );
    const profile = await footfall.finish();
    Object.assign(row, await bareDelays(context, connected, firstVisitor));
    log(`live ${clientsWanted} run ${run + 1}, bare ws: delay p99 ${round(row.bareDelayP99Ms!, 0)} ms, spread ${round(row.bareSpreadMs!, 0)} ms`);
    return { row, errors: opened.result.errors, ...(profile ? { profile } : {}) };
  } finally {
    await clients?.close();
    await footfall.stop();
    await redis?.stop();
  }
}

export const live: Scenario = async (context) => {
  const { options } = context;
  const tiers: Record<string, Row> = {};
  const errors: Record<string, Record<string, number>> = {};
  const profiles: ProfileSummary[] = [];
  for (const n of options.liveClients) {
    const rows: Row[] = [];
    for (let run = 0; run < options.runs; run++) {
      const result = await tier(context, n, run);
      rows.push(result.row);
      errors[n] = result.errors;
      if (result.profile) profiles.push(result.profile);
    }
    const row: Row = {};
    for (const field of Object.keys(rows[0]!)) row[field] = round(median(rows.map((r) => r[field]!)), 2);
    tiers[n] = row;
  }
  const checks: TargetCheck[] = [];
  // The targets are for 10,000 connections: judged on the smallest tier that reached it.
  const judged = Object.values(tiers).find((t) => t.connected! >= TARGET_CONNECTIONS) ?? Object.values(tiers).at(-1);
  const biggest = Math.max(...Object.values(tiers).map((t) => t.connected!));
  checks.push({ id: 'live.connections', target: `${TARGET_CONNECTIONS.toLocaleString('en-US')} live connections on one instance`, measured: biggest, pass: biggest >= TARGET_CONNECTIONS });
  if (judged) {
    const at = `at ${judged.connected} connections`;
    checks.push(
      { id: 'live.rss_per_connection', target: `≤ ${RSS_PER_CONNECTION_KB} KB RSS per connection (${at})`, measured: judged.rssPerConnectionKB!, unit: 'KB', pass: judged.rssPerConnectionKB! <= RSS_PER_CONNECTION_KB },
      { id: 'live.delay_p99', target: `hit → all clients p99 ≤ push interval + ${DELAY_MARGIN_MS} ms = ${PUSH_INTERVAL_MS + DELAY_MARGIN_MS} ms (${at}; raw ws, no interval: ${judged.bareDelayP99Ms} ms)`, measured: judged.delayP99Ms!, unit: 'ms', pass: judged.delayP99Ms! <= PUSH_INTERVAL_MS + DELAY_MARGIN_MS && judged.missedDeliveries === 0 },
      { id: 'live.ingest_p99_broadcasting', target: `ingest p99 ≤ ${INGEST_P99_DURING_BROADCAST_MS} ms while broadcasting (${at}, ${judged.ingestRate} hits/s)`, measured: judged.ingestP99MsBroadcasting!, unit: 'ms', pass: judged.ingestP99MsBroadcasting! <= INGEST_P99_DURING_BROADCAST_MS },
      { id: 'live.idle_cpu', target: `idle CPU < ${IDLE_CPU_PERCENT} % of a core (${at})`, measured: judged.idleCpuPercent!, unit: '%', pass: judged.idleCpuPercent! < IDLE_CPU_PERCENT },
    );
  }
  return {
    result: { store: options.liveStore, pushIntervalMs: PUSH_INTERVAL_MS, tiers, connectErrors: errors },
    tables: [
      {
        header: ['clients', 'connected', 'KB RSS/conn', 'after GC', 'idle CPU %', 'idle pushes', 'delay p50', 'p99', 'max ms', 'spread ms', 'bare ws p99', 'bare spread', 'ingest p99 quiet', 'broadcasting ms'],
        rows: Object.values(tiers).map((t) => [String(t.wanted), t.connected!, t.rssPerConnectionKB!, t.rssPerConnectionAfterGcKB!, t.idleCpuPercent!, t.idlePushes!, t.delayP50Ms!, t.delayP99Ms!, t.delayMaxMs!, t.broadcastSpreadMs!, t.bareDelayP99Ms!, t.bareSpreadMs!, t.ingestP99MsQuiet!, t.ingestP99MsBroadcasting!]),
      },
    ],
    targets: checks,
    ...(profiles.length > 0 ? { profiles } : {}),
  };
};
