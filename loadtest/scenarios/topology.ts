/**
 * topology: ingest through the deploy topology — nginx (deploy/nginx.conf without its
 * per-address limits: the load comes from one address) in front of three footfall instances on
 * a Redis Cluster of three masters with a replica each, FOOTFALL_ANSWER=written — beside one
 * footfall on one Redis and the bare `node:http` ceiling, direct and behind the same nginx (three
 * bare servers), in one run each. What the proxy costs is bare-behind-nginx over bare; what
 * footfall costs behind it is the topology over bare-behind-nginx. On a 2-core machine the three
 * instances, six Redis nodes, nginx and the load share the cores: the ratios say how the parts
 * compare here, not what three hosts would do. 256 connections for every target (see CONNECTIONS).
 */
import { startNginx, type NginxProcess } from '../../test/support/nginx.js';
import { startRedisCluster, type RedisCluster } from '../../test/support/redis-cluster.js';
import { hitRequest, runPhase, type PhaseResult } from '../lib/load.js';
import type { Scenario, TargetCheck } from '../lib/scenario.js';
import { startBare, startBenchRedis, startFootfall, type Target } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

interface Measured {
  port: number;
  /** The process whose CPU is metered: the server itself, or nginx for the proxied targets. */
  pid?: number;
}

interface TargetRun {
  saturated: PhaseResult;
  fixed: PhaseResult;
  fresh: PhaseResult;
}

/**
 * FOOTFALL_ANSWER=written holds each answer until its flush (≤ 50 ms): a closed loop of 32
 * connections would measure that wait, not the capacity. Every target gets this many.
 */
const CONNECTIONS = 256;

const NAMES = ['bare', 'bare-nginx', 'footfall-redis', 'footfall-cluster-nginx'] as const;
type Name = (typeof NAMES)[number];

export const topology: Scenario = async (context) => {
  const { options, log } = context;
  const children: Target[] = [];
  const nginxes: NginxProcess[] = [];
  let cluster: RedisCluster | undefined;
  const redis = await startBenchRedis();
  try {
    const bare = await startBare();
    children.push(bare);
    const bares = [await startBare(), await startBare(), await startBare()];
    children.push(...bares);
    const bareNginx = await startNginx(bares.map((server) => `127.0.0.1:${server.port}`), { withoutLimits: true });
    nginxes.push(bareNginx);
    const single = await startFootfall({ store: 'redis', redisUrl: redis.url, runtime: context.runtime });
    children.push(single);
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    // The load writes X-Forwarded-For per visitor and nginx adds its own hop: two to believe.
    const env = { FOOTFALL_ANSWER: 'written', FOOTFALL_TRUST_PROXY: '2' };
    const instances = [];
    for (let i = 0; i < 3; i++) instances.push(await startFootfall({ store: 'redis', redisUrl: cluster.url, runtime: context.runtime, env }));
    children.push(...instances);
    const topologyNginx = await startNginx(instances.map((server) => `127.0.0.1:${server.port}`), { withoutLimits: true });
    nginxes.push(topologyNginx);
    const targets: Record<Name, Measured> = {
      bare: { port: bare.port, pid: bare.pid },
      'bare-nginx': { port: bareNginx.port },
      'footfall-redis': { port: single.port, pid: single.pid },
      'footfall-cluster-nginx': { port: topologyNginx.port },
    };

    const runs: Array<Map<Name, TargetRun>> = [];
    for (let run = 0; run < options.runs; run++) {
      const results = new Map<Name, TargetRun>();
      for (const name of NAMES.map((_, i) => NAMES[(i + run) % NAMES.length]!)) {
        const target = targets[name];
        const phase = { port: target.port, connections: Math.max(CONNECTIONS, options.connections), warmupS: options.warmupS, durationS: options.durationS, ...(target.pid ? { serverPid: target.pid } : {}) };
        const saturated = await runPhase({ ...phase, request: hitRequest(run + 1) });
        const rate = Math.max(1, Math.round(saturated.okRps / 2));
        const fixed = await runPhase({ ...phase, rate, request: hitRequest(run + 101) });
        const fresh = await runPhase({ ...phase, request: hitRequest(run + 201, 30_000, true) });
        log(`topology run ${run + 1}/${options.runs} ${name}: ${saturated.okRps} req/s, p99 ${fixed.latencyMs.p99} ms at ${rate} req/s, ${fresh.okRps} req/s all new visitors`);
        results.set(name, { saturated, fixed, fresh });
      }
      runs.push(results);
    }
    return report(runs);
  } finally {
    for (const nginx of nginxes) await nginx.stop();
    for (const child of children) await child.stop();
    await cluster?.stop();
    await redis.stop();
  }
};

function report(runs: Array<Map<Name, TargetRun>>) {
  const pick = (name: Name, f: (run: TargetRun) => number) => median(runs.map((run) => f(run.get(name)!)));
  const ratio = (name: Name, over: Name, phase: (run: TargetRun) => PhaseResult) =>
    round(median(runs.map((run) => phase(run.get(name)!).okRps / phase(run.get(over)!).okRps)), 3);
  const saturated = (run: TargetRun) => run.saturated;
  const fresh = (run: TargetRun) => run.fresh;
  const perTarget = Object.fromEntries(
    NAMES.map((name) => [
      name,
      {
        saturatedRps: pick(name, (run) => run.saturated.okRps),
        fixedRate: pick(name, (run) => run.fixed.targetRate ?? Number.NaN),
        fixedP50Ms: pick(name, (run) => run.fixed.latencyMs.p50),
        fixedP99Ms: pick(name, (run) => run.fixed.latencyMs.p99),
        freshRps: pick(name, (run) => run.fresh.okRps),
        errorPercent: pick(name, (run) => Math.max(run.saturated.errorPercent, run.fixed.errorPercent, run.fresh.errorPercent)),
      },
    ]),
  ) as unknown as Record<Name, Record<string, number>>;
  const ratios = {
    proxyCost: ratio('bare-nginx', 'bare', saturated),
    singleToBare: ratio('footfall-redis', 'bare', saturated),
    topologyToBare: ratio('footfall-cluster-nginx', 'bare', saturated),
    topologyToBareNginx: ratio('footfall-cluster-nginx', 'bare-nginx', saturated),
    freshTopologyToBare: ratio('footfall-cluster-nginx', 'bare', fresh),
    freshTopologyToBareNginx: ratio('footfall-cluster-nginx', 'bare-nginx', fresh),
  };
  const topologyRow = perTarget['footfall-cluster-nginx'];
  const targets: TargetCheck[] = [
    { id: 'topology.proxy_cost', target: 'bare behind nginx / bare (what the proxy costs)', measured: ratios.proxyCost, pass: null },
    { id: 'topology.ratio_behind_nginx', target: 'three instances behind nginx / bare behind nginx, usual mix', measured: ratios.topologyToBareNginx, pass: null },
    { id: 'topology.fresh_ratio_behind_nginx', target: 'the same, every hit a new visitor', measured: ratios.freshTopologyToBareNginx, pass: null },
    { id: 'topology.errors', target: 'errors < 1 % through nginx', measured: topologyRow.errorPercent!, unit: '%', pass: topologyRow.errorPercent! < 1 },
  ];
  const rows = NAMES.map((name) => {
    const t = perTarget[name];
    return [name, t.saturatedRps!, t.fixedRate!, t.fixedP50Ms!, t.fixedP99Ms!, t.freshRps!, t.errorPercent!];
  });
  return {
    result: { ratios, targets: perTarget, runs: runs.length },
    tables: [
      { header: ['target', 'req/s sat.', 'rate 50%', 'p50 ms', 'p99 ms', 'new-visitor req/s', 'err %'], rows },
      { header: ['ratio', 'median of runs'], rows: Object.entries(ratios).map(([name, value]) => [name, value]) },
    ],
    targets,
  };
}
