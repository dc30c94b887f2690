/**
 * Change notices between instances over Redis sharded pub/sub, on a real Redis Cluster (3
 * masters, 1 replica each) and on a single Redis: each "instance" is a store of its own. A
 * watched site hears every instance's writes, an unwatched one costs the instance nothing
 * (no message reaches it), and notices come back after the master of the site's slot dies.
 */
import { strict as assert } from 'node:assert';
import { Redis } from 'ioredis';
import { parseStoreUrl } from '../../src/config/store-url.js';
import { createLogger } from '../../src/log.js';
import { changesChannel } from '../../src/store/redis/keys.js';
import { connectRedisStore } from '../../src/store/redis/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';

const log = createLogger('silent');
const WATCHED = 'long-huu';
const UNWATCHED = 'song-lam';

/** An instance's feed, and every notice it heard, in order. */
interface Instance {
  store: Store;
  heard: string[];
}

async function instance(url: string, watches: string[]): Promise<Instance> {
  const parsed = parseStoreUrl(url);
  assert.ok(typeof parsed !== 'string' && (parsed.kind === 'redis' || parsed.kind === 'redis-cluster'));
  const store = await connectRedisStore(parsed, { log });
  const heard: string[] = [];
  for (const site of watches) store.changes.watch(site);
  await store.changes.subscribe((sites) => heard.push(...sites));
  return { store, heard };
}

/** Publishes `site` from `from` every 100 ms until `to` heard it, or `timeoutMs` passed. */
async function heardWithin(from: Instance, to: Instance, site: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const before = to.heard.length;
  while (Date.now() - started < timeoutMs) {
    from.store.changes.publish([site]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (to.heard.slice(before).includes(site)) return Date.now() - started;
  }
  throw new Error(`no notice of ${site} within ${timeoutMs} ms`);
}

/** Publishes the sites `times` times, 20 ms apart, as a busy writer's flushes would. */
async function flushes(from: Instance, sites: string[], times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    from.store.changes.publish(sites);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Subscribers of each site's channel, summed over the masters (PUBSUB SHARDNUMSUB). */
async function subscribers(cluster: RedisCluster, sites: string[]): Promise<number[]> {
  const channels = sites.map(changesChannel);
  const answers = await Promise.all((await cluster.masters()).map((node) => node.cli('PUBSUB', 'SHARDNUMSUB', ...channels)));
  return channels.map((_, i) => answers.reduce((sum, answer) => sum + Number(answer.split('\n')[2 * i + 1]), 0));
}

describe('redis change feed: sharded pub/sub', function () {
  this.timeout(90_000);

  describe('on a Redis Cluster', () => {
    let cluster: RedisCluster;
    let a: Instance;
    let b: Instance;
    let idle: Instance;

    before(async () => {
      cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
      a = await instance(cluster.url, []);
      b = await instance(cluster.url, [WATCHED]);
      idle = await instance(cluster.url, []);
    });
    after(async () => {
      await Promise.all([a, b, idle].map((i) => i?.store.close()));
      await cluster?.stop();
    });

    it("delivers A's write of a site to B, which watches it", async () => {
      await heardWithin(a, b, WATCHED, 5_000);
    });

    it('sends an instance no notice of a site it does not watch', async () => {
      const heard = b.heard.length;
      await flushes(a, [UNWATCHED, WATCHED], 20);
      await heardWithin(a, b, WATCHED, 5_000);
      // b heard only its site; idle, watching nothing, received no message at all.
      assert.deepEqual(new Set(b.heard.slice(heard)), new Set([WATCHED]));
      assert.equal(idle.heard.length, 0);
      // Not filtered on arrival: Redis has no subscriber to send the other site's notices to.
      assert.deepEqual(await subscribers(cluster, [WATCHED, UNWATCHED]), [1, 0]);
    });

    it('stops the notices of a site once its last watch ends', async () => {
      b.store.changes.watch(UNWATCHED);
      b.store.changes.watch(UNWATCHED);
      await heardWithin(a, b, UNWATCHED, 5_000);
      b.store.changes.unwatch(UNWATCHED);
      await heardWithin(a, b, UNWATCHED, 5_000);
      b.store.changes.unwatch(UNWATCHED);
      // The SUNSUBSCRIBE is on its way; a notice sent after it has landed reaches nobody.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const heard = b.heard.length;
      await flushes(a, [UNWATCHED], 20);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(b.heard.slice(heard), []);
    });

    it('delivers again within 10 s after the master of the site is killed and its replica promoted', async () => {
      const probe = new Redis(cluster.seeds[0]!.port, '127.0.0.1');
      let port: number;
      try {
        const slot = Number(await probe.cluster('KEYSLOT', `{${WATCHED}}`));
        const ranges = await probe.cluster('SLOTS');
        port = Number(ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1]);
      } finally {
        probe.disconnect();
      }
      const master = cluster.nodes.find((node) => node.port === port);
      assert.ok(master, 'a node serves the site');
      await heardWithin(a, b, WATCHED, 5_000);
      await master.kill('SIGKILL');
      const killed = Date.now();
      // Failover takes ~3 s (node timeout 2 s); the notice must come back well within 10 s of it.
      await heardWithin(a, b, WATCHED, 15_000);
      const masters = await cluster.masters();
      assert.ok(masters.length === 3 && !masters.includes(master), 'a replica took over the slots');
      console.log(`      heard again ${Date.now() - killed} ms after the master was killed`);
      assert.deepEqual(await subscribers(cluster, [WATCHED]), [1]);
    });
  });

  describe('on a single Redis', () => {
    let redis: RedisProcess;
    let a: Instance;
    let b: Instance;

    before(async () => {
      redis = await startRedis();
      a = await instance(redis.url, []);
      b = await instance(redis.url, [WATCHED]);
    });
    after(async () => {
      await Promise.all([a, b].map((i) => i?.store.close()));
      await redis?.stop();
    });

    it('delivers watched sites only, and again after Redis restarts', async () => {
      await heardWithin(a, b, WATCHED, 5_000);
      const heard = b.heard.length;
      await flushes(a, [UNWATCHED], 10);
      await heardWithin(a, b, WATCHED, 5_000);
      assert.deepEqual(new Set(b.heard.slice(heard)), new Set([WATCHED]));
      await redis.kill('SIGKILL');
      await redis.restart();
      await heardWithin(a, b, WATCHED, 10_000);
    });
  });
});
