/**
 * The change feed as footfall had it before sharded pub/sub (src/store/redis/change-feed.ts up
 * to commit f9599da): one classic PUBLISH per flush on one channel, listing every site written,
 * and every instance SUBSCRIBEd to it. Kept only as the baseline of the fanout scenario, run
 * against the same Cluster as the feed that replaced it; watches change nothing, as every
 * instance heard every notice.
 */
import type { Logger } from '../../src/log.js';
import { openRedis, type RedisClient, type RedisConnection, type RedisStoreUrl } from '../../src/store/redis/connect.js';
import type { ChangeFeed } from '../../src/store/store.js';

export const CLASSIC_CHANNEL = 'footfall:changed';

export class ClassicChangeFeed implements ChangeFeed {
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
    this.publisher.publish(CLASSIC_CHANNEL, sites.join(',')).catch((error: unknown) => {
      this.log.debug({ err: error }, 'change notice not sent');
    });
  }

  subscribe(listener: (sites: readonly string[]) => void): Promise<void> {
    this.listeners.push(listener);
    return (this.subscribed ??= this.open());
  }

  watch(): void {}

  unwatch(): void {}

  private async open(): Promise<void> {
    this.subscriber = openRedis(this.url, { log: this.log, name: 'feed-subscribe', offlineQueue: true });
    const { client } = this.subscriber;
    client.on('message', (channel: string, message: string) => {
      if (channel !== CLASSIC_CHANNEL || !message) return;
      const changed = message.split(',');
      for (const notify of this.listeners) notify(changed);
    });
    await client.subscribe(CLASSIC_CHANNEL);
  }

  async close(): Promise<void> {
    if (!this.subscriber) return;
    await this.subscriber.client.quit().catch(() => this.subscriber?.client.disconnect());
  }
}
