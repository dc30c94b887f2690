/**
 * `footfall/client`: the HTTP API and the live protocol of docs/api.md for Node scripts, typed
 * with the server's own wire types. It reads public counts, a site's reports (with the admin
 * token, a site owner's key, or nothing for a public site) and follows the live events.
 *
 * It takes only shapes from the server — the counts payload, the live event maps, the error
 * codes — as the browser snippet does (docs/architecture.md), so importing it loads nothing
 * of the server.
 */
import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../errors.js';
import type { ClientToServerEvents, LiveAuth, OpsServerToClientEvents, OpsSiteRow, ServerToClientEvents } from '../live/events.js';
import type { CountsPayload, PageViews } from '../counting/counts-payload.js';
import type { DayDetail, DayFigures, HistoryGroup, PathUsage, SourceDimension, SourceFigures } from './reports.js';

export type { CountsPayload, PageViews, Metric, Period } from '../counting/counts-payload.js';
export type { ErrorCode } from '../errors.js';
export type { LiveAuth, LiveRefusal, OpsSiteRow } from '../live/events.js';
export type * from './reports.js';

export interface ClientOptions {
  /** The admin token (`FOOTFALL_ADMIN_TOKEN`): opens every report and the `/ops` feed of every site. */
  token?: string;
  /** A site owner's key, `ffk_<id>_<secret>`: opens its sites' reports and `/ops` feed. */
  key?: string;
  /** Gives up on an HTTP request after this long (default 10 s). */
  timeoutMs?: number;
}

/** An error answer of the API: its status and the code and message of the error catalogue. */
export class FootfallApiError extends Error {
  constructor(
    readonly status: number,
    /** Undefined when the answer was not footfall's error shape (a proxy's page, say). */
    readonly code: ErrorCode | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FootfallApiError';
  }
}

/** A live connection that failed: `code` is the server's refusal (the `connect_error` message), undefined when no server answered. */
export class FootfallLiveError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FootfallLiveError';
  }
}

export interface Subscription {
  socket: Socket;
  /** Resolves once connected; rejects with a FootfallLiveError when the server refuses. */
  ready: Promise<void>;
  close(): void;
}

export interface FollowOptions {
  /** One page: every `counts` carries `page`. */
  path?: string;
  /** Up to 50 pages: every `counts` carries `pages`, in this order. */
  paths?: string[];
  /** The `Origin` to send: one of the site's origins (a browser sends its page's). */
  origin?: string;
  /** The `User-Agent` to send. */
  userAgent?: string;
  /** Reconnect after a dropped connection, as a widget does (default true). */
  reconnection?: boolean;
}

export interface FollowSitesOptions {
  /** Without a token or key: follow this site, when it is public. */
  site?: string;
  reconnection?: boolean;
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export class FootfallClient {
  readonly server: string;

  /** `server`: the footfall server's address, e.g. `https://stats.example.com`. */
  constructor(
    server: string | URL,
    private readonly options: ClientOptions = {},
  ) {
    this.server = String(server).replace(/\/+$/, '');
  }

  /** `GET /api/v1/sites/{site}/counts`: the figures; with `path`, a page's (or several pages') views too. */
  counts(site: string, options: { path?: string | readonly string[] } = {}): Promise<CountsPayload> {
    return this.get(`/api/v1/sites/${encodeURIComponent(site)}/counts`, { path: options.path }, false);
  }

  /** `GET …/history`: one row per local day from `from` to `to`, or per month or year. */
  history(site: string, options: { from?: string; to?: string; group?: HistoryGroup } = {}): Promise<DayFigures[]> {
    return this.get(this.sitePath(site, 'history'), options);
  }

  /** `GET …/pages`: a local day's top pages. */
  pages(site: string, options: { date?: string; limit?: number } = {}): Promise<PageViews[]> {
    return this.get(this.sitePath(site, 'pages'), options);
  }

  /** `GET …/day`: one local day by hour, and its refused hits. */
  day(site: string, options: { date?: string } = {}): Promise<DayDetail> {
    return this.get(this.sitePath(site, 'day'), options);
  }

  /** `GET …/sources`: where views came from in one dimension. */
  sources(site: string, options: { dim: SourceDimension; from?: string; to?: string; limit?: number }): Promise<SourceFigures[]> {
    return this.get(this.sitePath(site, 'sources'), options);
  }

  /** `GET …/paths`: distinct paths against the site's caps. */
  paths(site: string): Promise<PathUsage> {
    return this.get(this.sitePath(site, 'paths'), {});
  }

  /**
   * Follows a site live on the widgets' namespace: `onCounts` gets the figures at once and at
   * every change. Like a widget, an open connection keeps its visitor online; operators'
   * tools follow `followSites` instead, which counts no one.
   */
  follow(site: string, onCounts: (counts: CountsPayload) => void, options: FollowOptions = {}): Subscription {
    const auth: LiveAuth = { site, ...(options.path === undefined ? {} : { path: options.path }), ...(options.paths === undefined ? {} : { paths: options.paths }) };
    const headers = { ...(options.origin ? { origin: options.origin } : {}), ...(options.userAgent ? { 'user-agent': options.userAgent } : {}) };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.server, this.socketOptions(auth, headers, options.reconnection));
    socket.on('counts', onCounts);
    return subscription(socket);
  }

  /**
   * Follows the `/ops` feed: every site with the token, a key's sites with a key, or one public
   * site (`options.site`) with neither. `onSites` gets a row per site once per push interval.
   */
  followSites(onSites: (rows: OpsSiteRow[]) => void, options: FollowSitesOptions = {}): Subscription {
    const { token, key } = this.options;
    const auth = token !== undefined ? { token } : key !== undefined ? { key } : { site: options.site };
    const socket: Socket<OpsServerToClientEvents, Record<never, never>> = io(`${this.server}/ops`, this.socketOptions(auth, {}, options.reconnection));
    socket.on('sites', onSites);
    return subscription(socket);
  }

  private socketOptions(auth: object, headers: Record<string, string>, reconnection = true) {
    return { auth, extraHeaders: headers, transports: ['websocket', 'polling'], reconnection, forceNew: true };
  }

  private sitePath(site: string, report: string): string {
    return `/api/v1/sites/${encodeURIComponent(site)}/${report}`;
  }

  private get<T>(path: string, query: Query, authorize = true): Promise<T> {
    return this.request(path, query, authorize);
  }

  private async request<T>(path: string, query: Query, authorize: boolean): Promise<T> {
    const url = new URL(this.server + path);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const one of typeof value === 'object' ? value : [value]) url.searchParams.append(name, String(one));
    }
    const credential = authorize ? (this.options.token ?? this.options.key) : undefined;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential !== undefined) headers.authorization = `Bearer ${credential}`;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    const text = await response.text();
    if (!response.ok) throw errorOf(response.status, text);
    return JSON.parse(text) as T;
  }
}

function errorOf(status: number, text: string): FootfallApiError {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: ErrorCode; message?: string } };
    if (error?.code !== undefined) return new FootfallApiError(status, error.code, error.message ?? error.code);
  } catch {
    // Not JSON: not an answer of footfall's.
  }
  return new FootfallApiError(status, undefined, `HTTP ${status}: ${text.slice(0, 200)}`);
}

/** A `connect_error` as a FootfallLiveError: a refusal of the server has data; anything else (no server there) is the transport's. */
export function liveErrorOf(error: Error & { data?: { code?: string; message?: string } }): FootfallLiveError {
  return new FootfallLiveError(error.data?.code, error.data?.message ?? error.message);
}

function subscription(socket: Socket): Subscription {
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error) => reject(liveErrorOf(error)));
  });
  // The caller may only look at `ready` later: an early refusal is not an unhandled rejection.
  ready.catch(() => undefined);
  return { socket, ready, close: () => socket.disconnect() };
}
