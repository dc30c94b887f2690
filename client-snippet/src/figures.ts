/**
 * Reading one figure out of a counts payload by its slot name (`today.views`, `page.views`…).
 * No DOM here, so unit tests can run it under Node.
 */
import type { CountsPayload } from '../../src/counting/counts-payload.js';

/** Every name a `data-footfall` slot accepts: the SPEC's metrics plus `page.views`. */
export const SLOT_METRIC = /^(online|(today|week|total)\.(views|visitors)|page\.views)$/;

/**
 * The figure named `metric`, or undefined when the payload does not carry it — e.g.
 * `page.views` of a path other than `path` (the page moved on since the payload was read).
 */
export function figureOf(counts: CountsPayload, metric: string, path?: string): number | undefined {
  if (metric == 'online') return counts.online;
  const [period, kind] = metric.split('.') as [string, 'views' | 'visitors'];
  if (period == 'page') return counts.page && counts.page.path == path ? counts.page.views : undefined;
  if (period == 'today' || period == 'week' || period == 'total') return counts[period][kind];
  return undefined;
}
