/**
 * Change notices over Redis 7 sharded pub/sub (SPUBLISH / SSUBSCRIBE). Each site has its own
 * channel under its hash tag (`{site}:changed`, keys.ts): on a Cluster a notice goes to the one
 * master that holds the site, and reaches only the instances that watch the site. Classic
 * PUBLISH crossed the cluster bus to every node and every instance, whatever they held: its
 * cost grows with instances squared, and every instance parsed every site written anywhere
 * (loadtest/RESULTS.md, "Change-notice fan-out"; docs/scaling.md).
 *
 * No fallback to classic pub/sub: redis-store.ts refuses a Redis older than 7.0 at start (its
 * scripts need 7.0), so sharded pub/sub is always there.
 *
 * Notices go out on the store's own connection; the subscriber gets a connection of its own
 * (one per master on a Cluster), opened the first time someone listens (a CLI never does).
 * ioredis subscribes again by itself after a reconnect, and after a failover on a Cluster.
 */
import type { Logger } from '../../log.js';
import type { ChangeFeed } from '../store.js';
import { openRedis, type RedisClient, type RedisConnection, type RedisStoreUrl } from './connect.js';
import { changesChannel } from './keys.js';

export class RedisChangeFeed implements ChangeFeed {
  private readonly listeners: Array<(sites: readonly string[]) => void> = [];
  /** Site → watches; a site is subscribed while it has one. */
  private readonly watched = new Map<string, number>();
  private subscriber?: RedisConnection;
  private subscribed?: Promise<void>;

  constructor(
    private readonly url: RedisStoreUrl,
    private readonly publisher: RedisClient,
    private readonly log: Logger,
  ) {}

  publish(sites: readonly string[]): void {
    if (sites.length === 0) return;
    // One command per site, each to its site's master; auto-pipelining sends them in one write
    // per node. The message is the site id, so a subscriber need not parse the channel.
    Promise.all(sites.map((site) => this.publisher.spublish(changesChannel(site), site))).catch((error: unknown) => {
      this.log.debug({ err: error }, 'change notice not sent');
    });
  }

  subscribe(listener: (sites: readonly string[]) => void): Promise<void> {
    this.listeners.push(listener);
    return (this.subscribed ??= this.open());
  }

  watch(site: string): void {
    const count = this.watched.get(site) ?? 0;
    this.watched.set(site, count + 1);
    if (count === 0 && this.subscriber) void this.change('ssubscribe', site);
  }

  unwatch(site: string): void {
    const count = this.watched.get(site);
    if (count === undefined) return;
    if (count > 1) {
      this.watched.set(site, count - 1);
      return;
    }
    this.watched.delete(site);
    if (this.subscriber) void this.change('sunsubscribe', site);
  }

  private async open(): Promise<void> {
    this.subscriber = openRedis(this.url, { log: this.log, name: 'feed-subscribe', offlineQueue: true, shardedSubscribers: true });
    this.subscriber.client.on('smessage', (_channel: string, site: string) => {
      // A notice already in flight when its site was unwatched.
      if (!this.watched.has(site)) return;
      const changed = [site];
      for (const notify of this.listeners) notify(changed);
    });
    await Promise.all([...this.watched.keys()].map((site) => this.change('ssubscribe', site)));
  }

  /**
   * One channel per command: on a Cluster the channels of one SSUBSCRIBE must share a slot. A
   * site whose subscription failed is still refreshed by the push scheduler every few seconds.
   */
  private async change(command: 'ssubscribe' | 'sunsubscribe', site: string): Promise<void> {
    try {
      await this.subscriber?.client[command](changesChannel(site));
    } catch (error) {
      this.log.warn({ err: error, site }, `change notices: ${command} failed`);
    }
  }

  async close(): Promise<void> {
    if (!this.subscriber) return;
    await this.subscriber.client.quit().catch(() => this.subscriber?.client.disconnect());
  }
}
