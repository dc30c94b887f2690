/** A plain-text table for stderr. */

function cell(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 1000) / 1000);
  }
  return value;
}

export function formatTable(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const text = [header, ...rows.map((row) => row.map(cell))];
  const widths = header.map((_, i) => Math.max(...text.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [`\n== ${title}`, line(text[0]!), rule, ...text.slice(1).map(line)].join('\n');
}
