/**
 * Opens ioredis connections (a `Redis` or a `Cluster`) from a store URL, tuned for a hot path
 * that must fail fast into the counter's outage buffer rather than wait on a dead Redis. The
 * store's connection and its change feed's subscriber are opened alike.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { StoreUrl } from '../../config/store-url.js';
import { StartupError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { StoreConnectionState } from '../store.js';

/** The store URLs this module connects to; `rediss://` turns TLS on through ioredis itself. */
export type RedisStoreUrl = Extract<StoreUrl, { kind: 'redis' | 'redis-cluster' }>;
/** A single server or a Cluster: both run the same commands and scripts. */
export type RedisClient = Redis | Cluster;

/** A client and the state of its connection, kept current from ioredis' events. */
export interface RedisConnection {
  readonly client: RedisClient;
  readonly state: StoreConnectionState;
}

/** Options for {@link connectRedis}. */
export interface ConnectRedisOptions {
  /** The parent logger; the connection logs under `{ module: 'redis' }`. */
  log: Logger;
  /** Added to log lines, to tell connections apart (e.g. `store`, `feed`). Default `store`. */
  name?: string;
  /** How long the start waits for Redis before giving up. Default 10 s. */
  readyTimeoutMs?: number;
  /** Per-command limit; a slower answer rejects so the caller can buffer. Default 2 s. */
  commandTimeoutMs?: number;
  /**
   * Queue commands while disconnected. Off for the store (a command fails at once and the
   * writer holds the batch); on for a subscriber, whose SUBSCRIBE may precede the connection.
   */
  offlineQueue?: boolean;
  /**
   * For a change-feed subscriber on a Cluster: one sharded-pub/sub connection per master, so
   * that SSUBSCRIBE reaches the node of each channel's slot. A single server ignores it.
   */
  shardedSubscribers?: boolean;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 5_000;
const ERROR_LOG_INTERVAL_MS = 60_000;

/** Reconnect delay: 100 ms doubling to at most 3 s, so a restarted Redis is found quickly. */
function backoff(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 5), 3_000);
}

/**
 * Shared by both kinds. The offline queue is off: while Redis is away a command fails at once
 * instead of piling up in memory, because the batch writer already holds hits and retries whole
 * batches under their ids. `maxRetriesPerRequest: 1` resends a command caught by a dropped
 * connection once; scripts are idempotent (batch ids), so a resend cannot count twice.
 */
function commandOptions(timeoutMs: number): RedisOptions {
  return {
    commandTimeout: timeoutMs,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  };
}

function createClient(url: RedisStoreUrl, commandTimeoutMs: number, offlineQueue: boolean, shardedSubscribers: boolean): RedisClient {
  if (url.kind === 'redis') {
    return new Redis(url.url, {
      ...commandOptions(commandTimeoutMs),
      enableAutoPipelining: true,
      enableOfflineQueue: offlineQueue,
      retryStrategy: backoff,
    });
  }
  const options: ClusterOptions = {
    enableAutoPipelining: true,
    enableOfflineQueue: offlineQueue,
    shardedSubscribers,
    clusterRetryStrategy: backoff,
    slotsRefreshTimeout: commandTimeoutMs,
    redisOptions: {
      ...commandOptions(commandTimeoutMs),
      ...(url.username === undefined ? {} : { username: url.username }),
      ...(url.password === undefined ? {} : { password: url.password }),
      ...(url.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(url.nodes, options);
}

/** The URL as it may appear in logs and errors: the password replaced by `***`. */
export function redactRedisUrl(url: RedisStoreUrl): string {
  if (url.kind === 'redis') {
    try {
      const parsed = new URL(url.url);
      if (parsed.password) parsed.password = '***';
      return parsed.toString();
    } catch {
      return url.url.replace(/:[^:@/]*@/, ':***@');
    }
  }
  const auth = url.username !== undefined || url.password !== undefined ? `${url.username ?? ''}${url.password === undefined ? '' : ':***'}@` : '';
  return `redis${url.tls ? 's' : ''}+cluster://${auth}${url.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/** Errors that another attempt will not fix: fail the start at once instead of after the timeout. */
function isFatal(error: Error): boolean {
  return /WRONGPASS|NOAUTH|NOPERM|invalid (username-)?password|ERR AUTH|ERR invalid DB index/i.test(error.message);
}

/**
 * Logs each state change once, and errors at most once per state change or per minute: ioredis
 * repeats an error on every retry, and a Cluster reports node errors without changing state.
 */
function watchConnection(client: RedisClient, log: Logger): RedisConnection {
  let state: StoreConnectionState = 'connecting';
  let errorLoggedAt: number | undefined;
  const setState = (next: StoreConnectionState): void => {
    if (next === state) return;
    log[next === 'reconnecting' ? 'warn' : 'info']({ from: state, to: next }, 'redis connection state');
    state = next;
    errorLoggedAt = undefined;
  };
  const onError = (error: Error): void => {
    const now = Date.now();
    if (state === 'closed' || (errorLoggedAt !== undefined && now - errorLoggedAt < ERROR_LOG_INTERVAL_MS)) return;
    errorLoggedAt = now;
    log.warn({ err: error, state }, 'redis connection error');
  };
  client.on('ready', () => setState('ready'));
  client.on('reconnecting', () => setState('reconnecting'));
  client.on('end', () => setState('closed'));
  client.on('error', onError);
  if (client instanceof Cluster) client.on('node error', onError);
  return {
    client,
    get state() {
      return state;
    },
  };
}

function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('node error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => finish();
    const onError = (error: Error): void => {
      lastError = error;
      if (isFatal(error)) finish(error);
    };
    const timer = setTimeout(
      () => finish(lastError ?? new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.on('ready', onReady);
    client.on('error', onError);
    // A Cluster reports a refused AUTH per node, not as its own error.
    client.on('node error', onError);
    if (client.status === 'ready') finish();
  });
}

/** Opens a connection without waiting for it; ioredis connects (and reconnects) by itself. */
export function openRedis(url: RedisStoreUrl, options: ConnectRedisOptions): RedisConnection {
  const log = options.log.child({ module: 'redis', connection: options.name ?? 'store' });
  const client = createClient(url, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, options.offlineQueue ?? false, options.shardedSubscribers ?? false);
  return watchConnection(client, log);
}

/**
 * Connects and waits until Redis (every slot, on a Cluster) answers.
 * @throws StartupError naming the URL (password redacted) when Redis cannot be used in time.
 */
export async function connectRedis(url: RedisStoreUrl, options: ConnectRedisOptions): Promise<RedisConnection> {
  const connection = openRedis(url, options);
  try {
    await waitUntilReady(connection.client, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  } catch (error) {
    connection.client.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `Redis at ${redactRedisUrl(url)} cannot be used: ${reason}. Check FOOTFALL_STORE and that Redis is running and reachable.`,
      { cause: error },
    );
  }
  return connection;
}
