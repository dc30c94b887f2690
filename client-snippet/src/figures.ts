/**
 * Reading one figure out of a counts payload by its slot name (`today.views`, `page.views`…):
 * the server's own metrics, plus the page's views. No DOM here, so unit tests can run it under Node.
 */
import { METRICS, isMetric, metricValue, type CountsPayload } from '../../src/counting/counts-payload.js';

/** Every name a `data-footfall` slot accepts. */
export const SLOT_METRICS: readonly string[] = [...METRICS, 'page.views'];

/**
 * The figure named `metric`, or undefined when the payload does not carry it — e.g.
 * `page.views` of a path other than `path` (the page moved on since the payload was read).
 */
export function figureOf(counts: CountsPayload, metric: string, path?: string): number | undefined {
  if (metric == 'page.views') return counts.page && counts.page.path == path ? counts.page.views : undefined;
  return isMetric(metric) ? metricValue(counts, metric) : undefined;
}
