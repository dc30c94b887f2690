/**
 * What Redis itself counts: `INFO commandstats` (calls per command, those run inside scripts
 * included) and `INFO stats` (total_commands_processed), read before and after a phase; and per
 * Cluster node, its CPU, bytes and cluster-bus messages.
 */
import { redisCli } from '../../test/support/redis-server.js';
import { ioBytes } from './proc.js';

export interface RedisCounters {
  /** Command name (lowercase) → calls. */
  calls: Record<string, number>;
  totalCommands: number;
  /** Bytes Redis read from clients. */
  netInput: number;
}

export async function readRedisCounters(port: number): Promise<RedisCounters> {
  const commandstats = await redisCli(port, ['INFO', 'commandstats']);
  const stats = await redisCli(port, ['INFO', 'stats']);
  const calls: Record<string, number> = {};
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(stats)?.[1] ?? Number.NaN);
  return { calls, totalCommands: field('total_commands_processed'), netInput: field('total_net_input_bytes') };
}

/** after − before, per command. */
export function diffCounters(before: RedisCounters, after: RedisCounters): RedisCounters {
  const calls: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.calls)) {
    const d = n - (before.calls[name] ?? 0);
    if (d > 0) calls[name] = d;
  }
  return { calls, totalCommands: after.totalCommands - before.totalCommands, netInput: after.netInput - before.netInput };
}

/** What one Cluster node did, from INFO, CLUSTER INFO and the kernel's count of its I/O. */
export interface NodeLoad {
  /** used_cpu_sys + used_cpu_user, seconds. */
  cpuSeconds: number;
  /** Bytes read from and written to clients (total_net_input_bytes / total_net_output_bytes). */
  netInput: number;
  netOutput: number;
  /** Bytes written by any call (wchar): clients, the cluster bus, and the log, which is quiet here. */
  written: number;
  calls: Record<string, number>;
  /** Cluster bus messages of every type, and the PUBLISH ones among them. */
  busSent: number;
  busReceived: number;
  busPublishSent: number;
  busPublishReceived: number;
}

export async function readNodeLoad(port: number, pid: number): Promise<NodeLoad> {
  const [info, cluster] = await Promise.all([redisCli(port, ['INFO', 'all']), redisCli(port, ['CLUSTER', 'INFO'])]);
  const written = ioBytes(pid).written;
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  return {
    cpuSeconds: field(info, 'used_cpu_sys') + field(info, 'used_cpu_user'),
    netInput: field(info, 'total_net_input_bytes'),
    netOutput: field(info, 'total_net_output_bytes'),
    written,
    calls,
    busSent: field(cluster, 'cluster_stats_messages_sent'),
    busReceived: field(cluster, 'cluster_stats_messages_received'),
    busPublishSent: field(cluster, 'cluster_stats_messages_publish_sent'),
    busPublishReceived: field(cluster, 'cluster_stats_messages_publish_received'),
  };
}

/** after − before, field by field (calls per command). */
export function diffNodeLoad(before: NodeLoad, after: NodeLoad): NodeLoad {
  const calls: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.calls)) calls[name] = n - (before.calls[name] ?? 0);
  return {
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    netInput: after.netInput - before.netInput,
    netOutput: after.netOutput - before.netOutput,
    written: after.written - before.written,
    calls,
    busSent: after.busSent - before.busSent,
    busReceived: after.busReceived - before.busReceived,
    busPublishSent: after.busPublishSent - before.busPublishSent,
    busPublishReceived: after.busPublishReceived - before.busPublishReceived,
  };
}
