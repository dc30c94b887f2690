/**
 * Tests of the test support itself: spawned redis-servers and clusters really start,
 * survive crash/restart with AOF, stall on pause, and are gone (pid and dir) after stop.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { spawnTracked, stopChild, trackedChildren } from './child-processes.js';
import { CLUSTER_BUS_OFFSET, freePorts } from './free-port.js';
import { startRedis, type RedisProcess } from './redis-server.js';
import { startRedisCluster } from './redis-cluster.js';

/** True if a process with this pid exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('test support', function () {
  this.timeout(15_000);
  // Run after every test, pass or fail, so nothing outlives a failing assertion.
  let cleanup: Array<() => Promise<unknown>> = [];
  const later = <T>(value: T, fn: (v: T) => Promise<unknown>): T => (cleanup.push(() => fn(value)), value);
  afterEach(async () => {
    const fns = cleanup.reverse();
    cleanup = [];
    for (const fn of fns) await fn().catch(() => undefined);
  });

  it('freePorts returns distinct ports whose cluster bus port is free too', async () => {
    const ports = await freePorts(5, { clusterBus: true });
    assert.equal(new Set(ports).size, 5);
    for (const p of ports) assert.ok(p !== 6379 && p + CLUSTER_BUS_OFFSET <= 65535, `port ${p}`);
  });

  it('stopChild stops a tracked child and untracks it', async () => {
    const child = spawnTracked('sleep', ['30'], { stdio: 'ignore' });
    assert.ok(trackedChildren().includes(child));
    await stopChild(child, { timeoutMs: 1000 });
    assert.equal(child.signalCode, 'SIGTERM');
    assert.ok(!trackedChildren().includes(child));
  });

  it('starts a redis that answers PING, and stop() removes process and temp dir', async () => {
    const redis = later(await startRedis(), (r) => r.stop());
    assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
    assert.notEqual(redis.port, 6379);
    const client = later(new Redis(redis.url), (c) => c.quit());
    assert.equal(await client.ping(), 'PONG');
    assert.equal(await redis.cli('PING'), 'PONG');
    await client.quit();
    await redis.stop();
    assert.ok(!alive(redis.pid), 'pid still alive after stop()');
    assert.ok(!fs.existsSync(redis.dir), 'temp dir left behind');
    await redis.stop(); // idempotent
  });

  it('reports a failed start with the log tail', async () => {
    await assert.rejects(startRedis({ args: ['--no-such-option', 'x'] }), /no-such-option/);
  });

  it('kill(SIGKILL) + restart() keeps AOF data, same port and dir', async () => {
    const redis: RedisProcess = later(await startRedis({ appendonly: true, args: ['--appendfsync', 'always'] }), (r) => r.stop());
    const client = later(new Redis(redis.url, { maxRetriesPerRequest: 0 }), async (c) => c.disconnect());
    assert.equal(await client.incr('visits'), 1);
    assert.equal(await client.incr('visits'), 2);
    const { pid, port, dir } = redis;
    await redis.kill('SIGKILL');
    assert.ok(!alive(pid), 'killed pid still alive');
    const again = await redis.restart();
    assert.equal(again, redis, 'restart() updates and returns the same object');
    assert.notEqual(redis.pid, pid);
    assert.deepEqual([redis.port, redis.dir], [port, dir]);
    assert.equal(await redis.cli('GET', 'visits'), '2');
  });

  it('pause() stalls redis and resume() lets it answer again', async () => {
    const redis = later(await startRedis(), (r) => r.stop());
    const client = later(new Redis(redis.url), async (c) => c.disconnect());
    await client.ping();
    redis.pause();
    const pending = client.ping();
    assert.equal(await Promise.race([pending, delay(300).then(() => 'stalled')]), 'stalled');
    redis.resume();
    assert.equal(await pending, 'PONG');
  });

  it('starts a 3-master cluster usable by ioredis, and stop() ends every node', async () => {
    const cluster = later(await startRedisCluster(), (c) => c.stop());
    assert.equal(cluster.nodes.length, 3);
    assert.equal(cluster.url, `redis+cluster://${cluster.seeds.map((s) => `127.0.0.1:${s.port}`).join(',')}`);
    assert.equal((await cluster.masters()).length, 3);

    const client = later(new Redis.Cluster(cluster.seeds), async (c) => c.disconnect());
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const key of keys) await client.set(key, `v-${key}`);
    for (const key of keys) assert.equal(await client.get(key), `v-${key}`);
    const slots = new Set(await Promise.all(keys.map((k) => client.cluster('KEYSLOT', k))));
    assert.ok(slots.size > 1, 'keys all hashed to one slot');
    const sizes = await Promise.all(cluster.nodes.map((n) => n.cli('DBSIZE').then(Number)));
    assert.ok(sizes.filter((s) => s > 0).length >= 2, `keys on one node only: ${sizes.join(',')}`);

    client.disconnect();
    await cluster.stop();
    for (const node of cluster.nodes) assert.ok(!alive(node.pid), `node ${node.port} still alive`);
  });

  it('starts a cluster with replicas, masters first; masters() reports the 3 masters', async () => {
    const cluster = later(await startRedisCluster({ replicasPerMaster: 1 }), (c) => c.stop());
    assert.equal(cluster.nodes.length, 6);
    const masters = await cluster.masters();
    assert.deepEqual(masters.map((n) => n.port), cluster.nodes.slice(0, 3).map((n) => n.port));
    assert.deepEqual(cluster.seeds.map((s) => s.port), masters.map((n) => n.port));
    assert.match(await cluster.nodes[5]!.cli('ROLE'), /^slave/);
  });
});
