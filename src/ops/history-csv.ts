/**
 * Reads the history file an operator brings from an old counter: rows `date,views[,visitors]`,
 * an optional header row, dates `YYYY-MM-DD` before the site's today. The whole file is
 * checked before anything is applied, and every bad row is reported with its line number.
 */
import { isRealDate } from '../counting/calendar.js';
import { csvRows, isHeaderRow, wholeCount, type CsvProblem } from './csv-rows.js';

export interface HistoryRow {
  /** Line number in the file (1-based), for messages. */
  line: number;
  date: string;
  views: number;
  visitors: number;
}

export type HistoryCsv = { ok: true; rows: HistoryRow[] } | { ok: false; problems: CsvProblem[] };

/** More rows than any counter's lifetime: 110 years of days. */
export const MAX_HISTORY_ROWS = 40_000;

/**
 * Parses `text`; `today` is the site's local date, and every row must be before it (today is
 * still being counted).
 */
export function parseHistoryCsv(text: string, today: string): HistoryCsv {
  const { rows: csv, unclosed } = csvRows(text);
  const rows: HistoryRow[] = [];
  const problems: CsvProblem[] = unclosed === undefined ? [] : [{ line: unclosed, message: 'a quote opened here is never closed' }];
  const seen = new Map<string, number>();
  csv.forEach(({ line, fields }, index) => {
    if (index === 0 && isHeaderRow(fields)) return;
    const problem = (message: string) => problems.push({ line, message });
    if (fields.length < 2 || fields.length > 3) return problem(`expected date,views[,visitors] but found ${fields.length} field${fields.length === 1 ? '' : 's'}`);
    const [date = '', viewsText = '', visitorsText = '0'] = fields;
    if (!isRealDate(date)) return problem(`"${date}" is not a date YYYY-MM-DD`);
    if (date >= today) return problem(`${date} is not before today (${today} in the site's time zone); only past days can be imported`);
    const earlier = seen.get(date);
    if (earlier !== undefined) return problem(`${date} was already given on line ${earlier}`);
    seen.set(date, line);
    const views = wholeCount(viewsText, 'views');
    const visitors = wholeCount(visitorsText === '' ? '0' : visitorsText, 'visitors');
    if (typeof views === 'string') return problem(views);
    if (typeof visitors === 'string') return problem(visitors);
    rows.push({ line, date, views, visitors });
  });
  if (problems.length === 0 && rows.length === 0) problems.push({ line: 1, message: 'the file has no rows; expected date,views[,visitors]' });
  if (rows.length > MAX_HISTORY_ROWS) problems.push({ line: rows[MAX_HISTORY_ROWS]?.line ?? 0, message: `at most ${MAX_HISTORY_ROWS} rows can be imported at once` });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows: rows.sort((a, b) => (a.date < b.date ? -1 : 1)) };
}
