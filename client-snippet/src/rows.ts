/**
 * The widget's rows: which a site asks for (`data-rows`) and the figure each shows. No DOM
 * here, so unit tests can run it under Node.
 */
import { PERIODS, metricValue, type CountsPayload, type Period } from '../../src/counting/counts-payload.js';

export type Row = 'online' | Period;

/** Every row the widget can show, in the order a full box shows them. */
export const ROWS: readonly Row[] = ['online', ...PERIODS];

/** The box without `data-rows`: the classic counter's four rows. */
export const DEFAULT_ROWS: readonly Row[] = ['online', 'today', 'week', 'total'];

/**
 * The rows `data-rows` names ("online,today,yesterday"), in its order: unknown names are
 * ignored and repeated ones shown once; nothing left (or no attribute) gives DEFAULT_ROWS.
 */
export function pickRows(attribute: string | null): readonly Row[] {
  const rows: Row[] = [];
  for (const name of (attribute || '').split(',')) {
    const row = ROWS.find((known) => known == name.trim());
    if (row && !rows.includes(row)) rows.push(row);
  }
  return rows.length ? rows : DEFAULT_ROWS;
}

/** The figure of a row: online as it is, a period's views or visitors (`data-metric`). */
export function rowValue(counts: CountsPayload, row: Row, kind: 'views' | 'visitors'): number {
  return metricValue(counts, row == 'online' ? row : `${row}.${kind}`);
}
