/**
 * The `/ops` namespace: the dashboards' live table. A client connects with `auth: {token}`
 * (the admin token: every site), `auth: {key}` (a site owner's key: its sites) or
 * `auth: {site}` (a public site: that one), and receives `sites` — the counts payload and last
 * hit of each site it follows — once per push interval. Only followed sites are read (each
 * once per interval, whatever the number of clients), and none while no client is connected.
 * A refused handshake closes the connection, so one socket cannot try credential after
 * credential.
 *
 * The table is read on its own timer, not on change notices, so `/ops` watches no site on the
 * store's change feed: an operator following every site would otherwise subscribe each instance
 * to every site's channel, the fan-out the per-site channels avoid (store/redis/change-feed.ts).
 * One read per followed site per interval is the price, the same whether the site changed or not.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import type { ClientAddress } from '../counting/client-address.js';
import type { Counter } from '../counting/counter.js';
import type { CountsCache } from '../counting/counts-cache.js';
import type { Site } from '../counting/site.js';
import { FootfallError, liveRefusal } from '../errors.js';
import type { Logger } from '../log.js';
import type { Access } from '../ops/access.js';
import type { OpsServerToClientEvents, OpsSiteRow } from './events.js';

export interface OpsNamespaceOptions {
  counter: Counter;
  access: Access;
  clientAddress: ClientAddress;
  intervalMs: number;
  log: Logger;
  /** Fresh reads are handed to the counts cache, so HTTP readers reuse them. */
  cache?: CountsCache;
}

export interface OpsNamespace {
  /** Stops the timer; the sockets close with the server. */
  close(): void;
}

type OpsSocket = Socket<Record<never, never>, OpsServerToClientEvents, Record<string, never>, { follows: 'all' | readonly string[] }>;
type OpsSockets = Namespace<Record<never, never>, OpsServerToClientEvents, Record<string, never>, { follows: 'all' | readonly string[] }>;

/** A refused client's connection is closed this soon, once the refusal is on its way. */
const CLOSE_REFUSED_MS = 50;

/** Adds the `/ops` namespace to `io`; its timer runs only while an ops client is connected. */
export function attachOpsNamespace(io: Server, options: OpsNamespaceOptions): OpsNamespace {
  const { counter, log } = options;
  // The server is typed for the widgets' namespace; `/ops` has its own events.
  const ops = io.of('/ops') as unknown as OpsSockets;
  const clients = new Set<OpsSocket>();
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  /** A client came whose sites the running read leaves out: read again right after it. */
  let again = false;
  let last: Map<string, OpsSiteRow> | undefined;

  ops.use(async (socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; key?: unknown; site?: unknown };
    try {
      const site = typeof auth.site === 'string' && auth.token === undefined && auth.key === undefined ? counter.site(auth.site) : undefined;
      socket.data.follows = site?.public === true ? [site.id] : await options.access.feed(auth, options.clientAddress(socket.request));
      next();
    } catch (error) {
      const refusal = error instanceof FootfallError ? error : new FootfallError('unauthorized');
      next(liveRefusal(refusal.code, refusal.code === 'unauthorized' ? 'Connect to /ops with auth: {token}, {key} or, for a public site, {site}.' : refusal.message));
      setTimeout(() => socket.conn.close(), CLOSE_REFUSED_MS).unref();
    }
  });

  const followed = (): Site[] => {
    const all = counter.listSites();
    const wanted = new Set<string>();
    for (const client of clients) {
      if (client.data.follows === 'all') return all;
      for (const id of client.data.follows) wanted.add(id);
    }
    return all.filter((site) => wanted.has(site.id));
  };

  const rowsFor = (client: OpsSocket, rows: Map<string, OpsSiteRow>): OpsSiteRow[] =>
    client.data.follows === 'all' ? [...rows.values()] : client.data.follows.flatMap((id) => rows.get(id) ?? []);

  /** True when `rows` hold every site `client` follows: a client never gets a table missing some. */
  const covers = (client: OpsSocket, rows: Map<string, OpsSiteRow>): boolean =>
    client.data.follows === 'all' ? counter.listSites().every((site) => rows.has(site.id)) : client.data.follows.every((id) => rows.has(id) || counter.site(id) === undefined);

  const tick = async (): Promise<void> => {
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      const sites = followed();
      const reads = await Promise.all(sites.map((site) => counter.readCounts(site)));
      reads.forEach((read, i) => options.cache?.put(sites[i]!, read, []));
      last = new Map(reads.map((read, i) => [sites[i]!.id, { counts: read.counts, lastHit: read.lastHit > 0 ? new Date(read.lastHit).toISOString() : null }]));
      for (const client of clients) if (covers(client, last)) client.emit('sites', rowsFor(client, last));
    } catch (error) {
      // The dashboard shows the age of its last update; a skipped tick is visible there.
      log.warn({ err: error }, 'could not read counts for the ops dashboard');
    } finally {
      ticking = false;
      if (again) {
        again = false;
        void tick();
      }
    }
  };

  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    last = undefined;
  };

  ops.on('connection', (socket) => {
    clients.add(socket);
    if (timer === undefined) {
      timer = setInterval(() => void tick(), options.intervalMs);
      timer.unref();
      void tick();
    } else if (last && covers(socket, last)) {
      socket.emit('sites', rowsFor(socket, last));
    } else {
      // Its sites were not read yet: now, rather than a push interval later.
      void tick();
    }
    socket.on('disconnect', () => {
      clients.delete(socket);
      if (clients.size === 0) stop();
    });
  });

  return { close: stop };
}
