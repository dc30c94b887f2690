/**
 * Reads the history file an operator brings from an old counter: rows `date,views[,visitors]`,
 * an optional header row, dates `YYYY-MM-DD` before the site's today. The whole file is
 * checked before anything is applied, and every bad row is reported with its line number.
 */
import { dayNumber, dateOfDay } from '../counting/calendar.js';

export interface HistoryRow {
  /** Line number in the file (1-based), for messages. */
  line: number;
  date: string;
  views: number;
  visitors: number;
}

export interface CsvProblem {
  line: number;
  message: string;
}

export type HistoryCsv = { ok: true; rows: HistoryRow[] } | { ok: false; problems: CsvProblem[] };

/** More rows than any counter's lifetime: 110 years of days. */
export const MAX_HISTORY_ROWS = 40_000;
/** Problems listed in one answer; the count of the rest is given. */
const MAX_PROBLEMS = 20;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WHOLE = /^\d+$/;

/** Splits one line on commas; one pair of double quotes around a field is removed. */
function fieldsOf(line: string): string[] {
  return line.split(',').map((field) => {
    const trimmed = field.trim();
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).trim() : trimmed;
  });
}

function isRealDate(value: string): boolean {
  return DATE.test(value) && dateOfDay(dayNumber(value)) === value;
}

/** A first line none of whose fields is a number is a header, e.g. `date,views,visitors`. */
function isHeader(fields: string[]): boolean {
  return !/^\d/.test(fields[0] ?? '') && fields.every((field) => !WHOLE.test(field));
}

function count(value: string, name: string): number | string {
  if (!WHOLE.test(value)) return `${name} "${value}" is not a whole number of 0 or more`;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : `${name} ${value} is too large`;
}

/**
 * Parses `text`; `today` is the site's local date, and every row must be before it (today is
 * still being counted).
 */
export function parseHistoryCsv(text: string, today: string): HistoryCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: HistoryRow[] = [];
  const problems: CsvProblem[] = [];
  const seen = new Map<string, number>();
  let first = true;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const fields = fieldsOf(raw);
    if (first) {
      first = false;
      if (isHeader(fields)) return;
    }
    const problem = (message: string) => problems.push({ line, message });
    if (fields.length < 2 || fields.length > 3) return problem(`expected date,views[,visitors] but found ${fields.length} field${fields.length === 1 ? '' : 's'}`);
    const [date = '', viewsText = '', visitorsText = '0'] = fields;
    if (!isRealDate(date)) return problem(`"${date}" is not a date YYYY-MM-DD`);
    if (date >= today) return problem(`${date} is not before today (${today} in the site's time zone); only past days can be imported`);
    const earlier = seen.get(date);
    if (earlier !== undefined) return problem(`${date} was already given on line ${earlier}`);
    seen.set(date, line);
    const views = count(viewsText, 'views');
    const visitors = count(visitorsText === '' ? '0' : visitorsText, 'visitors');
    if (typeof views === 'string') return problem(views);
    if (typeof visitors === 'string') return problem(visitors);
    rows.push({ line, date, views, visitors });
  });
  if (problems.length === 0 && rows.length === 0) problems.push({ line: 1, message: 'the file has no rows; expected date,views[,visitors]' });
  if (rows.length > MAX_HISTORY_ROWS) problems.push({ line: rows[MAX_HISTORY_ROWS]?.line ?? 0, message: `at most ${MAX_HISTORY_ROWS} rows can be imported at once` });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows: rows.sort((a, b) => (a.date < b.date ? -1 : 1)) };
}

/** The problems as one message: `line 3: …; line 9: …`, the first few of them. */
export function describeProblems(problems: CsvProblem[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => `line ${problem.line}: ${problem.message}`);
  const rest = problems.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} more` : '');
}
