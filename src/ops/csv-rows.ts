/**
 * The CSV files operators bring (history, page baselines): comma separated, UTF-8, an optional
 * byte order mark, LF or CRLF line ends, fields optionally in double quotes with `""` for a
 * quote inside (RFC 4180), so a path with a comma survives. Blank lines are skipped.
 */

export interface CsvRow {
  /** Line number in the file (1-based) where the row starts, for messages. */
  line: number;
  fields: string[];
}

/** One row in the same format, quoting only the fields that need it; no line end. */
export function csvLine(fields: readonly string[]): string {
  return fields.map((field) => (/[",\r\n]|^\s|\s$/.test(field) ? `"${field.replaceAll('"', '""')}"` : field)).join(',');
}

/** The file's rows; a quote left open at the end of the file is reported on its row. */
export function csvRows(text: string): { rows: CsvRow[]; unclosed?: number } {
  const rows: CsvRow[] = [];
  const source = text.replace(/^\uFEFF/, '');
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let inQuotes = false;
    for (; i < source.length; i++) {
      const c = source[i];
      if (inQuotes) {
        if (c === '"' && source[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') inQuotes = false;
        else {
          if (c === '\n') line++;
          field += c;
        }
      } else if (c === '"' && field.trim() === '') {
        inQuotes = quoted = true;
        field = '';
      } else if (c === ',') {
        fields.push(quoted ? field : field.trim());
        field = '';
        quoted = false;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && source[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else if (!quoted) field += c;
    }
    if (inQuotes) return { rows, unclosed: start };
    fields.push(quoted ? field : field.trim());
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: start, fields });
  }
  return { rows };
}

export interface CsvProblem {
  line: number;
  message: string;
}

/** Problems listed in one answer; the count of the rest is given. */
const MAX_PROBLEMS = 20;

/** The problems as one message: `line 3: …; line 9: …`, the first few of them. */
export function describeProblems(problems: CsvProblem[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => `line ${problem.line}: ${problem.message}`);
  const rest = problems.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} more` : '');
}

const WHOLE = /^\d+$/;

/** A whole number of 0 or more from a field, or the sentence that says why it is not one. */
export function wholeCount(value: string, name: string): number | string {
  if (!WHOLE.test(value)) return `${name} "${value}" is not a whole number of 0 or more`;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : `${name} ${value} is too large`;
}

/** A first row none of whose fields is a number is a header, e.g. `date,views,visitors`. */
export function isHeaderRow(fields: string[]): boolean {
  return !/^\d/.test(fields[0] ?? '') && fields.every((field) => !WHOLE.test(field));
}
