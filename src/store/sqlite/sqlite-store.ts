/**
 * `sqlite:PATH` — footfall's default store: one file, no server. Every write is one
 * transaction that takes the write lock at its start (BEGIN IMMEDIATE), so two processes on one
 * file (a CLI next to the server) wait for each other instead of interleaving read-modify-writes.
 */
import { compareText } from '../figures.js';
import type { Database, Transaction } from 'better-sqlite3';
import type { Site } from '../../counting/site.js';
import type { Logger } from '../../log.js';
import type { StoreDependencies } from '../create-store.js';
import {
  MAX_AUDIT_ENTRIES,
  type AuditEntry,
  type CountsQuery,
  type DayDetail,
  type DayRecord,
  type ImportedDay,
  type PathViews,
  type RateTotals,
  type RawCounts,
  type SiteBatch,
  type SiteDump,
  type Store,
} from '../store.js';
import { BatchWrites } from './batch-writes.js';
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
export async function openSqliteStore(path: string, deps: StoreDependencies): Promise<Store> {
  const log = deps.log.child({ module: 'sqlite-store' });
  return new SqliteStore(openDatabase(path, log), deps.clock ?? Date.now, log);
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly queries: Queries;
  private readonly dumps: SiteDumps;
  private readonly sql: Statements;
  private readonly applyOnce: Transaction<(batch: SiteBatch, now: number) => RateTotals>;
  private readonly saltOnce: Transaction<(offer: SaltOffer) => string>;
  private readonly importHistoryOnce: Transaction<(site: string, days: ImportedDay[]) => void>;
  private readonly pruneOnce: Transaction<(now: number) => void>;

  constructor(db: Database, clock: () => number, log: Logger) {
    this.db = db;
    this.clock = clock;
    this.log = log;
    this.queries = new Queries(db);
    this.dumps = new SiteDumps(db);
    this.sql = prepareStatements(db);
    const batches = new BatchWrites(db);
    this.applyOnce = db.transaction((batch: SiteBatch, now: number) => batches.apply(batch, now));
    this.saltOnce = db.transaction((offer: SaltOffer) => {
      this.sql.offerSalt.run(offer);
      return this.sql.getSalt.get(offer) ?? offer.salt;
    });
    this.importHistoryOnce = db.transaction((site: string, days: ImportedDay[]) => {
      for (const day of days) {
        const before = this.sql.dayImport.get({ site, date: day.date }) ?? { views: 0, visitors: 0 };
        this.sql.setDayImport.run({ site, date: day.date, hours: ZERO_HOURS, views: day.views, visitors: day.visitors, keepUntil: day.keepUntil });
        this.sql.addTotalImport.run({ site, views: day.views - before.views, visitors: day.visitors - before.visitors });
      }
    });
    this.pruneOnce = db.transaction((now: number) => {
      for (const statement of this.sql.prune) statement.run({ now });
      this.sql.pruneRate.run({ minute: Math.floor(now / 60_000) - 1 });
    });
  }

  async listSites(): Promise<Site[]> {
    return this.sql.listSites
      .all()
      .map((settings) => JSON.parse(settings) as Site)
      .sort((a, b) => compareText(a.id, b.id));
  }

  async getSite(id: string): Promise<Site | undefined> {
    const settings = this.sql.getSite.get({ id });
    return settings === undefined ? undefined : (JSON.parse(settings) as Site);
  }

  async putSite(site: Site): Promise<void> {
    this.sql.putSite.run({ id: site.id, settings: JSON.stringify(site) });
  }

  async deleteSite(id: string): Promise<void> {
    this.db.transaction(() => {
      this.sql.deleteSite.run({ id });
      this.dumps.delete(id);
    }).immediate();
  }

  async getOrCreateSalt(site: string, period: string, candidate: string, expiresAt: number): Promise<string> {
    return this.saltOnce.immediate({ site, period, salt: candidate, expiresAt, now: this.clock() });
  }

  async applyBatch(batch: SiteBatch): Promise<RateTotals> {
    return this.applyOnce.immediate(batch, this.clock());
  }

  async readCounts(query: CountsQuery): Promise<RawCounts> {
    return this.queries.readCounts(query);
  }

  async readHistory(site: string, from: string, to: string): Promise<DayRecord[]> {
    return this.queries.readHistory(site, from, to);
  }

  async readDayDetail(site: string, date: string): Promise<DayDetail> {
    return this.queries.readDayDetail(site, date);
  }

  async readTopPages(site: string, date: string, limit: number): Promise<PathViews[]> {
    return this.queries.readTopPages(site, date, limit);
  }

  async importHistory(site: string, days: ImportedDay[]): Promise<void> {
    this.importHistoryOnce.immediate(site, days);
  }

  async exportSite(id: string): Promise<SiteDump | undefined> {
    // One read transaction: the dump is one consistent snapshot even while batches land.
    return this.db.transaction(() => {
      const settings = this.sql.getSite.get({ id });
      return settings === undefined ? undefined : this.dumps.export(JSON.parse(settings) as Site, this.clock());
    })();
  }

  async importSite(dump: SiteDump): Promise<void> {
    this.db.transaction(() => {
      this.dumps.import(dump);
      this.sql.putSite.run({ id: dump.site.id, settings: JSON.stringify(dump.site) });
    }).immediate();
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    this.db.transaction(() => {
      this.sql.appendAudit.run({ at: entry.at, actor: entry.actor, action: entry.action, site: entry.site, before: json(entry.before), after: json(entry.after) });
      this.sql.trimAudit.run({ keep: MAX_AUDIT_ENTRIES });
    }).immediate();
  }

  async readAudit(limit: number): Promise<AuditEntry[]> {
    const rows = this.sql.readAudit.all({ limit: Math.max(0, limit) });
    const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));
    return rows.map((row) => ({ at: row.at, actor: row.actor, action: row.action, site: row.site, before: parse(row.before_json), after: parse(row.after_json) }));
  }

  async prune(now: number): Promise<void> {
    this.pruneOnce.immediate(now);
  }

  async warnings(): Promise<string[]> {
    return [];
  }

  async ping(): Promise<void> {
    this.sql.ping.get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // The last connection to close checkpoints the WAL into the file and removes it.
    this.db.close();
    this.log.info({ file: this.db.name }, 'sqlite store closed');
  }
}
