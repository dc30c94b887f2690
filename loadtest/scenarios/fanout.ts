/**
 * fanout: what change notices cost a Redis Cluster (3 masters) as instances are added, for the
 * classic feed (one PUBLISH per flush listing the sites written, every instance subscribed:
 * lib/classic-change-feed.ts) and the sharded one (one SPUBLISH per site written, each instance
 * subscribed to the sites it watches: src/store/redis/change-feed.ts). N simulated instances
 * are real feed objects on their own connections, publishers in one process, subscribers in
 * another (lib/fanout-worker.ts), so each side's CPU is its own. Every tier runs publishers
 * alone, then with subscribers: the difference is what deliveries cost Redis. From the
 * measured costs per operation, a model at MODEL_INSTANCES instances.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stopChild, track } from '../../test/support/child-processes.js';
import { startRedisCluster, type RedisCluster } from '../../test/support/redis-cluster.js';
import type { FanoutCounters, FanoutWorkload, FeedMode, FromFanoutWorker, ToFanoutWorker } from '../lib/fanout-protocol.js';
import { diffNodeLoad, readNodeLoad, type NodeLoad } from '../lib/redis-stats.js';
import type { Scenario } from '../lib/scenario.js';
import { ROOT } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

const WORKER = path.join(ROOT, 'loadtest', 'lib', 'fanout-worker.ts');
const MASTERS = 3;
const MODEL_INSTANCES = 100;
/**
 * 10,000 sites; a busy instance writes 50 of them per 50 ms flush (≈ 1,000+ hits/s each;
 * `--fanout-sites-per-flush`), any site on any instance as a load balancer spreads hits; each
 * site has 3 open widgets, each on a random instance. Per-instance load is constant, so what
 * grows with N is the fan-out alone.
 */
const SITES = 10_000;
const FLUSH_MS = 50;
const WIDGETS_PER_SITE = 3;
const MODES: FeedMode[] = ['classic', 'sharded'];
const OPEN_TIMEOUT_MS = 120_000;
/** How long the subscribers' CPU is read before anything is published. */
const QUIET_MS = 2_000;
/** Instances up to which the model looks for the first Redis node to need a whole core. */
const MODEL_LIMIT = 2_000;

type Row = Record<string, number>;

class FeedProcess {
  private readonly child: ChildProcess;

  constructor() {
    this.child = track(fork(WORKER, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  ask<T extends FromFanoutWorker['type']>(message: ToFanoutWorker, reply: T, timeoutMs = 30_000): Promise<Extract<FromFanoutWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`fanout worker: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (answer: FromFanoutWorker) => {
        if (answer.type === reply) finish(undefined, answer as Extract<FromFanoutWorker, { type: T }>);
      };
      const onExit = () => finish(new Error(`fanout worker exited before ${reply}`));
      const finish = (error?: Error, answer?: Extract<FromFanoutWorker, { type: T }>) => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve(answer!);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(message);
    });
  }

  send(message: ToFanoutWorker): void {
    this.child.send(message);
  }

  async mark(): Promise<FanoutCounters> {
    return (await this.ask({ type: 'mark' }, 'marked')).counters;
  }

  async close(): Promise<void> {
    await this.ask({ type: 'close' }, 'closed').catch(() => undefined);
    await stopChild(this.child);
  }
}

function diffCounters(a: FanoutCounters, b: FanoutCounters): FanoutCounters {
  return {
    cpuMicros: b.cpuMicros - a.cpuMicros,
    published: b.published - a.published,
    sitesPublished: b.sitesPublished - a.sitesPublished,
    delivered: b.delivered - a.delivered,
    sitesDelivered: b.sitesDelivered - a.sitesDelivered,
    sitesWanted: b.sitesWanted - a.sitesWanted,
  };
}

async function nodeLoads(cluster: RedisCluster): Promise<NodeLoad[]> {
  const masters = cluster.nodes.slice(0, MASTERS);
  return Promise.all(masters.map((node) => readNodeLoad(node.port, node.pid)));
}

/** One measured window: the cluster's nodes and the feed processes, before and after. */
async function measure(cluster: RedisCluster, seconds: number, feeds: FeedProcess[]) {
  const nodes0 = await nodeLoads(cluster);
  const counters0 = await Promise.all(feeds.map((feed) => feed.mark()));
  const started = performance.now();
  await delay(seconds * 1000);
  const nodes1 = await nodeLoads(cluster);
  const counters1 = await Promise.all(feeds.map((feed) => feed.mark()));
  const elapsed = (performance.now() - started) / 1000;
  return { elapsed, nodes: nodes0.map((n, i) => diffNodeLoad(n, nodes1[i]!)), counters: counters0.map((c, i) => diffCounters(c, counters1[i]!)) };
}

async function phase(cluster: RedisCluster, workload: FanoutWorkload, mode: FeedMode, instances: number, subscribed: boolean, warmupS: number, durationS: number): Promise<Row> {
  const opened: FeedProcess[] = [];
  try {
    let watches = 0;
    /** What the subscribers' process costs with nothing to hear (timers, the Cluster's own traffic), µs/s. */
    let quietMicrosPerS = 0;
    if (subscribed) {
      const subscribers = new FeedProcess();
      opened.push(subscribers);
      watches = (await subscribers.ask({ type: 'open', role: 'subscribe', mode, url: cluster.url, instances, workload }, 'opened', OPEN_TIMEOUT_MS)).watches;
      const quiet0 = await subscribers.mark();
      const started = performance.now();
      await delay(QUIET_MS);
      quietMicrosPerS = ((await subscribers.mark()).cpuMicros - quiet0.cpuMicros) / ((performance.now() - started) / 1000);
    }
    const publishers = new FeedProcess();
    opened.unshift(publishers);
    await publishers.ask({ type: 'open', role: 'publish', mode, url: cluster.url, instances, workload }, 'opened', OPEN_TIMEOUT_MS);
    publishers.send({ type: 'start' });
    await delay(warmupS * 1000);
    const { elapsed, nodes, counters } = await measure(cluster, durationS, opened);
    const [pub, sub] = counters as [FanoutCounters, FanoutCounters | undefined];
    const perS = (n: number) => n / elapsed;
    const cpu = nodes.map((node) => (100 * node.cpuSeconds) / elapsed);
    const commands = (name: string) => nodes.reduce((sum, node) => sum + (node.calls[name] ?? 0), 0);
    return {
      instances,
      watchesPerInstance: watches / instances,
      flushesPerS: perS(pub.published),
      sitesPublishedPerS: perS(pub.sitesPublished),
      publishCommandsPerS: perS(commands(mode === 'classic' ? 'publish' : 'spublish')),
      deliveriesPerS: perS(sub?.delivered ?? 0),
      siteIdsPerInstancePerS: perS((sub?.sitesDelivered ?? 0) / instances),
      wantedPerInstancePerS: perS((sub?.sitesWanted ?? 0) / instances),
      redisCpuPctSum: cpu.reduce((a, b) => a + b, 0),
      redisCpuPctMaxNode: Math.max(...cpu),
      busPublishMessagesPerS: perS(nodes.reduce((sum, node) => sum + node.busPublishSent, 0)),
      busMessagesPerS: perS(nodes.reduce((sum, node) => sum + node.busSent, 0)),
      // wchar counts every write: what went to clients is netOutput, the rest is the bus.
      busBytesPerS: perS(nodes.reduce((sum, node) => sum + Math.max(0, node.written - node.netOutput), 0)),
      clientBytesOutPerS: perS(nodes.reduce((sum, node) => sum + node.netOutput, 0)),
      clientBytesInPerS: perS(nodes.reduce((sum, node) => sum + node.netInput, 0)),
      publisherCpuPctPerInstance: (100 * pub.cpuMicros) / 1e6 / elapsed / instances,
      subscriberCpuPctPerInstance: sub ? (100 * sub.cpuMicros) / 1e6 / elapsed / instances : 0,
      subscriberMicrosPerDelivery: sub && sub.delivered > 0 ? Math.max(0, sub.cpuMicros - quietMicrosPerS * elapsed) / sub.delivered : 0,
    };
  } finally {
    await Promise.all(opened.map((feed) => feed.close()));
  }
}

function medianRow(runs: Row[]): Row {
  const row: Row = {};
  for (const field of Object.keys(runs[0]!)) row[field] = round(median(runs.map((r) => r[field]!)), 3);
  return row;
}

/**
 * Costs per operation at the largest tier, and what they make at `n` instances with the same
 * per-instance load. Redis: the CPU of publishers alone over the publishes (less the idle
 * cluster), and what subscribers add over the deliveries; instances: subscriber CPU per
 * delivery. Classic: every node handles every PUBLISH (from a client or the bus), deliveries
 * grow as N² and spread over the nodes the subscribers happen to connect to. Sharded: each
 * SPUBLISH and its deliveries stay on the master of the site's slot.
 */
/** Instances that watch a site, on average: its widgets on random instances, some on the same one. */
function watchers(instances: number): number {
  return instances * (1 - (1 - 1 / instances) ** WIDGETS_PER_SITE);
}

function model(mode: FeedMode, workload: FanoutWorkload, idle: Row, alone: Row, withSubscribers: Row, n: number): Row {
  const publishCost = Math.max(0, alone.redisCpuPctSum! - idle.redisCpuPctSum!) / 100 / alone.publishCommandsPerS!;
  const deliveryCost = Math.max(0, withSubscribers.redisCpuPctSum! - alone.redisCpuPctSum!) / 100 / withSubscribers.deliveriesPerS!;
  const instanceCost = withSubscribers.subscriberMicrosPerDelivery! / 1e6;
  const measuredN = withSubscribers.instances!;
  // At the flush rate due, not the one reached: on 2 cores the publishers' process may lag.
  const flushes = (n * 1000) / FLUSH_MS;
  const publishes = mode === 'classic' ? flushes : flushes * (withSubscribers.publishCommandsPerS! / withSubscribers.flushesPerS!);
  // Classic: each flush reaches every instance; sharded: each site notice, its watchers'.
  const deliveries = mode === 'classic' ? flushes * n : publishes * (withSubscribers.deliveriesPerS! / withSubscribers.publishCommandsPerS!) * (watchers(n) / watchers(measuredN));
  // A classic PUBLISH costs every node (the one it came in on counted it, the others take it
  // off the bus); its CPU measured as a sum is divided evenly.
  const perNodeCpu = idle.redisCpuPctSum! / 100 / MASTERS + (publishes * publishCost + deliveries * deliveryCost) / MASTERS;
  return {
    instances: n,
    publishesPerS: round(publishes, 0),
    deliveriesPerS: round(deliveries, 0),
    redisMicrosPerPublish: round(publishCost * 1e6, 2),
    redisMicrosPerDelivery: round(deliveryCost * 1e6, 2),
    redisCorePerNode: round(perNodeCpu, 3),
    instanceMicrosPerDelivery: round(instanceCost * 1e6, 2),
    deliveriesPerInstancePerS: round(deliveries / n, 0),
    instanceCore: round((deliveries / n) * instanceCost, 4),
    siteIdsPerInstancePerS: round(mode === 'classic' ? flushes * workload.sitesPerFlush : deliveries / n, 0),
  };
}

export const fanout: Scenario = async (context) => {
  const { options, log } = context;
  const tiers = options.fanoutInstances;
  const workload: FanoutWorkload = { sites: SITES, sitesPerFlush: options.fanoutSitesPerFlush, flushMs: FLUSH_MS, widgetsPerSite: WIDGETS_PER_SITE };
  const cluster = await startRedisCluster({ masters: MASTERS });
  const byKey = new Map<string, Row[]>();
  const idleRuns: Row[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const idle = await measure(cluster, options.durationS, []);
      idleRuns.push({ redisCpuPctSum: idle.nodes.reduce((sum, node) => sum + (100 * node.cpuSeconds) / idle.elapsed, 0) });
      for (const instances of tiers) {
        for (const mode of MODES) {
          for (const subscribed of [false, true]) {
            const row = await phase(cluster, workload, mode, instances, subscribed, options.warmupS, options.durationS);
            const key = `${mode}.${instances}.${subscribed ? 'subscribed' : 'publishers'}`;
            byKey.set(key, [...(byKey.get(key) ?? []), row]);
            log(`fanout run ${run + 1} ${key}: ${round(row.deliveriesPerS!, 0)} deliveries/s, Redis ${round(row.redisCpuPctSum!, 1)} % CPU (max node ${round(row.redisCpuPctMaxNode!, 1)} %)`);
          }
        }
      }
    }
  } finally {
    await cluster.stop();
  }
  const measured: Record<string, Row> = Object.fromEntries([...byKey].map(([key, runs]) => [key, medianRow(runs)]));
  const idle = medianRow(idleRuns);
  const largest = Math.max(...tiers);
  const models: Record<string, Record<string, number | string>> = Object.fromEntries(
    MODES.map((mode) => {
      const at = (n: number) => model(mode, workload, idle, measured[`${mode}.${largest}.publishers`]!, measured[`${mode}.${largest}.subscribed`]!, n);
      // Where one Redis node's single core is used up, if below MODEL_LIMIT instances.
      let saturatesAt = 0;
      for (let n = 1; n <= MODEL_LIMIT && saturatesAt === 0; n++) if (at(n).redisCorePerNode! >= 1) saturatesAt = n;
      return [mode, { ...at(MODEL_INSTANCES), nodeSaturatesAtInstances: saturatesAt || `> ${MODEL_LIMIT}` }];
    }),
  );
  const rows = [...byKey.keys()].filter((key) => key.endsWith('.subscribed')).map((key) => {
    const row = measured[key]!;
    const alone = measured[key.replace('subscribed', 'publishers')]!;
    return [
      key.split('.')[0]!,
      row.instances!,
      round(row.flushesPerS!, 0),
      round(row.publishCommandsPerS!, 0),
      round(row.deliveriesPerS!, 0),
      round(row.siteIdsPerInstancePerS!, 0),
      `${round(alone.redisCpuPctSum!, 1)} / ${round(row.redisCpuPctSum!, 1)}`,
      round(row.redisCpuPctMaxNode!, 1),
      round(row.busPublishMessagesPerS!, 0),
      round(row.busBytesPerS! / 1024, 0),
      round(row.clientBytesOutPerS! / 1024, 0),
      round(row.publisherCpuPctPerInstance!, 2),
      round(row.subscriberCpuPctPerInstance!, 2),
      round(row.subscriberMicrosPerDelivery!, 1),
    ];
  });
  return {
    result: { masters: MASTERS, workload, idleRedisCpuPctSum: idle.redisCpuPctSum, measured, model: models },
    tables: [
      {
        title: `${SITES} sites, ${workload.sitesPerFlush} written per ${FLUSH_MS} ms flush per instance, ${WIDGETS_PER_SITE} widgets per site; ${MASTERS} masters`,
        header: ['feed', 'instances', 'flushes/s', 'publish cmds/s', 'deliveries/s', 'site ids/instance/s', 'Redis CPU % (pub only / with subs, sum)', 'max node %', 'bus publish msgs/s', 'bus KiB/s', 'client out KiB/s', 'pub CPU %/instance', 'sub CPU %/instance', 'sub µs/delivery'],
        rows,
      },
      {
        title: `model at ${MODEL_INSTANCES} instances (costs measured at ${largest})`,
        header: ['feed', 'publishes/s', 'deliveries/s', 'Redis µs/publish', 'Redis µs/delivery', 'Redis core per node', 'node saturates at N', 'deliveries/instance/s', 'site ids/instance/s', 'instance µs/delivery', 'instance core'],
        rows: MODES.map((mode) => {
          const m = models[mode]!;
          const fields = ['publishesPerS', 'deliveriesPerS', 'redisMicrosPerPublish', 'redisMicrosPerDelivery', 'redisCorePerNode', 'nodeSaturatesAtInstances', 'deliveriesPerInstancePerS', 'siteIdsPerInstancePerS', 'instanceMicrosPerDelivery', 'instanceCore'];
          return [mode, ...fields.map((field) => m[field]!)];
        }),
      },
    ],
    targets: [],
  };
};
