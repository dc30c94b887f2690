/**
 * A process of simulated footfall instances for the fanout scenario: each is a real change
 * feed on its own Redis Cluster connections, either publishing a flush's site list every flush
 * interval, or subscribed and doing per notice what the push scheduler does (a lookup per site).
 * Bounded: publishing stops after MAX_PUBLISH_MS, and the process exits when its parent goes.
 * Usage: fork('fanout-worker.ts', { execArgv: ['--import', 'tsx'] }).
 */
import { parseStoreUrl } from '../../src/config/store-url.js';
import { createLogger } from '../../src/log.js';
import { RedisChangeFeed } from '../../src/store/redis/change-feed.js';
import { connectRedis, type RedisConnection, type RedisStoreUrl } from '../../src/store/redis/connect.js';
import type { ChangeFeed } from '../../src/store/store.js';
import { ClassicChangeFeed } from './classic-change-feed.js';
import type { FanoutCounters, FanoutWorkload, FromFanoutWorker, ToFanoutWorker } from './fanout-protocol.js';

const MAX_PUBLISH_MS = 180_000;
const log = createLogger('warn');
const counters: FanoutCounters = { cpuMicros: 0, published: 0, sitesPublished: 0, delivered: 0, sitesDelivered: 0, sitesWanted: 0 };
const connections: RedisConnection[] = [];
const feeds: Array<ChangeFeed & { close(): Promise<void> }> = [];
let publishers: Array<() => void> = [];
const timers: NodeJS.Timeout[] = [];

const send = (message: FromFanoutWorker) => process.send?.(message);

function siteIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `site-${String(i).padStart(5, '0')}`);
}

/** `k` distinct random picks from `items`. */
function sample(items: readonly string[], k: number): string[] {
  const picked = new Set<string>();
  while (picked.size < Math.min(k, items.length)) picked.add(items[Math.floor(Math.random() * items.length)]!);
  return [...picked];
}

async function open(message: Extract<ToFanoutWorker, { type: 'open' }>): Promise<number> {
  const url = parseStoreUrl(message.url) as RedisStoreUrl;
  const { workload, instances } = message;
  const sites = siteIds(workload.sites);
  // Who holds each site's widgets: `widgetsPerSite` random instances (some twice).
  const watchedBy: Array<Set<string>> = Array.from({ length: instances }, () => new Set());
  for (const site of sites) for (let w = 0; w < workload.widgetsPerSite; w++) watchedBy[Math.floor(Math.random() * instances)]!.add(site);
  let watches = 0;
  for (let i = 0; i < instances; i++) {
    const connection = await connectRedis(url, { log, name: `${message.role}-${i}` });
    connections.push(connection);
    const feed = message.mode === 'classic' ? new ClassicChangeFeed(url, connection.client, log) : new RedisChangeFeed(url, connection.client, log);
    feeds.push(feed);
    if (message.role === 'publish') {
      publishers.push(() => {
        const written = sample(sites, workload.sitesPerFlush);
        feed.publish(written);
        counters.published += 1;
        counters.sitesPublished += written.length;
      });
      continue;
    }
    const watched = watchedBy[i]!;
    for (const site of watched) feed.watch(site);
    watches += watched.size;
    // Resolves once every watched site's SSUBSCRIBE (or the one SUBSCRIBE) is acknowledged.
    await feed.subscribe((changed) => {
      counters.delivered += 1;
      counters.sitesDelivered += changed.length;
      for (const site of changed) if (watched.has(site)) counters.sitesWanted += 1;
    });
  }
  return watches;
}

function start(flushMs: number): void {
  const started = Date.now();
  publishers.forEach((publishFlush, i) => {
    // Instances flush out of step, as separate processes would.
    const timer = setTimeout(() => {
      const interval = setInterval(() => {
        if (Date.now() - started > MAX_PUBLISH_MS) clearInterval(interval);
        else publishFlush();
      }, flushMs);
      timers.push(interval);
    }, (i * flushMs) / publishers.length);
    timers.push(timer);
  });
}

async function close(): Promise<void> {
  for (const timer of timers) clearInterval(timer);
  publishers = [];
  await Promise.all(feeds.map((feed) => feed.close()));
  await Promise.all(connections.map((connection) => connection.client.quit().catch(() => connection.client.disconnect())));
}

let workload: FanoutWorkload | undefined;
process.on('message', (message: ToFanoutWorker) => {
  switch (message.type) {
    case 'open':
      workload = message.workload;
      void open(message).then((watches) => send({ type: 'opened', watches }));
      break;
    case 'start':
      start(workload?.flushMs ?? 50);
      break;
    case 'mark': {
      const cpu = process.cpuUsage();
      send({ type: 'marked', counters: { ...counters, cpuMicros: cpu.user + cpu.system } });
      break;
    }
    case 'close':
      void close().then(() => {
        send({ type: 'closed' });
        process.exit(0);
      });
      break;
  }
});
process.on('disconnect', () => process.exit(0));
