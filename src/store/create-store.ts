/** Builds the backend that `FOOTFALL_STORE` names. */
import type { StoreUrl } from '../config/store-url.js';
import type { Logger } from '../log.js';
import { MemoryStore } from './memory-store.js';
import { connectRedisStore } from './redis/redis-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface StoreDependencies {
  log: Logger;
  clock?: () => number;
}

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
