/**
 * The configuration, parsed once from the environment into a frozen, typed object. The
 * composition roots (src/main.ts for the server, src/cli for the command line) call
 * `loadConfig` with the environment they were given; an invalid value stops the start with
 * the variable's name and what is allowed.
 */
import proxyAddr from 'proxy-addr';
import { StartupError } from '../errors.js';
import type { LogLevel } from '../log.js';
import { parseStoreUrl, type StoreUrl } from './store-url.js';

/**
 * Every setting, parsed from `FOOTFALL_*` variables (and `PORT`, `HOST`). Defaults are in
 * {@link DEFAULTS}, the one place both entry points (the server and the CLI) read them from.
 */
export interface Config {
  /** `PORT`. @default 8080 */
  port: number;
  /** `HOST`. @default '0.0.0.0' */
  host: string;
  /** `FOOTFALL_STORE`, parsed. @default sqlite:./data/footfall.db */
  store: StoreUrl;
  /** The store URL as given, for logs (password removed). */
  storeLabel: string;
  /** `FOOTFALL_ADMIN_TOKEN`, at least 16 characters; the admin API and `/ops` are off without it. @default none */
  adminToken?: string;
  /** `FOOTFALL_METRICS_TOKEN`, at least 16 characters: when set, `/metrics` needs it (or the admin token) as a Bearer token. @default none: `/metrics` is open */
  metricsToken?: string;
  /** `FOOTFALL_MAX_CONNECTIONS`: most open TCP connections (HTTP and live); past it new ones are dropped. @default 10000 */
  maxConnections: number;
  /** `FOOTFALL_SITES_FILE`: a JSON array of sites applied at start. @default none */
  sitesFile?: string;
  /** `FOOTFALL_SCRIPT_NAME`: another file name the snippet is served under (e.g. `s.js`), besides `footfall.js`. @default 'footfall.js' */
  scriptName: string;
  /** `FOOTFALL_COUNTRY_DB`: an MMDB country database read at start instead of the packaged DB-IP one. @default the packaged file */
  countryDatabase?: string;
  /** `FOOTFALL_ONLINE_WINDOW_S`, in ms: how long a visitor counts as online after a sign of life. @default 60 s */
  onlineWindowMs: number;
  /** `FOOTFALL_PUSH_INTERVAL_MS`: most frequent push per site, and the age limit of cached counts. @default 1000 */
  pushIntervalMs: number;
  /** `FOOTFALL_TRUST_PROXY` as Express `trust proxy`; false believes no `X-Forwarded-For`. @default false */
  trustProxy: boolean | number | string;
  /** `FOOTFALL_RATE_LIMIT`: counted views per visitor per site per minute; 0 is no limit. @default 30 */
  rateLimit: number;
  /** `FOOTFALL_NEW_VISITORS_PER_ADDRESS`: visitor ids first seen from one network address (IPv6: its /64) per site per minute; 0 is no limit. @default 50 */
  newVisitorsPerAddress: number;
  /** `FOOTFALL_VIEWS_PER_ADDRESS`: counted views from one network address per site per minute; 0 is no limit. @default 300 */
  viewsPerAddress: number;
  /** `FOOTFALL_PINGS_PER_ADDRESS`: pings from one network address per site per minute; 0 is no limit. @default 300 */
  pingsPerAddress: number;
  /** `FOOTFALL_RETENTION_DAYS`: days a day's figures (and a month's, a year's) are kept after it ends; 0 keeps them forever. @default 0 */
  retentionDays: number;
  /** `FOOTFALL_RESPECT_DNT`: `DNT: 1` / `Sec-GPC: 1` visits count as views without a visitor id. @default false */
  respectDnt: boolean;
  /** `FOOTFALL_FLUSH_INTERVAL_MS`: how often accepted hits are written, one round trip per site. @default 50 */
  flushIntervalMs: number;
  /** `FOOTFALL_ANSWER`: `queued` answers a hit once it is accepted; `written` once the store holds it (an instance killed with -9 then loses no answered hit). @default 'queued' */
  answer: 'queued' | 'written';
  /** `FOOTFALL_BUFFER_LIMIT`: most distinct entries (site × day × path × visitor) held while the store is down. @default 200000 */
  bufferLimit: number;
  /** `FOOTFALL_BUFFER_BYTES`: most memory (estimated) those entries and the hits waiting for their salts may take; one site at most half. @default 67108864 (64 MiB) */
  bufferBytes: number;
  /** `FOOTFALL_METRICS_SITE_LIMIT`: past this many sites, per-site metric series fold into `site="_other"`. @default 100 */
  metricsSiteLimit: number;
  /** `FOOTFALL_CONNECTIONS_PER_IP`: most live connections from one IP address. @default 200 */
  connectionsPerIp: number;
  /** `FOOTFALL_LOG_LEVEL`. @default 'info' for the server, 'error' for the CLI */
  logLevel: LogLevel;
}

/** The defaults of every setting that has one, as documented in the README. */
export const DEFAULTS = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  store: 'sqlite:./data/footfall.db',
  scriptName: 'footfall.js',
  onlineWindowS: 60,
  pushIntervalMs: 1000,
  rateLimit: 30,
  newVisitorsPerAddress: 50,
  viewsPerAddress: 300,
  pingsPerAddress: 300,
  retentionDays: 0,
  flushIntervalMs: 50,
  answer: 'queued' as 'queued' | 'written',
  bufferLimit: 200_000,
  bufferBytes: 64 * 1024 * 1024,
  metricsSiteLimit: 100,
  connectionsPerIp: 200,
  maxConnections: 10_000,
  logLevel: 'info' as LogLevel,
  /** The CLI prints for people; its log only speaks up about real problems. */
  cliLogLevel: 'error' as LogLevel,
});

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

/** A file name at the server's root, clear of the other scripts served there. */
function scriptName(env: Env): string {
  const raw = env.FOOTFALL_SCRIPT_NAME?.trim() || DEFAULTS.scriptName;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.js$/.test(raw) || raw === 'busuanzi.js' || raw.startsWith('footfall-live')) {
    fail('FOOTFALL_SCRIPT_NAME', raw, 'use a file name ending in .js (letters, digits, . _ -), other than busuanzi.js and footfall-live*');
  }
  return raw;
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** `FOOTFALL_LOG_LEVEL`, or `fallback` when unset; throws a StartupError for an unknown level. */
export function logLevelOf(env: Env, fallback: LogLevel = DEFAULTS.logLevel): LogLevel {
  const logLevel = (env.FOOTFALL_LOG_LEVEL?.trim() || fallback) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail('FOOTFALL_LOG_LEVEL', logLevel, `use one of ${LOG_LEVELS.join(', ')}`);
  return logLevel;
}

function answerMode(env: Env): Config['answer'] {
  const raw = env.FOOTFALL_ANSWER?.trim().toLowerCase() || DEFAULTS.answer;
  if (raw !== 'queued' && raw !== 'written') fail('FOOTFALL_ANSWER', env.FOOTFALL_ANSWER ?? '', 'use queued (answer at once, the default) or written (answer once the store holds the hit)');
  return raw;
}

/** Reads the configuration from `env` (a composition root passes `process.env`). */
export function loadConfig(env: Env): Readonly<Config> {
  const storeRaw = env.FOOTFALL_STORE?.trim() || DEFAULTS.store;
  const store = parseStoreUrl(storeRaw);
  if (typeof store === 'string') fail('FOOTFALL_STORE', storeRaw, store);

  const logLevel = logLevelOf(env);

  const adminToken = env.FOOTFALL_ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    fail('FOOTFALL_ADMIN_TOKEN', '***', 'use at least 16 characters (e.g. `openssl rand -hex 24`)');
  }

  const metricsToken = env.FOOTFALL_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    fail('FOOTFALL_METRICS_TOKEN', '***', 'use at least 16 characters (e.g. `openssl rand -hex 24`)');
  }

  const host = env.HOST?.trim() || DEFAULTS.host;
  return Object.freeze({
    port: integer(env, 'PORT', DEFAULTS.port, 0, 65535),
    host,
    store,
    storeLabel: redact(storeRaw),
    adminToken,
    metricsToken,
    sitesFile: env.FOOTFALL_SITES_FILE?.trim() || undefined,
    scriptName: scriptName(env),
    countryDatabase: env.FOOTFALL_COUNTRY_DB?.trim() || undefined,
    onlineWindowMs: integer(env, 'FOOTFALL_ONLINE_WINDOW_S', DEFAULTS.onlineWindowS, 1, 86_400) * 1000,
    pushIntervalMs: integer(env, 'FOOTFALL_PUSH_INTERVAL_MS', DEFAULTS.pushIntervalMs, 50, 3_600_000),
    trustProxy: trustProxy(env),
    rateLimit: integer(env, 'FOOTFALL_RATE_LIMIT', DEFAULTS.rateLimit, 0, 1_000_000),
    newVisitorsPerAddress: integer(env, 'FOOTFALL_NEW_VISITORS_PER_ADDRESS', DEFAULTS.newVisitorsPerAddress, 0, 1_000_000),
    viewsPerAddress: integer(env, 'FOOTFALL_VIEWS_PER_ADDRESS', DEFAULTS.viewsPerAddress, 0, 1_000_000),
    pingsPerAddress: integer(env, 'FOOTFALL_PINGS_PER_ADDRESS', DEFAULTS.pingsPerAddress, 0, 1_000_000),
    retentionDays: integer(env, 'FOOTFALL_RETENTION_DAYS', DEFAULTS.retentionDays, 0, 36_500),
    respectDnt: flag(env, 'FOOTFALL_RESPECT_DNT'),
    flushIntervalMs: integer(env, 'FOOTFALL_FLUSH_INTERVAL_MS', DEFAULTS.flushIntervalMs, 5, 10_000),
    answer: answerMode(env),
    bufferLimit: integer(env, 'FOOTFALL_BUFFER_LIMIT', DEFAULTS.bufferLimit, 100, 100_000_000),
    bufferBytes: integer(env, 'FOOTFALL_BUFFER_BYTES', DEFAULTS.bufferBytes, 1024 * 1024, 64 * 1024 ** 3),
    metricsSiteLimit: integer(env, 'FOOTFALL_METRICS_SITE_LIMIT', DEFAULTS.metricsSiteLimit, 0, 100_000),
    connectionsPerIp: integer(env, 'FOOTFALL_CONNECTIONS_PER_IP', DEFAULTS.connectionsPerIp, 1, 1_000_000),
    maxConnections: integer(env, 'FOOTFALL_MAX_CONNECTIONS', DEFAULTS.maxConnections, 1, 10_000_000),
    logLevel,
  });
}
