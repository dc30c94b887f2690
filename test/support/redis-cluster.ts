/**
 * A throw-away Redis Cluster (default 3 masters, no replicas) built from startRedis nodes.
 *
 * `--cluster-node-timeout 2000`: a killed master is flagged FAIL after ~2 s and one of its
 * replicas is promoted ~0.5–1.5 s later, so fault tests should allow ~5 s for a failover.
 * `--cluster-replica-validity-factor 0` lets any replica take over, however stale.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { redisCli, startRedis, type RedisProcess } from './redis-server.js';

/** A running cluster started by {@link startRedisCluster}. */
export interface RedisCluster {
  /** All nodes, masters first (in creation order), then replicas. */
  readonly nodes: RedisProcess[];
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,... — the masters at creation time. */
  readonly url: string;
  /** Same hosts/ports as `url`, in the shape `new Redis.Cluster(seeds)` wants. */
  readonly seeds: Array<{ host: string; port: number }>;
  /** Stop every node (SIGTERM, SIGKILL after 5 s) and remove their dirs. */
  stop(): Promise<void>;
  /** Current masters serving slots (flag `master`, not `fail`/`fail?`) per CLUSTER NODES (the freshest
   *  view among reachable nodes; a paused node adds up to 1.5 s). */
  masters(): Promise<RedisProcess[]>;
}

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of masters (default 3, the minimum redis-cli accepts). */
  masters?: number;
  /** Replicas per master (default 0; use ≥ 1 for failover tests). */
  replicasPerMaster?: number;
  /** Enable AOF on every node (default false). */
  appendonly?: boolean;
}

const READY_TIMEOUT_MS = 15_000;
const TOTAL_SLOTS = 16384;

/** Parse `CLUSTER INFO` ("key:value" lines). */
function parseInfo(text: string): Map<string, string> {
  return new Map(text.split(/\r?\n/).map((line) => line.split(':', 2) as [string, string]));
}

/** Ports of the healthy masters in a CLUSTER NODES view: flag `master`, not failing, owning slots. */
function masterPorts(view: string[][]): number[] {
  return view.filter((f) => {
    const flags = f[2]?.split(',') ?? [];
    return flags.includes('master') && !flags.includes('fail') && !flags.includes('fail?') && f.length > 8;
  }).map((f) => Number(f[1]?.split(/[:@]/)[1])); // "ip:port@busport[,hostname]"
}

/** Query CLUSTER NODES on every reachable node and keep the most recent view. */
async function clusterNodesView(nodes: readonly RedisProcess[]): Promise<string[][]> {
  // A node just restarted after a crash may still hold a stale view; the freshest view is
  // the one that knows the highest config epoch (field 7). Short timeout: paused nodes.
  const answers = await Promise.allSettled(nodes.map((n) => redisCli(n.port, ['CLUSTER', 'NODES'], 1500)));
  let best: string[][] | undefined;
  let bestEpoch = -1;
  for (const answer of answers) {
    if (answer.status !== 'fulfilled') continue;
    const lines = answer.value.split('\n').filter(Boolean).map((l) => l.trim().split(' '));
    const epoch = Math.max(...lines.map((f) => Number(f[6] ?? 0)));
    if (epoch > bestEpoch) [best, bestEpoch] = [lines, epoch];
  }
  if (!best) throw new Error('no cluster node answered CLUSTER NODES');
  return best;
}

/**
 * Start `masters * (1 + replicasPerMaster)` cluster-enabled nodes, join them with
 * `redis-cli --cluster create`, and wait (≤ 15 s) until every node reports
 * `cluster_state:ok`, all 16384 slots assigned and ok, and knows every other node.
 * If anything fails, all nodes started so far are stopped.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const { masters = 3, replicasPerMaster = 0, appendonly = false } = options;
  const count = masters * (1 + replicasPerMaster);
  const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', // relative to --dir
    '--cluster-node-timeout', '2000', '--cluster-replica-validity-factor', '0'];
  const started = await Promise.allSettled(Array.from({ length: count }, () => startRedis({ appendonly, args })));
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => void (await Promise.all(nodes.map((n) => n.stop())));
  try {
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;

    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await redisCli(nodes[0]!.port, ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'], 30_000);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let last = ''; ; await delay(100)) {
      const infos = await Promise.all(nodes.map((n) => n.cli('CLUSTER', 'INFO').then(parseInfo)));
      // Replica roles propagate by gossip after `create` returns: also wait until every node
      // sees exactly `masters` masters, so ROLE / masters() are right as soon as we return.
      const views = await Promise.all(nodes.map((n) => clusterNodesView([n])));
      const ready = infos.every((i) => i.get('cluster_state') === 'ok' && i.get('cluster_slots_assigned') === String(TOTAL_SLOTS)
        && i.get('cluster_slots_ok') === String(TOTAL_SLOTS) && i.get('cluster_known_nodes') === String(count))
        && views.every((v) => v.filter((f) => f[2]?.includes('master')).length === masters);
      if (ready) break;
      last = infos.map((i, k) => `${nodes[k]!.port}: ${i.get('cluster_state')} slots=${i.get('cluster_slots_ok')} known=${i.get('cluster_known_nodes')}`
        + ` masters=${views[k]!.filter((f) => f[2]?.includes('master')).length}`).join('; ');
      if (Date.now() > deadline) throw new Error(`cluster not ready after ${READY_TIMEOUT_MS} ms: ${last}`);
    }

    // Order nodes masters-first by the roles redis-cli actually assigned.
    const initial = new Set(masterPorts(await clusterNodesView(nodes)));
    // A replica that has not finished its first sync would come up empty after a failover.
    for (let last = ''; ; await delay(100)) {
      const links = await Promise.all(
        nodes.filter((n) => !initial.has(n.port)).map(async (n) => [n.port, parseInfo(await n.cli('INFO', 'replication')).get('master_link_status')] as const),
      );
      if (links.every(([, status]) => status === 'up')) break;
      last = links.map(([port, status]) => `${port}: ${status}`).join('; ');
      if (Date.now() > deadline) throw new Error(`replicas not in sync after ${READY_TIMEOUT_MS} ms: ${last}`);
    }
    nodes.sort((a, b) => Number(initial.has(b.port)) - Number(initial.has(a.port)));
    const seeds = nodes.filter((n) => initial.has(n.port)).map((n) => ({ host: '127.0.0.1', port: n.port }));

    return {
      nodes,
      seeds,
      url: `redis+cluster://${seeds.map((s) => `${s.host}:${s.port}`).join(',')}`,
      stop,
      async masters() {
        const ports = masterPorts(await clusterNodesView(nodes));
        return nodes.filter((n) => ports.includes(n.port));
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
