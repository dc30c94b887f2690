/** The counts payload: the body of `GET …/counts` and of the live `counts` event (SPEC). */
export interface CountsPayload {
  site: string;
  /** ISO time the figures were read. */
  at: string;
  timezone: string;
  online: number;
  today: { date: string; views: number; visitors: number };
  week: { label: string; start: string; views: number; visitors: number };
  /** All-time figures, the site's baseline included. */
  total: { views: number; visitors: number };
  /** All-time views of one path, when one was asked for. */
  page?: { path: string; views: number };
}

/** The figures a badge or a widget slot can show. */
export const METRICS = [
  'online',
  'today.views',
  'today.visitors',
  'week.views',
  'week.visitors',
  'total.views',
  'total.visitors',
] as const;

export type Metric = (typeof METRICS)[number];

export function metricValue(counts: CountsPayload, metric: Metric): number {
  switch (metric) {
    case 'online':
      return counts.online;
    case 'today.views':
      return counts.today.views;
    case 'today.visitors':
      return counts.today.visitors;
    case 'week.views':
      return counts.week.views;
    case 'week.visitors':
      return counts.week.visitors;
    case 'total.views':
      return counts.total.views;
    case 'total.visitors':
      return counts.total.visitors;
  }
}
