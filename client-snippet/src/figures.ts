/**
 * Reading one figure out of a push by its slot name (`today.views`, `page.views`…): the
 * server's own metrics, plus the views of the pages the connection asked for. No DOM here, so
 * unit tests can run it under Node.
 */
import { METRICS, isMetric, metricValue, type CountsPayload } from '../../src/counting/counts-payload.js';

/** Every name a `data-footfall` slot accepts. */
export const SLOT_METRICS: readonly string[] = [...METRICS, 'page.views'];

/** A push as the views read it: the payload, and the views of each path asked for, by that path. */
export interface Figures {
  counts: CountsPayload;
  pages: ReadonlyMap<string, number>;
}

/**
 * Pairs a payload with the paths its connection asked for. `pages` answers them by position:
 * the server names each by its page key (`/a?utm_source=x` comes back as `/a`), so its `path`
 * is no match for the one asked. A list of another length answers another question: no pages.
 */
export function figuresOf(counts: CountsPayload, asked: readonly string[]): Figures {
  const answered = counts.pages || [];
  const pages = new Map<string, number>();
  if (answered.length == asked.length) asked.forEach((path, i) => pages.set(path, answered[i]!.views));
  return { counts, pages };
}

/**
 * The figure named `metric`, or undefined when the push does not carry it — e.g.
 * `page.views` of a path the connection did not ask about (past the 50, or asked only since).
 */
export function figureOf({ counts, pages }: Figures, metric: string, path: string): number | undefined {
  if (metric == 'page.views') return pages.get(path);
  return isMetric(metric) ? metricValue(counts, metric) : undefined;
}
