/**
 * Per-page baselines (CLI `import-pages`, `PUT /api/v1/admin/sites/:site/pages`): an old
 * counter's views of each article, kept so that the article that showed *Lượt xem: 2020* goes
 * on from 2020. Rows `path,views` as CSV (or JSON `[{path, views}]`); paths are keyed as the
 * site keys its pages (its `pageQuery`). The file is checked whole first; a dry run says what
 * would change and changes nothing; baselines are SET, not added, so the same file twice
 * changes nothing; an applied import is audited.
 */
import type { Counter } from '../counting/counter.js';
import { readPath } from '../counting/page-path.js';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { AuditTrail } from './audit-trail.js';
import { csvRows, describeProblems, isHeaderRow, wholeCount, type CsvProblem } from './csv-rows.js';

/** More articles than any small site's counter has held. */
export const MAX_PAGE_ROWS = 100_000;

export interface PageRow {
  line: number;
  path: string;
  views: number;
}

export interface PageChange {
  path: string;
  before: number;
  after: number;
}

export interface PageBaselineResult {
  site: string;
  dryRun: boolean;
  applied: boolean;
  /** Rows read from the file. */
  rows: number;
  /** Pages whose baseline changes, by path. */
  changes: PageChange[];
  /** Rows that match the baseline the page already has. */
  unchanged: number;
}

/** The rows of a `path,views` CSV file, each path keyed with `pageQuery`; or every bad line. */
export function parsePageCsv(text: string, pageQuery: readonly string[]): { ok: true; rows: PageRow[] } | { ok: false; problems: CsvProblem[] } {
  const { rows: csv, unclosed } = csvRows(text);
  const entries = csv
    .filter(({ fields }, index) => !(index === 0 && isHeaderRow(fields)))
    .map(({ line, fields }) => ({ line, fields }));
  const problems: CsvProblem[] = unclosed === undefined ? [] : [{ line: unclosed, message: 'a quote opened here is never closed' }];
  const rows = checkRows(
    entries.map(({ line, fields }) => {
      if (fields.length !== 2) return { line, problem: `expected path,views but found ${fields.length} field${fields.length === 1 ? '' : 's'}` };
      return { line, path: fields[0] ?? '', views: fields[1] ?? '' };
    }),
    pageQuery,
    problems,
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

/** The same from JSON `[{"path": "/a", "views": 12}, …]`. */
export function parsePageJson(value: unknown, pageQuery: readonly string[]): { ok: true; rows: PageRow[] } | { ok: false; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  if (!Array.isArray(value)) return { ok: false, problems: [{ line: 1, message: 'expected a JSON array of {"path": "/…", "views": N}' }] };
  const rows = checkRows(
    value.map((item: unknown, index) => {
      const entry = item as { path?: unknown; views?: unknown } | null;
      const line = index + 1;
      if (typeof entry !== 'object' || entry === null || typeof entry.path !== 'string') return { line, problem: 'expected {"path": "/…", "views": N}' };
      return { line, path: entry.path, views: typeof entry.views === 'number' ? String(entry.views) : JSON.stringify(entry.views ?? null) };
    }),
    pageQuery,
    problems,
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

type RawRow = { line: number; path: string; views: string } | { line: number; problem: string };

function checkRows(raw: RawRow[], pageQuery: readonly string[], problems: CsvProblem[]): PageRow[] {
  const rows: PageRow[] = [];
  const seen = new Map<string, number>();
  for (const row of raw) {
    const problem = (message: string) => problems.push({ line: row.line, message });
    if ('problem' in row) {
      problem(row.problem);
      continue;
    }
    const path = readPath(row.path, pageQuery);
    if (path === undefined) {
      problem(`"${row.path.slice(0, 80)}" is not a path: it must start with / (the page's address without the site)`);
      continue;
    }
    const views = wholeCount(row.views, 'views');
    if (typeof views === 'string') {
      problem(views);
      continue;
    }
    const earlier = seen.get(path);
    if (earlier !== undefined) {
      problem(`${path} was already given on line ${earlier}${path === row.path ? '' : ` (as the site keys its pages, ${row.path} is ${path})`}`);
      continue;
    }
    seen.set(path, row.line);
    rows.push({ line: row.line, path, views });
  }
  if (problems.length === 0 && rows.length === 0) problems.push({ line: 1, message: 'the file has no rows; expected path,views' });
  if (rows.length > MAX_PAGE_ROWS) problems.push({ line: rows[MAX_PAGE_ROWS]?.line ?? 0, message: `at most ${MAX_PAGE_ROWS} pages can be imported at once` });
  return rows;
}

export class PageBaselines {
  constructor(
    private readonly counter: Counter,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Applies checked rows unless `dryRun`. Throws `invalid_body` naming every bad line (the
   * first twenty) when any row was refused; then nothing is applied.
   */
  async run(site: Site, parsed: ReturnType<typeof parsePageCsv>, options: { dryRun: boolean; actor: string }): Promise<PageBaselineResult> {
    if (!parsed.ok) throw new FootfallError('invalid_body', `The page file was refused and nothing was imported: ${describeProblems(parsed.problems)}.`);
    const { rows } = parsed;
    const before = await this.counter.pageBaselines(site, rows.map((row) => row.path));
    const changes: PageChange[] = [];
    rows.forEach((row, i) => {
      const was = before[i] ?? 0;
      if (was !== row.views) changes.push({ path: row.path, before: was, after: row.views });
    });
    changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const result = { site: site.id, dryRun: options.dryRun, applied: false, rows: rows.length, changes, unchanged: rows.length - changes.length };
    if (options.dryRun) return result;
    await this.counter.setPageBaselines(
      site,
      changes.map((change) => ({ path: change.path, views: change.after })),
    );
    const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
    await this.trail.record(options.actor, 'pages.import', site.id, { pages: changes.length, views: sum(changes.map((c) => c.before)) }, {
      pages: changes.length,
      views: sum(changes.map((c) => c.after)),
      rows: rows.length,
    });
    return { ...result, applied: true };
  }
}
