/** What the live part drives: the footer widget and the single-figure slots alike. */
import type { Figures } from './figures.js';

export interface View {
  /** The element it lives in; views whose element left the page are dropped. */
  readonly el: Element;
  /** Fresh figures, or undefined to go back to the placeholder (the site refused the page). */
  show(figures: Figures | undefined): void;
  /** The live connection went up or down; the last figures stay on screen meanwhile. */
  link?(up: boolean): void;
  /** The path whose views it shows (`page.views` slots), asked for on the page's one connection. */
  path?(): string;
}
