/**
 * Live connections on the HTTP server's port: Socket.IO with `auth: {site, path?, paths?}`. A
 * handshake from an origin no site has is refused before a session exists (connection-guard.ts);
 * the named site's origins are checked in the connection middleware, so a client refused there
 * gets a `connect_error` whose message says why, on the polling and the websocket transport alike.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Config } from '../config/config.js';
import type { Admissions } from '../counting/admission.js';
import type { ClientAddress } from '../counting/client-address.js';
import type { Counter } from '../counting/counter.js';
import type { CountsCache, PageAsk } from '../counting/counts-cache.js';
import { MAX_ASKED_PATHS, readPath } from '../counting/page-path.js';
import type { Site } from '../counting/site.js';
import { FootfallError, liveRefusal } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Access } from '../ops/access.js';
import { ConnectionGuard, disconnectFlooders, requireSessionOrigin } from './connection-guard.js';
import { MAX_CLIENT_MESSAGE_BYTES, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from './events.js';
import { releaseHandshakeHeaders } from './handshake-memory.js';
import { attachOpsNamespace } from './ops-namespace.js';
import { Presence } from './presence.js';
import { PushScheduler, roomOf } from './push-scheduler.js';

export interface LiveDependencies {
  counter: Counter;
  admissions: Admissions;
  access: Access;
  cache: CountsCache;
  metrics: Metrics;
  log: Logger;
  config: Pick<Config, 'pushIntervalMs' | 'onlineWindowMs' | 'connectionsPerIp'>;
  /** The address a connection counts against in the per-IP cap, as admission resolves it. */
  clientAddress: ClientAddress;
}

export interface Live {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  /** Closes every connection (clients will reconnect) and stops the timers. */
  close(): Promise<void>;
}

/** How long an engine.io session may stay without connecting to a namespace. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * The pages a handshake asks about, as page keys: `auth.paths` (up to 50) wins over
 * `auth.path`; a path that is not one is left out, as a reader's `?path=` is refused.
 */
function askOf(site: Site, auth: { path?: unknown; paths?: unknown }): PageAsk | Error {
  if (auth.paths !== undefined) {
    if (!Array.isArray(auth.paths) || auth.paths.length > MAX_ASKED_PATHS || !auth.paths.every((path) => typeof path === 'string')) {
      return liveRefusal('invalid_auth', `auth.paths must be a list of at most ${MAX_ASKED_PATHS} paths.`);
    }
    return (auth.paths as string[]).map((path) => readPath(path, site.pageQuery)).filter((path): path is string => path !== undefined);
  }
  return typeof auth.path === 'string' ? readPath(auth.path, site.pageQuery) : undefined;
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Attaches Socket.IO to `httpServer`; resolves once change notices of every instance arrive. */
export async function attachLive(httpServer: HttpServer, deps: LiveDependencies): Promise<Live> {
  const { counter, log } = deps;
  const guard = new ConnectionGuard({
    maxPerAddress: deps.config.connectionsPerIp,
    clientAddress: deps.clientAddress,
    servesOrigin: (origin) => counter.servesOrigin(origin),
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    allowRequest: guard.allowRequest,
    // A session that names no namespace holds its slot for nothing: a widget connects at once.
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    // Any page may open the transport; the site's origins are checked in the middleware below.
    cors: { origin: true, credentials: false },
  });
  const presence = new Presence(counter, deps.config.onlineWindowMs);
  const scheduler = new PushScheduler({
    io,
    counter,
    cache: deps.cache,
    intervalMs: deps.config.pushIntervalMs,
    log: log.child({ module: 'pushes' }),
    metrics: deps.metrics,
  });
  await counter.watchChanges((sites) => scheduler.changed(sites));
  guard.watch(io);
  releaseHandshakeHeaders(io);
  requireSessionOrigin(io);
  const ops = attachOpsNamespace(io, {
    counter,
    access: deps.access,
    clientAddress: deps.clientAddress,
    intervalMs: deps.config.pushIntervalMs,
    log: log.child({ module: 'ops' }),
    cache: deps.cache,
  });

  io.use(async (socket, next) => {
    const auth = socket.handshake.auth as { site?: unknown; path?: unknown; paths?: unknown };
    if (typeof auth.site !== 'string') return next(liveRefusal('invalid_auth'));
    const admitted = deps.admissions.admit({ kind: 'live', site: auth.site, origin: socket.handshake.headers.origin, request: socket.request });
    if (admitted.verdict === 'refused') return next(liveRefusal(admitted.error.code, admitted.error.message));
    const { site, visitor } = admitted;
    const ask = askOf(site, auth);
    if (ask instanceof Error) return next(ask);
    try {
      const onlineId = await counter.onlineId(site, visitor);
      socket.data = { site: site.id, ask, onlineId };
      next();
    } catch (error) {
      if (error instanceof FootfallError && error.code === 'rate_limited') return next(liveRefusal('rate_limited', error.message));
      log.warn({ err: error, site: site.id }, 'live connection refused: store not answering');
      next(liveRefusal('store_unavailable', 'The counter store is not answering; the widget will try again.'));
    }
  });

  // One handler for every socket, told apart by `this`: a closure per socket would be memory
  // per open widget.
  function left(this: LiveSocket): void {
    const { site, ask, onlineId } = this.data;
    deps.metrics.liveConnections.dec();
    scheduler.leave(site, roomOf(site, ask));
    if (onlineId !== undefined) presence.remove(site, onlineId);
  }

  io.on('connection', (socket) => {
    const { site, ask, onlineId } = socket.data;
    const room = roomOf(site, ask);
    deps.metrics.liveConnections.inc();
    disconnectFlooders(socket);
    void socket.join(room);
    scheduler.join(site, room, ask);
    if (onlineId !== undefined) presence.add(site, onlineId);
    const known = counter.site(site);
    if (known) {
      deps.cache.get(known, ask).then(
        ({ counts }) => socket.emit('counts', counts),
        (error: unknown) => log.warn({ err: error, site }, 'could not read counts for a new connection'),
      );
    }
    socket.on('disconnect', left);
  });

  presence.start();
  scheduler.start();

  return {
    io,
    async close() {
      ops.close();
      scheduler.close();
      presence.close();
      // Closing the transports without a disconnect packet lets clients reconnect by
      // themselves (to the next instance); io.close() would also wait on the HTTP server.
      io.engine.close();
    },
  };
}
