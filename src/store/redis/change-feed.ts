/**
 * Change notices over Redis pub/sub, for instances sharing a Redis (or a Redis Cluster, where a
 * PUBLISH reaches every node). One message per flush lists the sites written. Notices go out on
 * the store's own connection; the subscriber gets a connection of its own, opened the first time
 * someone listens (a CLI never does), and ioredis subscribes again by itself after a reconnect.
 */
import type { Logger } from '../../log.js';
import type { ChangeFeed } from '../store.js';
import { openRedis, type RedisClient, type RedisConnection, type RedisStoreUrl } from './connect.js';
import { CHANGES_CHANNEL } from './keys.js';

export class RedisChangeFeed implements ChangeFeed {
  private readonly listeners: Array<(sites: readonly string[]) => void> = [];
  private subscriber?: RedisConnection;
  private subscribed?: Promise<void>;

  constructor(
    private readonly url: RedisStoreUrl,
    private readonly publisher: RedisClient,
    private readonly log: Logger,
  ) {}

  publish(sites: readonly string[]): void {
    if (sites.length === 0) return;
    this.publisher.publish(CHANGES_CHANNEL, sites.join(',')).catch((error: unknown) => {
      this.log.debug({ err: error }, 'change notice not sent');
    });
  }

  subscribe(listener: (sites: readonly string[]) => void): Promise<void> {
    this.listeners.push(listener);
    return (this.subscribed ??= this.open());
  }

  private async open(): Promise<void> {
    this.subscriber = openRedis(this.url, { log: this.log, name: 'feed-subscribe', offlineQueue: true });
    const { client } = this.subscriber;
    client.on('message', (channel: string, message: string) => {
      if (channel !== CHANGES_CHANNEL || !message) return;
      const changed = message.split(',');
      for (const notify of this.listeners) notify(changed);
    });
    await client.subscribe(CHANGES_CHANNEL);
  }

  async close(): Promise<void> {
    if (!this.subscriber) return;
    await this.subscriber.client.quit().catch(() => this.subscriber?.client.disconnect());
  }
}
