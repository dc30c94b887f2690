/**
 * The page's one live connection: Socket.IO over websocket (long-polling when that fails),
 * reconnecting with backoff. A refusal that retrying cannot change (this origin is not the
 * site's, the site does not exist) ends it quietly for good.
 */
import { Manager, type Socket } from 'socket.io-client';
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import type { ClientToServerEvents, LiveAuth, LiveRefusal, ServerToClientEvents } from '../../src/live/events.js';
import { guard } from './guard.js';
import type { Shared } from './shared.js';

/** What the connection tells the views. */
export interface LiveEvents {
  counts(counts: CountsPayload): void;
  /** Up or down; socket.io keeps trying meanwhile. */
  link(up: boolean): void;
  /** The site refused this page for good. */
  refused(): void;
}

export interface LiveConnection {
  /** Follows the page to a new path (for `page.views`); undefined watches the site only. */
  follow(path: string | undefined): void;
}

const FINAL: readonly string[] = ['origin_not_allowed', 'unknown_site', 'invalid_auth'] satisfies LiveRefusal[];

/** Opens the connection to the server the tracker came from. */
export function connect(state: Shared, path: string | undefined, on: LiveEvents): LiveConnection {
  const server = new URL(state.o);
  const auth: LiveAuth = { site: state.s, path };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = new Manager(server.origin, {
    // Served under a prefix (/stats/footfall.js), footfall's Socket.IO is under it too.
    path: server.pathname + 'socket.io',
    transports: ['websocket', 'polling'],
    // A proxy that blocks websockets still gets figures through long-polling.
    tryAllTransports: true,
  }).socket('/', { auth });

  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** socket.io only retries lost transports; refusals and server kicks need our own backoff. */
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => socket.connect(), Math.min(30e3, 1e3 * 2 ** failures++) * (0.5 + Math.random()));
  };

  socket.on(
    'connect',
    guard(() => {
      failures = 0;
      on.link(true);
    }),
  );
  socket.on('counts', guard(on.counts));
  socket.on(
    'disconnect',
    guard((reason) => {
      on.link(false);
      // A server going down for a deploy says goodbye first; come back when it is up again.
      if (reason == 'io server disconnect') later();
    }),
  );
  socket.on(
    'connect_error',
    guard((error) => {
      // Still active: the transport failed and socket.io retries by itself.
      if (socket.active) return;
      if (FINAL.includes(error.message)) {
        socket.disconnect();
        on.refused();
      } else later();
    }),
  );

  return {
    follow(next) {
      if (next == auth.path) return;
      auth.path = next;
      socket.disconnect().connect();
    },
  };
}
