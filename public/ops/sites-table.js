// @ts-check
/**
 * The live table of all sites. Each `sites` payload updates only the cells whose text changed
 * (no re-render), so 500 sites cost a few hundred string comparisons per interval. Rows are
 * moved only when the sort order actually changes.
 */
import { formatAgo, formatCount, formatTime } from '../common/format.js';

/** @typedef {{ counts: any, lastHit: string | null }} SiteRow */
/** @typedef {'site' | 'online' | 'today' | 'week' | 'total' | 'lastHit'} SortKey */
/** @typedef {{ tr: HTMLTableRowElement, cells: Record<string, HTMLTableCellElement>, text: Record<string, string>, row: SiteRow, visible: boolean }} Entry */

const COLUMNS = /** @type {const} */ (['online', 'today', 'week', 'total', 'lastHit']);
const FLASH = [{ backgroundColor: 'var(--flash)' }, { backgroundColor: 'transparent' }];

export class SitesTable {
  /**
   * @param {HTMLTableElement} table
   */
  constructor(table) {
    this.table = table;
    this.tbody = /** @type {HTMLTableSectionElement} */ (table.tBodies[0]);
    this.foot = /** @type {HTMLTableSectionElement} */ (table.tFoot);
    /** @type {Map<string, Entry>} */
    this.entries = new Map();
    /** @type {string[]} */
    this.order = [];
    /** @type {'views' | 'visitors'} */
    this.figure = 'views';
    /** @type {SortKey} */
    this.sortKey = 'site';
    this.descending = false;
    this.filter = '';
    /** @type {SiteRow[]} */
    this.last = [];
    for (const th of table.tHead?.querySelectorAll('th[data-sort]') ?? []) {
      th.querySelector('button')?.addEventListener('click', () => this.sortBy(/** @type {SortKey} */ (th.getAttribute('data-sort'))));
    }
  }

  /**
   * Applies one payload: new rows are added, gone ones removed, changed cells rewritten.
   * @param {SiteRow[]} rows
   * @param {number} now epoch ms
   */
  update(rows, now) {
    performance.mark('footfall:render:start');
    this.last = rows;
    const seen = new Set();
    for (const row of rows) {
      const id = row.counts.site;
      seen.add(id);
      let entry = this.entries.get(id);
      if (!entry) entry = this.add(id, row);
      entry.row = row;
      this.fill(entry, now, true);
    }
    for (const [id, entry] of this.entries) {
      if (!seen.has(id)) {
        entry.tr.remove();
        this.entries.delete(id);
      }
    }
    this.totals(rows, now);
    this.arrange();
    performance.measure('footfall:render', 'footfall:render:start');
    // Only the latest measure is of interest; the timeline would otherwise grow forever.
    const measures = performance.getEntriesByName('footfall:render');
    if (measures.length > 20) performance.clearMeasures('footfall:render');
    performance.clearMarks('footfall:render:start');
  }

  /** @param {'views' | 'visitors'} figure */
  setFigure(figure) {
    this.figure = figure;
    const now = Date.now();
    for (const entry of this.entries.values()) this.fill(entry, now, false);
    this.totals(this.last, now);
    this.arrange();
  }

  /** @param {string} text */
  setFilter(text) {
    this.filter = text.trim().toLowerCase();
    for (const [id, entry] of this.entries) this.show(entry, id);
  }

  /** @param {SortKey} key */
  sortBy(key) {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      // Names read A→Z; figures and recency read biggest first.
      this.descending = key !== 'site';
    }
    for (const th of this.table.tHead?.querySelectorAll('th[data-sort]') ?? []) {
      if (th.getAttribute('data-sort') === key) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    this.arrange();
  }

  /** @returns {number} rows shown after filtering */
  get shown() {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.visible) n++;
    return n;
  }

  /**
   * @param {string} id
   * @param {SiteRow} row
   * @returns {Entry}
   */
  add(id, row) {
    const tr = document.createElement('tr');
    tr.dataset.site = id;
    const name = document.createElement('td');
    const link = document.createElement('a');
    link.href = `#/site/${encodeURIComponent(id)}`;
    link.textContent = id;
    name.append(link);
    tr.append(name);
    /** @type {Record<string, HTMLTableCellElement>} */
    const cells = {};
    for (const column of COLUMNS) {
      const td = document.createElement('td');
      td.className = 'num';
      td.dataset.col = column;
      tr.append(td);
      cells[column] = td;
    }
    /** @type {Entry} */
    const entry = { tr, cells, text: {}, row, visible: true };
    this.entries.set(id, entry);
    this.show(entry, id);
    return entry;
  }

  /**
   * @param {Entry} entry
   * @param {string} id
   */
  show(entry, id) {
    const visible = this.filter === '' || id.includes(this.filter);
    entry.visible = visible;
    if (entry.tr.hidden === visible) entry.tr.hidden = !visible;
  }

  /**
   * Writes the cells whose text changed; a figure that went up flashes briefly.
   * @param {Entry} entry
   * @param {number} now
   * @param {boolean} flash
   */
  fill(entry, now, flash) {
    const { counts, lastHit } = entry.row;
    const f = this.figure;
    /** @type {Record<string, string>} */
    const next = {
      online: formatCount(counts.online),
      today: formatCount(counts.today[f]),
      week: formatCount(counts.week[f]),
      total: formatCount(counts.total[f]),
      lastHit: formatAgo(lastHit, now),
    };
    for (const column of COLUMNS) {
      const text = next[column];
      if (entry.text[column] === text) continue;
      const cell = entry.cells[column];
      const first = entry.text[column] === undefined;
      entry.text[column] = text;
      cell.textContent = text;
      if (column === 'lastHit') cell.title = formatTime(lastHit);
      else if (flash && !first && entry.visible) cell.animate(FLASH, { duration: 900, easing: 'ease-out' });
    }
  }

  /**
   * @param {SiteRow[]} rows
   * @param {number} now
   */
  totals(rows, now) {
    const f = this.figure;
    const sum = { online: 0, today: 0, week: 0, total: 0 };
    let latest = null;
    for (const { counts, lastHit } of rows) {
      sum.online += counts.online;
      sum.today += counts.today[f];
      sum.week += counts.week[f];
      sum.total += counts.total[f];
      if (lastHit && (!latest || lastHit > latest)) latest = lastHit;
    }
    /** @param {string} column @param {string} text */
    const set = (column, text) => {
      const cell = this.foot.querySelector(`[data-col="${column}"]`);
      if (cell && cell.textContent !== text) cell.textContent = text;
    };
    set('online', formatCount(sum.online));
    set('today', formatCount(sum.today));
    set('week', formatCount(sum.week));
    set('total', formatCount(sum.total));
    set('lastHit', formatAgo(latest, now));
  }

  /** Puts the rows in sort order, touching the DOM only when the order changed. */
  arrange() {
    const key = this.sortKey;
    const f = this.figure;
    const direction = this.descending ? -1 : 1;
    /** @param {Entry} entry */
    const value = (entry) => {
      const { counts, lastHit } = entry.row;
      switch (key) {
        case 'online': return counts.online;
        case 'today': return counts.today[f];
        case 'week': return counts.week[f];
        case 'total': return counts.total[f];
        case 'lastHit': return lastHit ? Date.parse(lastHit) : 0;
        default: return 0;
      }
    };
    const ids = [...this.entries.keys()].sort((a, b) => {
      if (key !== 'site') {
        const diff = value(/** @type {Entry} */ (this.entries.get(a))) - value(/** @type {Entry} */ (this.entries.get(b)));
        if (diff !== 0) return diff * direction;
      }
      return (a < b ? -1 : a > b ? 1 : 0) * (key === 'site' ? direction : 1);
    });
    if (ids.length === this.order.length && ids.every((id, i) => id === this.order[i])) return;
    this.order = ids;
    const fragment = document.createDocumentFragment();
    for (const id of ids) fragment.append(/** @type {Entry} */ (this.entries.get(id)).tr);
    this.tbody.append(fragment);
  }
}
