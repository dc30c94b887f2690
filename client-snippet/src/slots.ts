/**
 * `<span data-footfall="today.views">`: one figure, live, as text in the page's own markup and
 * formatted in the element's language (`data-lang`, else the nearest `lang`). A `page.views`
 * slot shows the page its `data-path` names (a listing's articles), else the page itself.
 */
import { figureOf, SLOT_METRICS } from './figures.js';
import { numberFormat, PLACEHOLDER } from './labels.js';
import { languageOf } from './language.js';
import { showFigure } from './show-figure.js';
import type { View } from './view.js';

/**
 * A view of the slot, or undefined when it names no known figure (it is left untouched).
 * `here` is the page this is (the tracker's `p`), read at each push: it follows the app.
 */
export function mountSlot(el: HTMLElement, here: () => string): View | undefined {
  const metric = el.getAttribute('data-footfall') || '';
  if (!SLOT_METRICS.includes(metric)) return undefined;
  const format = numberFormat(languageOf(el));
  // Read at each use: an app may reuse the element for another article.
  const path = (): string => el.getAttribute('data-path') || here();
  let filled = false;
  // Text the page put there is its own fallback; an empty slot still gets its width.
  if (!(el.textContent || '').trim()) el.textContent = PLACEHOLDER;
  return {
    el,
    show(figures) {
      const value = figures && figureOf(figures, metric, path());
      // Until its own figure comes (for good past the 50 paths) a slot keeps what the page wrote;
      // one that showed another path's figure (the app moved on) goes back to the placeholder.
      if (value === undefined && figures && !filled) return;
      filled = value !== undefined;
      showFigure(el, value, format);
    },
    path: metric == 'page.views' ? path : undefined,
  };
}
