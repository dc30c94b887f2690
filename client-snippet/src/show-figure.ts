/**
 * Writing a figure into an element: as text (never HTML), skipped when unchanged, with a short
 * rise when the number went up — unless the visitor asked for reduced motion.
 */
import { PLACEHOLDER } from './labels.js';

const shown = new WeakMap<Element, number>();

/** Shows `value` formatted, or the placeholder when there is no value. */
export function showFigure(el: HTMLElement, value: number | undefined, format: Intl.NumberFormat): void {
  const before = shown.get(el);
  if (value === undefined) shown.delete(el);
  else shown.set(el, value);
  const text = value === undefined ? PLACEHOLDER : format.format(value);
  if (el.textContent == text) return;
  el.textContent = text;
  if (value !== undefined && before !== undefined && value > before) rise(el);
}

/** The Web Animations API needs no stylesheet, so it works in host-page slots too. */
function rise(el: HTMLElement): void {
  if (!el.animate || matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  el.animate(
    [
      { opacity: 0.2, transform: 'translateY(35%)' },
      { opacity: 1, transform: 'none' },
    ],
    { duration: 500, easing: 'ease-out' },
  );
}
