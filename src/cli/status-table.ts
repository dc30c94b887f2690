/** The `footfall status` screen: one row per site, a total, figures as views or visitors. */
import type { CountsPayload } from '../counting/counts-payload.js';
import { formatCount, textTable } from './text-table.js';

export interface StatusRow {
  counts: CountsPayload;
  /** Epoch ms of the last counted hit, 0 if none. */
  lastHit: number;
}

export type Figure = 'views' | 'visitors';

/** `12s ago`, `5m ago`, `3h ago`, `2d ago`; `-` when there was none. */
export function ago(at: number, now: number): string {
  if (at <= 0) return '-';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** The table's lines; a TOTAL row follows when there is more than one site. */
export function statusLines(rows: StatusRow[], figure: Figure, now: number): string[] {
  const sum = { online: 0, today: 0, week: 0, total: 0 };
  const cells = rows.map(({ counts, lastHit }) => {
    sum.online += counts.online;
    sum.today += counts.today[figure];
    sum.week += counts.week[figure];
    sum.total += counts.total[figure];
    return [
      counts.site,
      formatCount(counts.online),
      formatCount(counts.today[figure]),
      formatCount(counts.week[figure]),
      formatCount(counts.total[figure]),
      ago(lastHit, now),
    ];
  });
  if (rows.length > 1) cells.push(['TOTAL', ...[sum.online, sum.today, sum.week, sum.total].map(formatCount), '']);
  const right = 'right' as const;
  return textTable(
    [
      { title: 'SITE' },
      { title: 'ONLINE', align: right },
      { title: `TODAY ${figure.toUpperCase()}`, align: right },
      { title: 'THIS WEEK', align: right },
      { title: 'ALL-TIME', align: right },
      { title: 'LAST HIT', align: right },
    ],
    cells,
  );
}
