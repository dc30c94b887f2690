/**
 * `redis://`, `rediss://` and `redis+cluster://` — the store for many server instances. Counts
 * go through Lua scripts (one round trip each, see scripts.ts); expiry is Redis' own TTLs, so
 * `prune` has nothing to do. Key layout: keys.ts.
 */
import { StartupError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { compareText, topPaths } from '../ordering.js';
import { REFUSAL_REASONS, emptyRefused } from '../refusals.js';
import * as S from '../store.js';
import { MAX_AUDIT_ENTRIES } from '../store.js';
import { decodeRateTotals, encodeBatch } from './batch-script.js';
import { RedisChangeFeed } from './change-feed.js';
import { connectRedis, redactRedisUrl, type RedisClient, type RedisConnection, type RedisStoreUrl } from './connect.js';
import { API_KEYS_KEY, AUDIT_KEY, PERIOD_FIELDS, SITES_KEY, hourField, periodMember, refusedField, siteKeys } from './keys.js';
import { decodeFigures, decodeHistory, decodePairs, decodeSources, readFiguresArgs, readHistoryArgs, readSourcesArgs } from './read-scripts.js';
import { defineScripts, runScript } from './scripts.js';
import { exportSiteDump, importSiteDump } from './site-dump.js';
import { unsafeSettings } from './settings-check.js';
import { dataNodes, scanSiteKeys, unlinkKeys } from './site-scan.js';
import { importHistoryArgs, saltArgs } from './write-scripts.js';

/** PEXPIRETIME, SET … PXAT and ZADD GT: the scripts need Redis 7.0. */
const MIN_REDIS_MAJOR = 7;
/** Pages per HSET / HDEL of a baseline import: one command never blocks Redis for long. */
const BASELINE_CHUNK = 1000;

/** The Store over one Redis or Redis Cluster connection. */
export class RedisStore implements S.Store {
  readonly kind: 'redis' | 'redis-cluster';
  /** Any number of instances write to one Redis. */
  readonly shared = true;
  readonly changes: RedisChangeFeed;
  private readonly connectionView: RedisConnection;
  private readonly client: RedisClient;

  /** Takes a connected client (see connectRedis) and owns it from then on. */
  constructor(connection: RedisConnection, url: RedisStoreUrl, log: Logger) {
    this.connectionView = connection;
    this.client = connection.client;
    this.kind = url.kind;
    this.changes = new RedisChangeFeed(url, this.client, log.child({ module: 'feed' }));
    defineScripts(this.client);
  }

  get connection(): S.StoreConnectionState {
    return this.connectionView.state;
  }

  async listSites(): Promise<S.SiteRecord[]> {
    const ids = await this.client.smembers(SITES_KEY);
    // One GET per site: on a Cluster each settings key is in its own site's slot.
    const sites = await Promise.all(ids.map((id) => this.getSite(id)));
    return sites.filter((site): site is S.SiteRecord => site !== undefined).sort((a, b) => compareText(a.id, b.id));
  }

  async getSite(id: string): Promise<S.SiteRecord | undefined> {
    const json = await this.client.get(siteKeys(id).settings);
    return json === null ? undefined : (JSON.parse(json) as S.SiteRecord);
  }

  async putSite(site: S.SiteRecord): Promise<void> {
    // Settings first: a listed id always has settings (listSites skips ids without).
    await this.client.set(siteKeys(site.id).settings, JSON.stringify(site));
    await this.client.sadd(SITES_KEY, site.id);
  }

  async deleteSite(id: string): Promise<void> {
    await this.client.srem(SITES_KEY, id);
    await unlinkKeys(this.client, await scanSiteKeys(this.client, id));
  }

  async getOrCreateSalt(site: string, period: string, candidate: string, expiresAt: number): Promise<string> {
    return String(await runScript(this.client, 'footfallSalt', saltArgs(site, period, candidate, expiresAt)));
  }

  async applyBatch(batch: S.SiteBatch): Promise<S.RateTotals> {
    return decodeRateTotals(await runScript(this.client, 'footfallApplyBatch', encodeBatch(batch)));
  }

  warnings(): Promise<string[]> {
    return unsafeSettings(this.client);
  }

  async readFigures(query: S.CountsQuery): Promise<S.StoredFigures> {
    return decodeFigures(await runScript(this.client, 'footfallReadCounts', readFiguresArgs(query)));
  }

  async readHistory(site: string, from: string, to: string): Promise<S.DayRecord[]> {
    return decodeHistory(await runScript(this.client, 'footfallReadHistory', readHistoryArgs(site, from, to)), from, to);
  }

  async readDayDetail(site: string, date: string): Promise<S.DayDetail> {
    const fields = await this.client.hgetall(siteKeys(site).day(date));
    const refused = emptyRefused();
    for (const reason of REFUSAL_REASONS) refused[reason] = Number(fields[refusedField(reason)] ?? 0);
    return { hours: Array.from({ length: 24 }, (_, hour) => Number(fields[hourField(hour)] ?? 0)), refused };
  }

  async readTopPages(site: string, date: string, limit: number): Promise<S.PathViews[]> {
    const key = siteKeys(site).dayPaths(date);
    // As Array#slice in topPaths reads its end: truncated, and negative counts from the end.
    const wanted = Math.trunc(limit);
    if (wanted === 0 || Number.isNaN(wanted)) return [];
    const reply =
      wanted > 0
        ? await runScript(this.client, 'footfallTopPages', { keys: [key], args: [String(wanted)] })
        : await this.client.zrevrange(key, 0, -1, 'WITHSCORES');
    return topPaths(decodePairs(reply), limit);
  }

  async readSources(site: string, dimension: string, from: string, to: string): Promise<S.SourceFigures[]> {
    return decodeSources(await runScript(this.client, 'footfallReadSources', readSourcesArgs(site, dimension, from, to)));
  }

  async readPeriods(site: string, kind: 'month' | 'year', from: string, to: string): Promise<S.PeriodRecord[]> {
    const k = siteKeys(site);
    const prefix = periodMember(kind, '');
    const labels = (await this.client.zrange(k.periods, 0, -1))
      .filter((member) => member.startsWith(prefix))
      .map((member) => member.slice(prefix.length))
      .filter((label) => label >= from && label <= to)
      .sort(compareText);
    // Auto-pipelining sends the reads together.
    const rows = await Promise.all(
      labels.map(async (label) => {
        const [fields, sketch] = await Promise.all([this.client.hgetall(k.period(kind, label)), this.client.pfcount(k.periodSketch(kind, label))]);
        const n = (field: string) => Number(fields[field] ?? 0);
        const visitors = sketch > 0 ? sketch : n(PERIOD_FIELDS.visitors);
        return Object.keys(fields).length === 0 ? [] : [{ label, views: n(PERIOD_FIELDS.views), visitors, imported: { views: n(PERIOD_FIELDS.importedViews), visitors: n(PERIOD_FIELDS.importedVisitors) } }];
      }),
    );
    return rows.flat();
  }

  async readPathUsage(site: string, date: string): Promise<S.PathUsage> {
    const k = siteKeys(site);
    const [today, earned, candidates] = await Promise.all([this.client.zcard(k.dayPaths(date)), this.client.hlen(k.totalPaths), this.client.hlen(k.candidates)]);
    return { today, earned, candidates };
  }

  async setPageBaselines(site: string, pages: S.PathViews[]): Promise<void> {
    const key = siteKeys(site).pageBaselines;
    const set = pages.filter((page) => page.views > 0);
    const removed = pages.filter((page) => page.views <= 0).map((page) => page.path);
    const tx = this.client.multi();
    for (let i = 0; i < set.length; i += BASELINE_CHUNK) tx.hset(key, Object.fromEntries(set.slice(i, i + BASELINE_CHUNK).map((page) => [page.path, page.views])));
    for (let i = 0; i < removed.length; i += BASELINE_CHUNK) tx.hdel(key, ...removed.slice(i, i + BASELINE_CHUNK));
    // MULTI reports a failed command in its results, not as a rejection.
    const failed = (await tx.exec())?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async readPageBaselines(site: string, paths: string[]): Promise<number[]> {
    if (paths.length === 0) return [];
    const values = await this.client.hmget(siteKeys(site).pageBaselines, ...paths);
    return values.map((value) => Number(value ?? 0));
  }

  async importHistory(site: string, days: S.ImportedDay[]): Promise<void> {
    if (days.length === 0) return;
    await runScript(this.client, 'footfallImportHistory', importHistoryArgs(site, days));
  }

  async exportSite(id: string): Promise<S.SiteDump | undefined> {
    return exportSiteDump(this.client, id);
  }

  async importSite(dump: S.SiteDump): Promise<void> {
    await importSiteDump(this.client, dump, Date.now());
  }

  async putKey(key: S.KeyRecord): Promise<void> {
    await this.client.hset(API_KEYS_KEY, key.id, JSON.stringify(key));
  }

  async getKey(id: string): Promise<S.KeyRecord | undefined> {
    const record = await this.client.hget(API_KEYS_KEY, id);
    return record === null ? undefined : (JSON.parse(record) as S.KeyRecord);
  }

  async listKeys(): Promise<S.KeyRecord[]> {
    const records = Object.values(await this.client.hgetall(API_KEYS_KEY)).map((record) => JSON.parse(record) as S.KeyRecord);
    return records.sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id));
  }

  async deleteKey(id: string): Promise<boolean> {
    return (await this.client.hdel(API_KEYS_KEY, id)) > 0;
  }

  async appendAudit(entry: S.AuditEntry): Promise<void> {
    const results = await this.client.multi().lpush(AUDIT_KEY, JSON.stringify(entry)).ltrim(AUDIT_KEY, 0, MAX_AUDIT_ENTRIES - 1).exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async readAudit(limit: number): Promise<S.AuditEntry[]> {
    // LRANGE's end is inclusive and -1 means "to the end": 0 must not read the whole list.
    if (Math.trunc(limit) === 0) return [];
    const entries = await this.client.lrange(AUDIT_KEY, 0, Math.trunc(limit) - 1);
    return entries.map((json) => JSON.parse(json) as S.AuditEntry);
  }

  /** Nothing to do: every key that grows with time has a TTL or is pruned by the scripts. */
  async prune(): Promise<void> {}

  async ping(): Promise<void> {
    const nodes = dataNodes(this.client);
    if (nodes.length === 0) throw new Error('no Redis Cluster master is connected');
    await Promise.all(nodes.map((node) => node.ping()));
  }

  async close(): Promise<void> {
    await this.changes.close();
    try {
      await this.client.quit();
    } catch {
      // Already gone or not answering: drop the sockets instead.
      this.client.disconnect();
    }
  }
}

/** Refuses a Redis older than the scripts need, naming the version found. */
async function checkVersion(client: RedisClient, url: RedisStoreUrl): Promise<void> {
  const node = dataNodes(client)[0] ?? client;
  const info = await node.info('server');
  const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  if (Number(version.split('.')[0]) >= MIN_REDIS_MAJOR) return;
  throw new StartupError(`Redis at ${redactRedisUrl(url)} runs version ${version}; footfall needs Redis ${MIN_REDIS_MAJOR}.0 or newer.`);
}

/**
 * Connects to Redis or a Redis Cluster and returns the store over it.
 * @throws StartupError when Redis cannot be reached in time or is older than 7.0.
 */
export async function connectRedisStore(url: RedisStoreUrl, deps: S.StoreDependencies): Promise<S.Store> {
  const connection = await connectRedis(url, { log: deps.log });
  try {
    await checkVersion(connection.client, url);
  } catch (error) {
    connection.client.disconnect();
    throw error;
  }
  return new RedisStore(connection, url, deps.log);
}
