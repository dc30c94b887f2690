/**
 * Change notices over Redis pub/sub, for instances sharing a Redis (or Redis Cluster, where a
 * PUBLISH reaches every node). One message per flush lists the sites written; a lost message
 * only delays a push until the next periodic refresh.
 */
import type { Logger } from '../log.js';
import { connectRedis, type RedisClient, type RedisStoreUrl } from '../store/redis/connect.js';
import type { ChangeFeed } from './change-feed.js';

const CHANNEL = 'footfall:changed';

export class RedisChangeFeed implements ChangeFeed {
  private readonly listeners: Array<(sites: string[]) => void> = [];

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly log: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CHANNEL || !message) return;
      const sites = message.split(',');
      for (const listener of this.listeners) listener(sites);
    });
  }

  static async connect(url: RedisStoreUrl, log: Logger): Promise<RedisChangeFeed> {
    const [publisher, subscriber] = await Promise.all([
      connectRedis(url, { log, name: 'feed-publish' }),
      connectRedis(url, { log, name: 'feed-subscribe' }),
    ]);
    // ioredis subscribes again by itself after a reconnect.
    await subscriber.subscribe(CHANNEL);
    return new RedisChangeFeed(publisher, subscriber, log.child({ module: 'feed' }));
  }

  publish(sites: string[]): void {
    if (sites.length === 0) return;
    this.publisher.publish(CHANNEL, sites.join(',')).catch((error: unknown) => {
      this.log.debug({ err: error }, 'change notice not sent');
    });
  }

  subscribe(listener: (sites: string[]) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}
