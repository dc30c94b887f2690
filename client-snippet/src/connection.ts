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
  /** Fresh figures, with the paths the connection asked for: `counts.pages` answers them in order. */
  counts(counts: CountsPayload, asked: readonly string[]): void;
  /** Up or down; socket.io keeps trying meanwhile. */
  link(up: boolean): void;
  /** The site refused this page for good. */
  refused(): void;
}

export interface LiveConnection {
  /** Asks for another list of paths (reconnecting); an empty list watches the site only. */
  follow(paths: readonly string[]): void;
}

const FINAL: readonly string[] = ['origin_not_allowed', 'unknown_site', 'invalid_auth'] satisfies LiveRefusal[];

/**
 * Why the server refused: a namespace refusal's message, or, for a handshake refused before a
 * session existed (an origin no site has), the reason in the polling answer's body.
 */
function refusalOf(error: Error & { context?: { responseText?: unknown } }): string {
  try {
    return (JSON.parse(String(error.context?.responseText)) as { message?: string }).message || error.message;
  } catch {
    return error.message;
  }
}

/** Opens the connection to the server the tracker came from, asking for `paths` (a `watchList`). */
export function connect(state: Shared, paths: readonly string[], on: LiveEvents): LiveConnection {
  const server = new URL(state.o);
  let wanted = paths;
  // The list the latest handshake carried: what the pushes on this connection answer.
  let asked = wanted;
  // Site-wide watchers share one room on the server; only a page with page slots asks for paths.
  const auth = (send: (auth: LiveAuth) => void): void => send({ site: state.s, paths: (asked = wanted).length ? [...asked] : undefined });
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
  socket.on(
    'counts',
    guard((counts) => on.counts(counts, asked)),
  );
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
      if (FINAL.includes(refusalOf(error))) {
        socket.disconnect();
        on.refused();
      } else if (!socket.active) later();
      // Still active: the transport failed and socket.io retries by itself.
    }),
  );

  return {
    follow(next) {
      if (next.join('\n') == wanted.join('\n')) return;
      wanted = next;
      // The old connection is dropped before the new handshake: no push of the old list after it.
      socket.disconnect().connect();
    },
  };
}
