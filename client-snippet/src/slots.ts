/**
 * `<span data-footfall="today.views">`: one figure, live, as text in the page's own markup and
 * formatted in the element's language (`data-lang`, else the nearest `lang`).
 */
import { figureOf, SLOT_METRICS } from './figures.js';
import { numberFormat, PLACEHOLDER } from './labels.js';
import { languageOf } from './language.js';
import { pagePath } from './page-path.js';
import { showFigure } from './show-figure.js';
import type { View } from './view.js';

/** A view of the slot, or undefined when it names no known figure (it is left untouched). */
export function mountSlot(el: HTMLElement): View | undefined {
  const metric = el.getAttribute('data-footfall') || '';
  if (!SLOT_METRICS.includes(metric)) return undefined;
  const format = numberFormat(languageOf(el));
  // Text the page put there is its own fallback; an empty slot still gets its width.
  if (!(el.textContent || '').trim()) el.textContent = PLACEHOLDER;
  return {
    el,
    show: (counts) => showFigure(el, counts && figureOf(counts, metric, pagePath()), format),
  };
}
