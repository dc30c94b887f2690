/**
 * What Redis itself counts: `INFO commandstats` (calls per command, those run inside scripts
 * included) and `INFO stats` (total_commands_processed), read before and after a phase.
 */
import { redisCli } from '../../test/support/redis-server.js';

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
