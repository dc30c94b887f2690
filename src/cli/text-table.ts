/** Plain-text tables for the terminal: columns padded to their widest cell. */

export interface Column {
  title: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

/** The rows as lines: a header, then each row; cells separated by two spaces. */
export function textTable(columns: Column[], rows: string[][]): string[] {
  const widths = columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.title)), ...rows.map(line)];
}

const numbers = new Intl.NumberFormat('en-US');

/** `4288561` → `4,288,561`. */
export function formatCount(n: number): string {
  return numbers.format(n);
}

/** `+1,234` or `−56` (a real minus sign). */
export function signed(n: number): string {
  return `${n >= 0 ? '+' : '−'}${formatCount(Math.abs(n))}`;
}
