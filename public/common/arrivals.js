// @ts-check
/**
 * "Coming in now", worked out in the browser: footfall keeps referrers per day only, so the
 * dashboard reads today's referrer counts every few seconds and compares the latest reading
 * with the one from a minute before. Whatever grew in between came in during the last minute.
 * Nothing is stored on the server for it. No DOM here, so Node tests can run it.
 */

/** @typedef {{ name: string, views: number }} SourceRow */
/** @typedef {{ at: number, date: string, counts: Map<string, number> }} Reading */

export class ArrivalWindow {
  /** @param {number} windowMs how far back "now" reaches */
  constructor(windowMs = 60_000) {
    this.windowMs = windowMs;
    /** @type {Reading[]} */
    this.readings = [];
  }

  /**
   * Adds a reading of today's counts, taken at `at` (epoch ms) for the local day `date`. A new
   * day starts again from zero: yesterday's counts say nothing about today's arrivals.
   * @param {number} at
   * @param {string} date
   * @param {SourceRow[]} rows
   */
  add(at, date, rows) {
    if (this.readings.length > 0 && this.readings[this.readings.length - 1]?.date !== date) {
      this.readings = [{ at: at - 1, date, counts: new Map() }];
    }
    this.readings.push({ at, date, counts: new Map(rows.map((row) => [row.name, row.views])) });
    // Keep the newest reading that is at least a window old: the baseline to compare with.
    const edge = at - this.windowMs;
    while (this.readings.length > 2 && /** @type {Reading} */ (this.readings[1]).at <= edge) this.readings.shift();
  }

  /** True once there is something to compare the latest reading with. */
  get ready() {
    return this.readings.length > 1;
  }

  /**
   * What grew between the baseline and the latest reading, most first (ties by name).
   * @returns {SourceRow[]}
   */
  arrivals() {
    const first = this.readings[0];
    const last = this.readings[this.readings.length - 1];
    if (!first || !last || first === last) return [];
    /** @type {SourceRow[]} */
    const grown = [];
    for (const [name, views] of last.counts) {
      const more = views - (first.counts.get(name) ?? 0);
      if (more > 0) grown.push({ name, views: more });
    }
    return grown.sort((a, b) => b.views - a.views || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
