/** What the live part drives: the footer widget and the single-figure slots alike. */
import type { CountsPayload } from '../../src/counting/counts-payload.js';

export interface View {
  /** The element it lives in; views whose element left the page are dropped. */
  readonly el: Element;
  /** Fresh figures, or undefined to go back to the placeholder (the site refused the page). */
  show(counts: CountsPayload | undefined): void;
  /** The live connection went up or down; the last figures stay on screen meanwhile. */
  link?(up: boolean): void;
}
