/**
 * Finding and removing every key of one site. The keys of a site share one slot, but during a
 * Cluster resharding they may sit on two nodes, so every master is scanned.
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connect.js';
import { siteKeyPattern } from './keys.js';

const SCAN_COUNT = 1000;
/** Keys per UNLINK: bounded so one command never blocks Redis for long. */
export const UNLINK_CHUNK = 500;

/** The nodes that hold data: the one server, or every Cluster master. */
export function dataNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Every key of `site` (`{site}:*`), from every node that holds data. */
export async function scanSiteKeys(client: RedisClient, site: string): Promise<string[]> {
  const pattern = siteKeyPattern(site);
  const found = new Set<string>();
  await Promise.all(
    dataNodes(client).map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        for (const key of keys) found.add(key);
        cursor = next;
      } while (cursor !== '0');
    }),
  );
  return [...found];
}

/** Removes `keys` (all of one site, so of one slot) in chunks; UNLINK frees memory off the main thread. */
export async function unlinkKeys(client: RedisClient, keys: string[]): Promise<void> {
  const chunks: Promise<number>[] = [];
  for (let i = 0; i < keys.length; i += UNLINK_CHUNK) chunks.push(client.unlink(...keys.slice(i, i + UNLINK_CHUNK)));
  await Promise.all(chunks);
}
