/** Socket.IO clients as a widget opens them, with the headers a browser would send. */
import { io, type Socket } from 'socket.io-client';
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/live/events.js';
import { BROWSER_UA, SITE_ORIGIN } from './server.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveClientOptions {
  path?: string;
  origin?: string;
  userAgent?: string;
  transports?: Array<'websocket' | 'polling'>;
  /** More request headers (an `X-Forwarded-For`, say). */
  headers?: Record<string, string>;
}

/** A connected client that records every `counts` event it receives. */
export interface LiveClient {
  socket: LiveSocket;
  received: CountsPayload[];
  /**
   * Resolves with the first payload that satisfies `test`, among those received from index
   * `from` on (default 0: already received ones count too).
   */
  waitFor(test: (counts: CountsPayload) => boolean, timeoutMs?: number, from?: number): Promise<CountsPayload>;
  close(): void;
}

export function openClient(url: string, site: string, options: LiveClientOptions = {}): LiveSocket {
  return io(url, {
    auth: { site, ...(options.path === undefined ? {} : { path: options.path }) },
    transports: options.transports ?? ['websocket'],
    extraHeaders: { origin: options.origin ?? SITE_ORIGIN, 'user-agent': options.userAgent ?? BROWSER_UA, ...options.headers },
    reconnection: false,
    forceNew: true,
  });
}

export function connectClient(url: string, site: string, options: LiveClientOptions = {}): Promise<LiveClient> {
  const socket = openClient(url, site, options);
  const received: CountsPayload[] = [];
  const waiters = new Set<() => void>();
  socket.on('counts', (counts) => {
    received.push(counts);
    for (const wake of waiters) wake();
  });
  const client: LiveClient = {
    socket,
    received,
    waitFor(test, timeoutMs = 5000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.slice(from).find(test);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching counts within ${timeoutMs} ms; last: ${JSON.stringify(received.at(-1))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.disconnect(),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (error) => reject(error));
  });
}

/** The `connect_error` message a refused client receives. */
export function refusalOf(url: string, site: string, options: LiveClientOptions = {}): Promise<string> {
  return refusalOfSocket(openClient(url, site, options));
}

/** The `connect_error` message `socket` receives; rejects if it connects instead. */
export function refusalOfSocket(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('connected, but a refusal was expected'));
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error.message);
    });
  });
}

/**
 * What an engine.io handshake (the request that would open a session) is answered: its HTTP
 * status, and the refusal's message when it is refused before a session exists.
 */
export async function handshakeAnswer(url: string, headers: Record<string, string> = {}): Promise<{ status: number; message?: string }> {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { 'user-agent': BROWSER_UA, ...headers } });
  const text = await response.text();
  if (response.ok) return { status: response.status };
  return { status: response.status, message: (JSON.parse(text) as { message?: string }).message };
}
