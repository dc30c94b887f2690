/**
 * The configuration, parsed once from the environment into a frozen, typed object. Only the
 * composition root calls `loadConfig`; an invalid value stops the start with the variable's
 * name and what is allowed.
 */
import proxyAddr from 'proxy-addr';
import { StartupError } from '../errors.js';
import type { LogLevel } from '../log.js';
import { parseStoreUrl, type StoreUrl } from './store-url.js';

export interface Config {
  port: number;
  host: string;
  store: StoreUrl;
  /** The store URL as given, for logs (password removed). */
  storeLabel: string;
  adminToken?: string;
  sitesFile?: string;
  onlineWindowMs: number;
  pushIntervalMs: number;
  /** Express `trust proxy` value; false believes no `X-Forwarded-For`. */
  trustProxy: boolean | number | string;
  /** Counted views per visitor per site per minute; 0 is no limit. */
  rateLimit: number;
  respectDnt: boolean;
  /** How often accepted hits are written to the store, in one round trip per site. */
  flushIntervalMs: number;
  /** Most distinct entries (site × day × path × visitor) held while the store is down. */
  bufferLimit: number;
  /** Past this many sites, per-site metric series fold into an `other` label. */
  metricsSiteLimit: number;
  /** Most live connections from one IP address. */
  connectionsPerIp: number;
  logLevel: LogLevel;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function fail(name: string, value: string, allowed: string): never {
  throw new StartupError(`${name}="${value}" is not valid: ${allowed}.`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(name, raw, `use a whole number from ${min} to ${max}`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return false;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(value)) return true;
  if (['0', 'false', 'off', 'no'].includes(value)) return false;
  fail(name, raw, 'use on or off (1/0, true/false, yes/no)');
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = env.FOOTFALL_TRUST_PROXY?.trim();
  if (raw === undefined || raw === '' || /^(0|false|off|no)$/i.test(raw)) return false;
  if (/^(true|on|yes)$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  try {
    proxyAddr.compile(raw.split(',').map((part) => part.trim()));
  } catch {
    fail('FOOTFALL_TRUST_PROXY', raw, 'use off, on, a hop count, or addresses/subnets such as loopback, 10.0.0.0/8');
  }
  return raw;
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Reads the configuration from `env` (the composition root passes `process.env`). */
export function loadConfig(env: Env): Readonly<Config> {
  const storeRaw = env.FOOTFALL_STORE?.trim() || 'sqlite:./data/footfall.db';
  const store = parseStoreUrl(storeRaw);
  if (typeof store === 'string') fail('FOOTFALL_STORE', storeRaw, store);

  const logLevel = (env.FOOTFALL_LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail('FOOTFALL_LOG_LEVEL', logLevel, `use one of ${LOG_LEVELS.join(', ')}`);

  const adminToken = env.FOOTFALL_ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    fail('FOOTFALL_ADMIN_TOKEN', '***', 'use at least 16 characters (e.g. `openssl rand -hex 24`)');
  }

  const host = env.HOST?.trim() || '0.0.0.0';
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host,
    store,
    storeLabel: redact(storeRaw),
    adminToken,
    sitesFile: env.FOOTFALL_SITES_FILE?.trim() || undefined,
    onlineWindowMs: integer(env, 'FOOTFALL_ONLINE_WINDOW_S', 60, 1, 86_400) * 1000,
    pushIntervalMs: integer(env, 'FOOTFALL_PUSH_INTERVAL_MS', 1000, 50, 3_600_000),
    trustProxy: trustProxy(env),
    rateLimit: integer(env, 'FOOTFALL_RATE_LIMIT', 30, 0, 1_000_000),
    respectDnt: flag(env, 'FOOTFALL_RESPECT_DNT'),
    flushIntervalMs: integer(env, 'FOOTFALL_FLUSH_INTERVAL_MS', 50, 5, 10_000),
    bufferLimit: integer(env, 'FOOTFALL_BUFFER_LIMIT', 200_000, 100, 100_000_000),
    metricsSiteLimit: integer(env, 'FOOTFALL_METRICS_SITE_LIMIT', 100, 0, 100_000),
    connectionsPerIp: integer(env, 'FOOTFALL_CONNECTIONS_PER_IP', 200, 1, 1_000_000),
    logLevel,
  });
}
