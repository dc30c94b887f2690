/**
 * The backends the conformance suite runs against. Each `open()` returns a new store over the
 * same data as the others it opened (a new connection where the backend has connections), so
 * the suite can check that instances share sites, salts and figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseStoreUrl } from '../../src/config/store-url.js';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { startRedisCluster } from '../support/redis-cluster.js';
import { startRedis } from '../support/redis-server.js';

export interface BackendUnderTest {
  name: string;
  /** Starts what the backend needs (a redis-server, a temp dir). */
  setup(): Promise<void>;
  open(): Promise<Store>;
  /** Closes every store it opened and stops what `setup` started. */
  teardown(): Promise<void>;
}

/** Opens stores from a URL known only after setup, and closes them all at teardown. */
function urlBackend(name: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): BackendUnderTest {
  let url = '';
  let stop = async () => {};
  const opened: Store[] = [];
  return {
    name,
    async setup() {
      ({ url, stop } = await start());
    },
    async open() {
      const parsed = parseStoreUrl(url);
      if (typeof parsed === 'string') throw new Error(parsed);
      const store = await createStore(parsed, { log: createLogger('silent') });
      opened.push(store);
      return store;
    },
    async teardown() {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await stop();
    },
  };
}

export const memoryBackend: BackendUnderTest = (() => {
  let store = new MemoryStore();
  return {
    name: 'memory:',
    async setup() {
      store = new MemoryStore();
    },
    async open() {
      return store;
    },
    async teardown() {},
  };
})();

export const sqliteBackend = urlBackend('sqlite:', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'footfall-sqlite-'));
  return { url: `sqlite:${path.join(dir, 'footfall.db')}`, stop: () => rm(dir, { recursive: true, force: true }) };
});

export const redisBackend = urlBackend('redis://', async () => {
  const redis = await startRedis();
  return { url: redis.url, stop: () => redis.stop() };
});

export const redisClusterBackend = urlBackend('redis+cluster://', async () => {
  const cluster = await startRedisCluster({ masters: 3 });
  return { url: cluster.url, stop: () => cluster.stop() };
});

export const backends: BackendUnderTest[] = [memoryBackend, sqliteBackend, redisBackend, redisClusterBackend];
