/**
 * The live protocol, declared once: the event maps type the Socket.IO server here and the
 * browser snippet in client-snippet/.
 */
import type { CountsPayload } from '../counting/counts-payload.js';
import type { ErrorCode } from '../errors.js';

/** What a widget sends when it connects (`io(url, { auth })`). */
export interface LiveAuth {
  site: string;
  /** One page's path: the pushes carry `page`, its all-time views. */
  path?: string;
  /** Up to 50 paths (a listing page's counts): the pushes carry `pages`, in this order. */
  paths?: string[];
}

/**
 * Live clients send nothing but the handshake: up to 50 paths, 16 KiB in all (docs/api.md, "Live connections"). A
 * longer message closes the connection, so the snippet keeps its `auth` under it.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

export interface ServerToClientEvents {
  counts: (counts: CountsPayload) => void;
}

/** Widgets only listen. */
export type ClientToServerEvents = Record<never, never>;

/** The `/ops` namespace: every site's counts, once per push interval. */
export interface OpsServerToClientEvents {
  sites: (sites: OpsSiteRow[]) => void;
}

export interface OpsSiteRow {
  counts: CountsPayload;
  /** ISO time of the last counted hit, or null. */
  lastHit: string | null;
}

/** Refusals a client sees as `connect_error` messages (codes of src/errors.ts). */
export type LiveRefusal = Extract<ErrorCode, 'origin_not_allowed' | 'unknown_site' | 'invalid_auth' | 'unauthorized' | 'too_many_connections' | 'rate_limited' | 'store_unavailable'>;

export interface SocketData {
  site: string;
  /** The pages the connection follows, as page keys (see counts-cache.ts PageAsk). */
  ask: undefined | string | readonly string[];
  onlineId?: string;
}
