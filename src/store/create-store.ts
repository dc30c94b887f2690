/**
 * Builds the backend that `FOOTFALL_STORE` names. The only place that switches on the kind of
 * store: whatever differs between backends (sharing, change notices, expiry) each one brings.
 */
import type { StoreUrl } from '../config/store-url.js';
import { MemoryStore } from './memory-store.js';
import { connectRedisStore } from './redis/redis-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store, StoreDependencies } from './store.js';

/** Opens the store; throws a StartupError when it cannot be used (e.g. not a footfall file). */
export async function createStore(url: StoreUrl, deps: StoreDependencies): Promise<Store> {
  switch (url.kind) {
    case 'memory':
      return new MemoryStore({ clock: deps.clock });
    case 'sqlite':
      return openSqliteStore(url.path, deps);
    case 'redis':
    case 'redis-cluster':
      return connectRedisStore(url, deps);
  }
}
