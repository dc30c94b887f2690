/**
 * Importing an old counter's daily history into a site (CLI `import-history` and
 * `POST /api/v1/admin/sites/:site/history`). The file is checked whole first; a dry run says
 * what would change and changes nothing; an applied import is audited. The store SETS each
 * day's imported figures, so the same file twice changes nothing.
 */
import type { Counter } from '../counting/counter.js';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { AuditTrail } from './audit-trail.js';
import type { Figures } from '../store/store.js';
import { describeProblems } from './csv-rows.js';
import { parseHistoryCsv, type HistoryRow } from './history-csv.js';

export interface HistoryChange {
  date: string;
  /** The day's imported figures before this import (zeros if none). */
  before: Figures;
  after: Figures;
}

export interface HistoryImportResult {
  site: string;
  dryRun: boolean;
  /** True when the figures were written (not a dry run). */
  applied: boolean;
  /** Rows read from the file. */
  rows: number;
  /** Days whose imported figures change, oldest first. */
  changes: HistoryChange[];
  /** Rows that match what an earlier import already gave. */
  unchanged: number;
  /** What all-time views and visitors move by. */
  total: Figures;
  /** Days on which footfall itself counted views too: the imported figures add to those. */
  overlapping: string[];
}

export interface HistoryImportOptions {
  dryRun: boolean;
  /** Who asks, for the audit trail: `api:203.0.113.9`, `cli:alice`. */
  actor: string;
}

export class HistoryImport {
  constructor(
    private readonly counter: Counter,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Checks `csv` whole, then applies it unless `dryRun`. Throws `invalid_body` naming every
   * bad line (the first twenty) when any row is refused; then nothing is applied.
   */
  async run(site: Site, csv: string, options: HistoryImportOptions): Promise<HistoryImportResult> {
    const parsed = parseHistoryCsv(csv, this.counter.today(site));
    if (!parsed.ok) {
      throw new FootfallError('invalid_body', `The history file was refused and nothing was imported: ${describeProblems(parsed.problems)}.`);
    }
    const result = await this.plan(site, parsed.rows, options.dryRun);
    if (options.dryRun) return result;
    const totalsBefore = await this.importedTotal(site);
    await this.counter.importHistory(
      site,
      result.changes.map((change) => ({ date: change.date, ...change.after })),
    );
    const rows = parsed.rows;
    await this.trail.record(options.actor, 'history.import', site.id, { imported: totalsBefore }, {
      imported: { views: totalsBefore.views + result.total.views, visitors: totalsBefore.visitors + result.total.visitors },
      rows: rows.length,
      from: rows[0]?.date,
      to: rows.at(-1)?.date,
      changedDays: result.changes.length,
    });
    return { ...result, applied: true };
  }

  /** Before → after per day, from what the store holds now. */
  private async plan(site: Site, rows: HistoryRow[], dryRun: boolean): Promise<HistoryImportResult> {
    const from = rows[0]?.date ?? '';
    const to = rows.at(-1)?.date ?? '';
    const stored = new Map((await this.counter.importedHistory(site, from, to)).map((day) => [day.date, day]));
    const changes: HistoryChange[] = [];
    const overlapping: string[] = [];
    const total = { views: 0, visitors: 0 };
    for (const row of rows) {
      const day = stored.get(row.date);
      const before = { views: day?.views ?? 0, visitors: day?.visitors ?? 0 };
      if ((day?.counted ?? 0) > 0) overlapping.push(row.date);
      if (before.views === row.views && before.visitors === row.visitors) continue;
      changes.push({ date: row.date, before: { ...before }, after: { views: row.views, visitors: row.visitors } });
      total.views += row.views - before.views;
      total.visitors += row.visitors - before.visitors;
    }
    return { site: site.id, dryRun, applied: false, rows: rows.length, changes, unchanged: rows.length - changes.length, total, overlapping };
  }

  /** The site's imported all-time figures, for the audit entry's before → after. */
  private async importedTotal(site: Site): Promise<Figures> {
    const days = await this.counter.importedHistory(site, '0000-01-01', '9999-12-31');
    return days.reduce((sum, day) => ({ views: sum.views + day.views, visitors: sum.visitors + day.visitors }), { views: 0, visitors: 0 });
  }
}
