/**
 * `sqlite:PATH` — footfall's default store: one file, no server. Every write is one
 * transaction that takes the write lock at its start (BEGIN IMMEDIATE), so two connections on
 * one file (a CLI next to the server, the batch worker) wait for each other instead of
 * interleaving read-modify-writes. Hit batches are written by a worker thread (batch-applier.ts);
 * every other write waits for the batches in flight, so writes land in the order they were asked.
 */
import type { Database, Transaction } from 'better-sqlite3';
import type { Logger } from '../../log.js';
import { LocalChangeFeed } from '../local-change-feed.js';
import { compareText } from '../ordering.js';
import * as S from '../store.js';
import { MAX_AUDIT_ENTRIES, PATH_CANDIDATE_MS } from '../store.js';
import { BatchApplier } from './batch-applier.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { openDatabase } from './open-database.js';
import { Queries } from './queries.js';
import { ZERO_HOURS } from './schema.js';
import { SiteDumps } from './site-dumps.js';
import { prepareStatements, type Statements } from './statements.js';

type SaltOffer = {
  site: string;
  period: string;
  salt: string;
  expiresAt: number;
  now: number;
};

/**
 * Opens (creating it and its directory when missing) the footfall database at `path`.
 * @throws StartupError when the file is not footfall's, is damaged or is from a newer footfall;
 *   such a file is left exactly as it was.
 */
export async function openSqliteStore(path: string, deps: S.StoreDependencies): Promise<S.Store> {
  const log = deps.log.child({ module: 'sqlite-store' });
  const db = openDatabase(path, log);
  return new SqliteStore(db, startCheckpointer(db, log), new BatchApplier(db, log), deps.clock ?? Date.now, log);
}

class SqliteStore implements S.Store {
  readonly kind = 'sqlite' as const;
  /** Another process on the same file (a CLI) writes no hits, so nothing needs sharing. */
  readonly shared = false;
  readonly changes = new LocalChangeFeed();
  private readonly db: Database;
  private readonly checkpointer: Checkpointer;
  private readonly batches: BatchApplier;
  private closed?: Promise<void>;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly queries: Queries;
  private readonly dumps: SiteDumps;
  private readonly sql: Statements;
  private readonly saltOnce: Transaction<(offer: SaltOffer) => string>;
  private readonly importHistoryOnce: Transaction<(site: string, days: S.ImportedDay[]) => void>;
  private readonly setPageBaselinesOnce: Transaction<(site: string, pages: S.PathViews[]) => void>;
  private readonly pruneOnce: Transaction<(now: number) => void>;

  constructor(db: Database, checkpointer: Checkpointer, batches: BatchApplier, clock: () => number, log: Logger) {
    this.db = db;
    this.checkpointer = checkpointer;
    this.batches = batches;
    this.clock = clock;
    this.log = log;
    this.queries = new Queries(db);
    this.dumps = new SiteDumps(db);
    this.sql = prepareStatements(db);
    this.saltOnce = db.transaction((offer: SaltOffer) => {
      this.sql.offerSalt.run(offer);
      return this.sql.getSalt.get(offer) ?? offer.salt;
    });
    this.importHistoryOnce = db.transaction((site: string, days: S.ImportedDay[]) => {
      const now = this.clock();
      for (const day of days) {
        const before = this.sql.dayImport.get({ site, date: day.date }) ?? { views: 0, visitors: 0 };
        this.sql.setDayImport.run({ site, date: day.date, hours: ZERO_HOURS, views: day.views, visitors: day.visitors, keepUntil: day.keepUntil });
        const change = { site, views: day.views - before.views, visitors: day.visitors - before.visitors };
        this.sql.addTotalImport.run(change);
        if (change.views === 0 && change.visitors === 0) continue;
        for (const [kind, ref] of [['week', day.week], ['month', day.month], ['year', day.year]] as const) {
          // A period whose time has passed is not written: it would be pruned at once.
          if (ref.keepUntil > now) this.sql.addPeriodImport.run({ ...change, kind, label: ref.label, keepUntil: ref.keepUntil });
        }
      }
    });
    this.setPageBaselinesOnce = db.transaction((site: string, pages: S.PathViews[]) => {
      for (const { path, views } of pages) {
        if (views > 0) this.sql.setPageBaseline.run({ site, path, views });
        else this.sql.removePageBaseline.run({ site, path });
      }
    });
    this.pruneOnce = db.transaction((now: number) => {
      for (const statement of this.sql.prune) statement.run({ now, candidateMs: PATH_CANDIDATE_MS });
      this.sql.pruneRate.run({ minute: Math.floor(now / 60_000) - 1 });
    });
  }

  get connection(): S.StoreConnectionState {
    return this.db.open ? 'ready' : 'closed';
  }

  async listSites(): Promise<S.SiteRecord[]> {
    return this.sql.listSites
      .all()
      .map((settings) => JSON.parse(settings) as S.SiteRecord)
      .sort((a, b) => compareText(a.id, b.id));
  }

  async getSite(id: string): Promise<S.SiteRecord | undefined> {
    const settings = this.sql.getSite.get({ id });
    return settings === undefined ? undefined : (JSON.parse(settings) as S.SiteRecord);
  }

  async putSite(site: S.SiteRecord): Promise<void> {
    await this.batches.idle();
    this.sql.putSite.run({ id: site.id, settings: JSON.stringify(site) });
  }

  async deleteSite(id: string): Promise<void> {
    await this.batches.idle();
    this.db.transaction(() => {
      this.sql.deleteSite.run({ id });
      this.dumps.delete(id);
    }).immediate();
  }

  async getOrCreateSalt(site: string, period: string, candidate: string, expiresAt: number): Promise<string> {
    await this.batches.idle();
    return this.saltOnce.immediate({ site, period, salt: candidate, expiresAt, now: this.clock() });
  }

  async applyBatch(batch: S.SiteBatch): Promise<S.RateTotals> {
    return this.batches.apply(batch, this.clock());
  }

  async readFigures(query: S.CountsQuery): Promise<S.StoredFigures> {
    return this.queries.readFigures(query);
  }

  async readHistory(site: string, from: string, to: string): Promise<S.DayRecord[]> {
    return this.queries.readHistory(site, from, to);
  }

  async readDayDetail(site: string, date: string): Promise<S.DayDetail> {
    return this.queries.readDayDetail(site, date);
  }

  async readTopPages(site: string, date: string, limit: number): Promise<S.PathViews[]> {
    return this.queries.readTopPages(site, date, limit);
  }

  async readSources(site: string, dimension: string, from: string, to: string): Promise<S.SourceFigures[]> {
    return this.queries.readSources(site, dimension, from, to);
  }

  async readPeriods(site: string, kind: 'month' | 'year', from: string, to: string): Promise<S.PeriodRecord[]> {
    return this.queries.readPeriods(site, kind, from, to);
  }

  async readPathUsage(site: string, date: string): Promise<S.PathUsage> {
    return this.queries.readPathUsage(site, date);
  }

  async setPageBaselines(site: string, pages: S.PathViews[]): Promise<void> {
    await this.batches.idle();
    this.setPageBaselinesOnce.immediate(site, pages);
  }

  async readPageBaselines(site: string, paths: string[]): Promise<number[]> {
    return paths.length === 0 ? [] : this.sql.pageBaselines.all({ site, paths: JSON.stringify(paths) });
  }

  async importHistory(site: string, days: S.ImportedDay[]): Promise<void> {
    await this.batches.idle();
    this.importHistoryOnce.immediate(site, days);
  }

  async exportSite(id: string): Promise<S.SiteDump | undefined> {
    // One read transaction: the dump is one consistent snapshot even while batches land.
    return this.db.transaction(() => {
      const settings = this.sql.getSite.get({ id });
      return settings === undefined ? undefined : this.dumps.export(JSON.parse(settings) as S.SiteRecord, this.clock());
    })();
  }

  async importSite(dump: S.SiteDump): Promise<void> {
    await this.batches.idle();
    this.db.transaction(() => {
      this.dumps.import(dump);
      this.sql.putSite.run({ id: dump.site.id, settings: JSON.stringify(dump.site) });
    }).immediate();
  }

  async putKey(key: S.KeyRecord): Promise<void> {
    await this.batches.idle();
    this.sql.putKey.run({ id: key.id, record: JSON.stringify(key), createdAt: key.createdAt });
  }

  async getKey(id: string): Promise<S.KeyRecord | undefined> {
    const record = this.sql.getKey.get({ id });
    return record === undefined ? undefined : (JSON.parse(record) as S.KeyRecord);
  }

  async listKeys(): Promise<S.KeyRecord[]> {
    return this.sql.listKeys.all().map((record) => JSON.parse(record) as S.KeyRecord);
  }

  async deleteKey(id: string): Promise<boolean> {
    await this.batches.idle();
    return this.sql.deleteKey.run({ id }).changes > 0;
  }

  async appendAudit(entry: S.AuditEntry): Promise<void> {
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    await this.batches.idle();
    this.db.transaction(() => {
      this.sql.appendAudit.run({ at: entry.at, actor: entry.actor, action: entry.action, site: entry.site, before: json(entry.before), after: json(entry.after) });
      this.sql.trimAudit.run({ keep: MAX_AUDIT_ENTRIES });
    }).immediate();
  }

  async readAudit(limit: number): Promise<S.AuditEntry[]> {
    const rows = this.sql.readAudit.all({ limit: Math.max(0, limit) });
    const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));
    return rows.map((row) => ({ at: row.at, actor: row.actor, action: row.action, site: row.site, before: parse(row.before_json), after: parse(row.after_json) }));
  }

  async prune(now: number): Promise<void> {
    await this.batches.idle();
    this.pruneOnce.immediate(now);
  }

  async warnings(): Promise<string[]> {
    return [];
  }

  async ping(): Promise<void> {
    this.sql.ping.get();
  }

  close(): Promise<void> {
    return (this.closed ??= this.closeOnce());
  }

  private async closeOnce(): Promise<void> {
    this.changes.close();
    if (!this.db.open) return;
    await this.batches.close();
    await this.checkpointer.close();
    // The last connection to close checkpoints the WAL into the file and removes it.
    this.db.close();
    this.log.info({ file: this.db.name }, 'sqlite store closed');
  }
}
