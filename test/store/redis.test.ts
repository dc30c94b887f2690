/**
 * What the Redis store promises beyond the conformance suite, checked on real redis-servers of
 * our own: key layout (hash tags, TTLs), one script call per batch, idempotency and salt races
 * across connections, sketches PFCOUNT can read, and deletion that leaves nothing behind.
 */
import { strict as assert } from 'node:assert';
import { Cluster, Redis } from 'ioredis';
import { StartupError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { HyperLogLog } from '../../src/store/hll/hyperloglog.js';
import { connectRedis } from '../../src/store/redis/connect.js';
import { connectRedisStore } from '../../src/store/redis/redis-store.js';
import type { SiteBatch, Store } from '../../src/store/store.js';
import { ManualClock, addSite, siteId, testCounter, visitor } from '../support/counting.js';
import { freePort } from '../support/free-port.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { countsQuery, emptyBatch, importedDays, pathViews } from '../support/store-shapes.js';

const DAY = 86_400_000;
const log = createLogger('silent');

let seq = 0;

function batchOf(site: string, ids: string[], overrides: Partial<SiteBatch> = {}): SiteBatch {
  const now = Date.now();
  const date = new Date(now).toISOString().slice(0, 10);
  return emptyBatch(site, {
    writer: 'test-writer',
    seq: ++seq,
    days: [{ date, views: ids.length, hours: [ids.length], paths: pathViews({ '/': ids.length }), sources: new Map(), ids: new Set(ids), refused: new Map([['bot', 1]]), keepUntil: now + 410 * DAY, sketchUntil: now + 2 * DAY }],
    weeks: [{ label: '2030-W01', views: ids.length, ids: new Set(ids), keepUntil: now + 8 * DAY }],
    online: new Map(ids.map((id) => [id, now])),
    onlineSince: now - 60_000,
    rate: [{ minute: Math.floor(now / 60_000), counts: new Map(ids.map((id) => [id, 1])) }],
    lastHit: now,
    ...overrides,
  });
}

function todayCounts(store: Store, site: string) {
  const date = new Date().toISOString().slice(0, 10);
  return store.readFigures(countsQuery(site, date, { week: '2030-W01' }));
}

/** Every key matching `pattern` on each of `nodes`. */
async function scanAll(nodes: Redis[], pattern = '*'): Promise<string[]> {
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

describe('redis store', function () {
  this.timeout(30_000);
  let redis: RedisProcess;
  let raw: Redis;
  let store: Store;
  let other: Store;

  before(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url);
    store = await connectRedisStore({ kind: 'redis', url: redis.url }, { log });
    other = await connectRedisStore({ kind: 'redis', url: redis.url }, { log });
  });
  after(async () => {
    await Promise.all([store?.close(), other?.close()]);
    raw?.disconnect();
    await redis?.stop();
  });

  it('tags every key of a site and gives a TTL to every key but settings and all-time figures', async () => {
    const clock = new ManualClock(Date.now());
    const counter = testCounter(store, clock, { rateLimit: 30 });
    const site = await addSite(counter, siteId());
    for (let i = 0; i < 100; i++) await counter.recordHit(site, `/p/${i % 20}`, visitor(i % 60));
    counter.recordRefusal(site, 'bot');
    await counter.flush();
    await store.importHistory(site.id, importedDays([{ date: '2025-03-01', views: 10, visitors: 4, keepUntil: clock.now + 400 * DAY }]));
    await store.appendAudit({ at: new Date().toISOString(), actor: 'test', action: 'site.put', site: site.id, before: null, after: {} });

    const keys = await scanAll([raw], `*${site.id}*`);
    const tag = `{${site.id}}:`;
    const global = new Set(['footfall:sites', 'footfall:audit']);
    assert.ok(keys.length >= 12, `keys: ${keys.join(' ')}`);
    const untimed = new Set(['site', 't', 'tv', 'tp'].map((name) => tag + name));
    for (const key of keys) {
      assert.ok(key.startsWith(tag), `${key} lacks the hash tag`);
      const ttl = await raw.pttl(key);
      if (untimed.has(key)) assert.equal(ttl, -1, `${key} must not expire`);
      else assert.ok(ttl > 0, `${key} has no TTL (${ttl})`);
    }
    for (const name of ['d:', 'dp:', 'dv:', 'w:', 'wv:', 'online', 'salt:d:', 'salt:w:', 'rl:', 'b', 'days', 'weeks', 'salts']) {
      assert.ok(keys.some((key) => key.startsWith(tag + name)), `no ${name} key`);
    }
    for (const key of global) assert.equal(await raw.pttl(key), -1);
  });

  it('writes one batch with one EVALSHA and nothing else on the wire', async () => {
    const site = siteId();
    await store.applyBatch(batchOf(site, ['warm'])); // the first call on a connection sends the source (EVAL)
    const monitor = await raw.monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') seen.push(args);
    });
    const stats = async () => Object.fromEntries([...(await raw.info('commandstats')).matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
    const before = await stats();
    seen.length = 0;
    const ids = Array.from({ length: 100 }, (_, i) => `v${i}`);
    await store.applyBatch(batchOf(site, ids));
    const after = await stats();
    await raw.ping('marker');
    while (!seen.some((args) => args[1] === 'marker')) await new Promise((resolve) => setTimeout(resolve, 10));
    monitor.disconnect();
    const commands = seen.filter((args) => !['info', 'ping'].includes(args[0]!.toLowerCase()));
    assert.deepEqual(commands.map((args) => args[0]!.toLowerCase()), ['evalsha']);
    assert.equal((after.evalsha ?? 0) - (before.evalsha ?? 0), 1);
    assert.equal((after.eval ?? 0) - (before.eval ?? 0), 0);
  });

  it('applies a batch once when two connections send it at the same time', async () => {
    const site = siteId();
    for (let round = 0; round < 20; round++) {
      const batch = batchOf(site, [`a${round}`, `b${round}`]);
      const results = await Promise.all([store.applyBatch(batch), other.applyBatch(batch)]);
      assert.equal(results.filter((totals) => totals.length > 0).length, 1, 'exactly one applied it');
    }
    const counts = await todayCounts(store, site);
    assert.deepEqual([counts.today.views, counts.today.visitors, counts.total.views], [40, 40, 40]);
  });

  it('gives every racing connection the same salt, expiring when asked', async () => {
    const site = siteId();
    const expiresAt = Date.now() + 3 * DAY;
    const salts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).getOrCreateSalt(site, 'd:2030-01-01', `salt-${i}`, expiresAt)),
    );
    assert.equal(new Set(salts).size, 1);
    assert.match(salts[0] ?? '', /^salt-\d+$/);
    assert.equal(await raw.pexpiretime(`{${site}}:salt:d:2030-01-01`), expiresAt);
  });

  it('keeps HyperLogLogs that PFCOUNT reads as our HyperLogLog counts them', async () => {
    const site = siteId();
    const ids = Array.from({ length: 5000 }, (_, i) => `visitor-${i}-${site}`);
    const local = HyperLogLog.create();
    for (const id of ids) local.add(id);
    await store.applyBatch(batchOf(site, ids.slice(0, 10)));
    await store.applyBatch(batchOf(site, ids.slice(10)));
    const date = new Date().toISOString().slice(0, 10);
    for (const key of [`{${site}}:tv`, `{${site}}:dv:${date}`, `{${site}}:wv:2030-W01`]) {
      assert.equal(await raw.pfcount(key), local.count(), key);
      const bytes = await raw.getBuffer(key);
      assert.ok(bytes);
      assert.equal(HyperLogLog.fromRedisBytes(bytes).count(), local.count());
    }
    assert.equal((await todayCounts(store, site)).total.visitors, local.count());
  });

  it('deletes every key of a site and no key of another', async () => {
    const site = siteId('del');
    const neighbour = `${site}-x`;
    for (const id of [site, neighbour]) {
      await store.putSite({ id, origins: [], timezone: 'UTC', weekStart: 1, baseline: { views: 0, visitors: 0 } });
      await store.applyBatch(batchOf(id, ['a', 'b']));
      await store.getOrCreateSalt(id, 'd:2030-01-01', 'salt', Date.now() + DAY);
    }
    await other.deleteSite(site);
    assert.deepEqual(await scanAll([raw], `{${site}}:*`), []);
    assert.ok((await scanAll([raw], `{${neighbour}}:*`)).length > 5);
    assert.equal(await raw.sismember('footfall:sites', site), 0);
    assert.equal(await raw.sismember('footfall:sites', neighbour), 1);
  });

  it('refuses to start on an unreachable Redis, naming it without the password', async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(connectRedis({ kind: 'redis', url: `redis://user:s3cret@127.0.0.1:${port}` }, { log, readyTimeoutMs: 300 }), (error: unknown) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    assert.ok(Date.now() - started < 3_000);
  });

  describe('on a cluster', function () {
    let cluster: RedisCluster;
    let clusterStore: Store;
    let rawCluster: Cluster;

    before(async () => {
      cluster = await startRedisCluster({ masters: 3 });
      clusterStore = await connectRedisStore({ kind: 'redis-cluster', nodes: cluster.seeds, tls: false }, { log });
      rawCluster = new Cluster(cluster.seeds);
      await new Promise((resolve) => rawCluster.once('ready', resolve));
    });
    after(async () => {
      await clusterStore?.close();
      rawCluster?.disconnect();
      await cluster?.stop();
    });

    it('deletes every key of a site from every master', async () => {
      const sites = Array.from({ length: 6 }, () => siteId('del'));
      for (const id of sites) {
        await clusterStore.putSite({ id, origins: [], timezone: 'UTC', weekStart: 1, baseline: { views: 0, visitors: 0 } });
        await clusterStore.applyBatch(batchOf(id, ['a', 'b', 'c']));
        await clusterStore.getOrCreateSalt(id, 'd:2030-01-01', 'salt', Date.now() + DAY);
      }
      const masters = rawCluster.nodes('master');
      assert.equal(masters.length, 3);
      for (const id of sites) assert.ok((await scanAll(masters, `{${id}}:*`)).length > 5);
      for (const id of sites.slice(0, 3)) await clusterStore.deleteSite(id);
      for (const id of sites.slice(0, 3)) assert.deepEqual(await scanAll(masters, `{${id}}:*`), [], id);
      for (const id of sites.slice(3)) assert.ok((await scanAll(masters, `{${id}}:*`)).length > 5, id);
      assert.deepEqual((await clusterStore.listSites()).map((s) => s.id).sort(), sites.slice(3).sort());
    });
  });
});
