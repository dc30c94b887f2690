/** The change feed fit for the store: Redis pub/sub when instances share a Redis, else local. */
import type { StoreUrl } from '../config/store-url.js';
import type { Logger } from '../log.js';
import { LocalChangeFeed, type ChangeFeed } from './change-feed.js';
import { RedisChangeFeed } from './redis-change-feed.js';

export async function createChangeFeed(store: StoreUrl, log: Logger): Promise<ChangeFeed> {
  if (store.kind === 'redis' || store.kind === 'redis-cluster') return RedisChangeFeed.connect(store, log);
  return new LocalChangeFeed();
}
