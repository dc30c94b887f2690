// @ts-check
/**
 * The dashboards' charts (uPlot, served by footfall): one labelled point per hour, day,
 * month or year. The x axis is the points' order, labelled with the texts given, so that the
 * site's local dates are shown as they are and in the language in force. A chart fits its
 * element's width and follows it (a phone held sideways, a window resized). Numbers are
 * written as the language in force writes them, not as the browser's locale would.
 */

import { formatCount } from './format.js';

/* global uPlot */

const HEIGHT = 220;
/** Tick steps on the x axis, in points: uPlot takes the smallest that leaves room for the labels. */
const STEPS = [1, 2, 3, 4, 6, 7, 12, 14, 24, 30, 60, 90, 120, 180, 365];

/** @typedef {{ label: string, values: number[], stroke: string, fill?: string }} Series */
/** @typedef {{ labels: string[], ticks?: string[], xLabel: string, series: Series[], bars?: boolean, key: string }} ChartData */

/** @param {HTMLElement} el */
function widthOf(el) {
  return Math.max(200, el.clientWidth);
}

export class Chart {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {any} */
    this.plot = undefined;
    /** @type {string | undefined} what the plot was made for (kind, language): another needs a new plot */
    this.key = undefined;
    /** @type {ChartData | undefined} */
    this.data = undefined;
    new ResizeObserver(() => this.plot?.setSize({ width: widthOf(el), height: HEIGHT })).observe(el);
  }

  /**
   * Draws `data`; points change in place, a new kind of chart (`key`) is made anew.
   * @param {ChartData} data
   */
  draw(data) {
    this.data = data;
    const columns = [data.labels.map((_, i) => i), ...data.series.map((series) => series.values)];
    if (this.plot && this.key === data.key) {
      this.plot.setData(columns);
      return;
    }
    this.destroy();
    this.key = data.key;
    this.data = data;
    this.plot = new uPlot(this.options(), columns, this.el);
  }

  /** Draws the last data again, made anew (labels of another language). */
  redraw() {
    const data = this.data;
    this.destroy();
    if (data) this.draw(data);
  }

  destroy() {
    this.plot?.destroy();
    this.plot = this.key = undefined;
  }

  options() {
    const label = (/** @type {number} */ i) => this.data?.labels[Math.round(i)] ?? '–';
    const tick = (/** @type {number} */ i) => (this.data?.ticks ?? this.data?.labels)?.[i] ?? '';
    const data = /** @type {ChartData} */ (this.data);
    return {
      width: widthOf(this.el),
      height: HEIGHT,
      scales: { x: { time: false, range: (/** @type {any} */ u) => [-0.5, Math.max(0, u.data[0].length - 1) + 0.5] } },
      axes: [
        { incrs: STEPS, space: 56, values: (/** @type {any} */ _u, /** @type {number[]} */ splits) => splits.map(tick) },
        { size: 56, values: (/** @type {any} */ _u, /** @type {number[]} */ splits) => splits.map(formatCount) },
      ],
      series: [
        { label: data.xLabel, value: (/** @type {any} */ _u, /** @type {number | null} */ i) => (i == null ? '–' : label(i)) },
        ...data.series.map((series) => ({
          label: series.label,
          value: (/** @type {any} */ _u, /** @type {number | null} */ n) => (n == null ? '–' : formatCount(n)),
          stroke: series.stroke,
          fill: series.fill,
          width: data.bars ? 1 : 2,
          ...(data.bars ? { paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } } : {}),
        })),
      ],
    };
  }
}
