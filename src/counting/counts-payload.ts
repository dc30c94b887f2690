/** The counts payload: the body of `GET …/counts` and of the live `counts` event. */
export interface CountsPayload {
  site: string;
  /** ISO time the figures were read. */
  at: string;
  timezone: string;
  online: number;
  today: { date: string; views: number; visitors: number };
  yesterday: { date: string; views: number; visitors: number };
  week: { label: string; start: string; views: number; visitors: number };
  month: { label: string; views: number; visitors: number };
  year: { label: string; views: number; visitors: number };
  /** All-time figures, the site's baseline and imported history included. */
  total: { views: number; visitors: number };
  /** All-time views of one path (its baseline included), when one was asked for. */
  page?: PageViews;
  /** The same for several paths, in the order asked. */
  pages?: PageViews[];
}

export interface PageViews {
  path: string;
  views: number;
}

/** The periods of a payload whose figures are views and visitors, in the widget's order. */
export const PERIODS = ['today', 'yesterday', 'week', 'month', 'year', 'total'] as const;

export type Period = (typeof PERIODS)[number];

/** The figures a badge or a widget slot can show: `online`, and each period's views and visitors. */
export const METRICS = ['online', ...PERIODS.flatMap((period) => [`${period}.views`, `${period}.visitors`] as const)] as const;

export type Metric = 'online' | `${Period}.${'views' | 'visitors'}`;

/** True when `name` is one of METRICS. */
export function isMetric(name: string): name is Metric {
  return (METRICS as readonly string[]).includes(name);
}

export function metricValue(counts: CountsPayload, metric: Metric): number {
  if (metric === 'online') return counts.online;
  const [period, kind] = metric.split('.') as [Period, 'views' | 'visitors'];
  return counts[period][kind];
}
