/**
 * The `/ops` namespace: the ops dashboard's live table. A client connects with
 * `auth: {token}` (the admin token) and receives `sites` — every site's counts payload and
 * last hit — once per push interval. The sites are read (concurrently, once each) only while
 * at least one ops client is connected; with none, this costs the store nothing.
 */
import type { Namespace, Server } from 'socket.io';
import type { Counter } from '../counting/counter.js';
import type { CountsCache } from '../counting/counts-cache.js';
import { liveRefusal } from '../errors.js';
import type { Logger } from '../log.js';
import { tokenMatches } from '../ops/access.js';
import type { OpsServerToClientEvents, OpsSiteRow } from './events.js';

export interface OpsNamespaceOptions {
  counter: Counter;
  /** Without a token the namespace refuses everyone, as the admin API answers 404. */
  adminToken?: string;
  intervalMs: number;
  log: Logger;
  /** Fresh reads are handed to the counts cache, so HTTP readers reuse them. */
  cache?: CountsCache;
}

export interface OpsNamespace {
  /** Stops the timer; the sockets close with the server. */
  close(): void;
}

type OpsSockets = Namespace<Record<never, never>, OpsServerToClientEvents>;

/** The handshake's `auth.token` against the admin token, in constant time. */
function authorised(adminToken: string | undefined, auth: unknown): boolean {
  const token = (auth as { token?: unknown } | undefined)?.token;
  return adminToken !== undefined && typeof token === 'string' && token !== '' && tokenMatches(adminToken, token);
}

/** Adds the `/ops` namespace to `io`; its timer runs only while an ops client is connected. */
export function attachOpsNamespace(io: Server, options: OpsNamespaceOptions): OpsNamespace {
  const { counter, log } = options;
  // The server is typed for the widgets' namespace; `/ops` has its own events.
  const ops = io.of('/ops') as unknown as OpsSockets;
  let connected = 0;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let last: OpsSiteRow[] | undefined;

  ops.use((socket, next) => {
    if (authorised(options.adminToken, socket.handshake.auth)) return next();
    next(liveRefusal('unauthorized', 'Connect to /ops with auth: {token: "<the admin token>"}.'));
  });

  const tick = async (): Promise<void> => {
    if (ticking) return;
    ticking = true;
    try {
      const sites = counter.listSites();
      const reads = await Promise.all(sites.map((site) => counter.readCounts(site)));
      reads.forEach((read, i) => options.cache?.put(sites[i]!, read, []));
      last = reads.map((read) => ({ counts: read.counts, lastHit: read.lastHit > 0 ? new Date(read.lastHit).toISOString() : null }));
      if (connected > 0) ops.emit('sites', last);
    } catch (error) {
      // The dashboard shows the age of its last update; a skipped tick is visible there.
      log.warn({ err: error }, 'could not read counts for the ops dashboard');
    } finally {
      ticking = false;
    }
  };

  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    last = undefined;
  };

  ops.on('connection', (socket) => {
    connected += 1;
    if (timer === undefined) {
      timer = setInterval(() => void tick(), options.intervalMs);
      timer.unref();
      void tick();
    } else if (last) {
      socket.emit('sites', last);
    }
    socket.on('disconnect', () => {
      connected -= 1;
      if (connected === 0) stop();
    });
  });

  return { close: stop };
}
