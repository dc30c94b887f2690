/**
 * Redis settings that can lose counts: an eviction policy (Redis may drop counters when it is
 * full) and no persistence at all (a restart loses everything). Reported at start, not
 * refused: a throwaway or managed setup may know better.
 */
import type { Redis } from 'ioredis';
import type { RedisClient } from './connect.js';
import { dataNodes } from './site-scan.js';

async function configOf(node: Redis, name: string): Promise<string | undefined> {
  try {
    const reply = (await node.config('GET', name)) as string[];
    return reply[1];
  } catch {
    // Managed Redis often renames CONFIG; INFO still tells the policy and the AOF.
    return undefined;
  }
}

async function nodeWarnings(node: Redis): Promise<string[]> {
  const where = `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
  const info = await node.info();
  const field = (name: string) => new RegExp(`^${name}:(\\S*)`, 'm').exec(info)?.[1];
  const warnings: string[] = [];
  const policy = (await configOf(node, 'maxmemory-policy')) ?? field('maxmemory_policy');
  if (policy && policy !== 'noeviction') {
    warnings.push(`Redis ${where} has maxmemory-policy ${policy}: when full it may evict counters; set maxmemory-policy noeviction.`);
  }
  const aof = field('aof_enabled') === '1';
  const save = await configOf(node, 'save');
  if (!aof && save === '') {
    warnings.push(`Redis ${where} keeps nothing on disk (appendonly no, no save points): a restart loses every count; set appendonly yes.`);
  }
  return warnings;
}

/** Warnings for every node that holds data; none when the settings are safe. */
export async function unsafeSettings(client: RedisClient): Promise<string[]> {
  const perNode = await Promise.all(dataNodes(client).map(nodeWarnings));
  return perNode.flat();
}
