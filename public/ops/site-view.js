// @ts-check
/**
 * One site: live figures (from the `/ops` stream), today by hour and the last 30/90/365 days
 * (uPlot, served by footfall), top pages today and the hits refused today by reason. The
 * charts and lists are re-read from the admin API every few seconds while the view is open.
 */
import { ApiError } from './api.js';
import { formatCount } from './format.js';

/* global uPlot */

const REFRESH_MS = 5000;
const PLOT_HEIGHT = 220;
const WEEKDAYS = ['Sunday', 'Monday', '', '', '', '', 'Saturday'];

/**
 * @param {string} date YYYY-MM-DD
 * @param {number} days
 */
function addDays(date, days) {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}

/** @param {HTMLElement} el */
function widthOf(el) {
  return Math.max(240, el.clientWidth);
}

export class SiteView {
  /**
   * @param {HTMLElement} root
   * @param {{ get(path: string): Promise<any> }} api
   */
  constructor(root, api) {
    this.root = root;
    this.api = api;
    /** @type {string | undefined} */
    this.site = undefined;
    /** @type {any} */
    this.settings = undefined;
    /** @type {any} */
    this.hoursPlot = undefined;
    /** @type {any} */
    this.daysPlot = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.range = 30;
    this.loading = false;
    this.$ = /** @param {string} selector */ (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
    const range = /** @type {HTMLSelectElement} */ (this.$('#range'));
    range.addEventListener('change', () => {
      this.range = Number(range.value);
      void this.load();
    });
    this.resize = new ResizeObserver(() => {
      this.hoursPlot?.setSize({ width: widthOf(this.$('#chart-hours')), height: PLOT_HEIGHT });
      this.daysPlot?.setSize({ width: widthOf(this.$('#chart-days')), height: PLOT_HEIGHT });
    });
    this.resize.observe(this.$('#chart-hours'));
    this.resize.observe(this.$('#chart-days'));
  }

  /**
   * Shows `site`; `settings` from the sites list (undefined when not known yet).
   * @param {string} site
   * @param {any} settings
   */
  open(site, settings) {
    if (this.site !== site) {
      this.close();
      this.site = site;
      this.$('#site-title').textContent = site;
      for (const dd of this.root.querySelectorAll('[data-figure], [data-reason]')) dd.textContent = '–';
      this.$('#top-pages').replaceChildren();
    }
    this.describe(settings);
    void this.load();
  }

  close() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.site = undefined;
    this.hoursPlot?.destroy();
    this.daysPlot?.destroy();
    this.hoursPlot = this.daysPlot = undefined;
    this.$('#site-error').textContent = '';
  }

  /** @param {any} settings */
  describe(settings) {
    this.settings = settings;
    const line = this.$('#site-settings');
    if (!settings) {
      line.textContent = '';
      return;
    }
    const origins = settings.origins.length > 0 ? settings.origins.join(', ') : 'no origins (no page can send hits)';
    const baseline = settings.baseline.views || settings.baseline.visitors
      ? ` · baseline ${formatCount(settings.baseline.views)} views, ${formatCount(settings.baseline.visitors)} visitors`
      : '';
    line.textContent = `${origins} · ${settings.timezone} · weeks start on ${WEEKDAYS[settings.weekStart] ?? settings.weekStart}${baseline}`;
  }

  /**
   * The site's row of the latest `sites` payload.
   * @param {{ counts: any, lastHit: string | null } | undefined} row
   */
  live(row) {
    if (!row || row.counts.site !== this.site) return;
    const { counts } = row;
    /** @param {string} name @param {string} main @param {string} [small] */
    const set = (name, main, small) => {
      const dd = /** @type {HTMLElement} */ (this.root.querySelector(`[data-figure="${name}"]`));
      const text = small ? `${main} ${small}` : main;
      if (dd.dataset.text === text) return;
      dd.dataset.text = text;
      if (!small) {
        dd.textContent = main;
        return;
      }
      const note = document.createElement('small');
      note.textContent = small;
      dd.replaceChildren(main, note);
    };
    set('online', formatCount(counts.online));
    set('today', formatCount(counts.today.views), `${formatCount(counts.today.visitors)} visitors · ${counts.today.date}`);
    set('week', formatCount(counts.week.views), `${formatCount(counts.week.visitors)} visitors · ${counts.week.label}`);
    set('total', formatCount(counts.total.views), `${formatCount(counts.total.visitors)} visitors`);
  }

  /** Reads the day, the history and the top pages, then schedules the next read. */
  async load() {
    const site = this.site;
    if (site === undefined || this.loading) return;
    this.loading = true;
    clearTimeout(this.timer);
    const path = `/sites/${encodeURIComponent(site)}`;
    try {
      const day = await this.api.get(`${path}/day`);
      const from = addDays(day.date, -(this.range - 1));
      const [history, pages] = await Promise.all([
        this.api.get(`${path}/history?from=${from}&to=${day.date}`),
        this.api.get(`${path}/pages?date=${day.date}&limit=20`),
      ]);
      if (this.site !== site) return;
      this.$('#site-error').textContent = '';
      this.drawHours(day);
      this.drawDays(history);
      this.listPages(pages);
      for (const [reason, n] of Object.entries(day.refused)) {
        const dd = this.root.querySelector(`[data-reason="${reason}"]`);
        if (dd) dd.textContent = formatCount(/** @type {number} */ (n));
      }
    } catch (error) {
      if (this.site !== site) return;
      const gone = error instanceof ApiError && error.code === 'unknown_site';
      this.$('#site-error').textContent = gone ? `There is no site "${site}" any more.` : `Could not load the charts: ${/** @type {Error} */ (error).message}`;
      if (error instanceof ApiError && error.status === 401) this.root.dispatchEvent(new CustomEvent('unauthorized', { bubbles: true }));
    } finally {
      this.loading = false;
      if (this.site === site) this.timer = setTimeout(() => void this.load(), REFRESH_MS);
    }
  }

  /** @param {{ date: string, hours: number[] }} day */
  drawHours(day) {
    this.$('#hours-date').textContent = `(${day.date}, ${this.settings?.timezone ?? 'site time'})`;
    const data = [day.hours.map((_, hour) => hour), day.hours];
    if (this.hoursPlot) {
      this.hoursPlot.setData(data);
      return;
    }
    const el = this.$('#chart-hours');
    this.hoursPlot = new uPlot(
      {
        width: widthOf(el),
        height: PLOT_HEIGHT,
        scales: { x: { time: false, range: [-0.6, 23.6] } },
        axes: [
          { splits: () => [0, 3, 6, 9, 12, 15, 18, 21], values: (/** @type {any} */ _u, /** @type {number[]} */ splits) => splits.map((h) => `${String(h).padStart(2, '0')}:00`) },
          { size: 56 },
        ],
        series: [
          { label: 'Hour', value: (/** @type {any} */ _u, /** @type {number} */ h) => (h == null ? '–' : `${String(h).padStart(2, '0')}:00`) },
          { label: 'Views', stroke: '#1a6fd1', fill: 'rgba(26, 111, 209, 0.35)', paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } },
        ],
      },
      data,
      el,
    );
  }

  /** @param {Array<{ date: string, views: number, visitors: number }>} history */
  drawDays(history) {
    const data = [
      history.map((row) => Date.parse(`${row.date}T00:00:00Z`) / 1000),
      history.map((row) => row.views),
      history.map((row) => row.visitors),
    ];
    if (this.daysPlot) {
      this.daysPlot.setData(data);
      return;
    }
    const el = this.$('#chart-days');
    this.daysPlot = new uPlot(
      {
        width: widthOf(el),
        height: PLOT_HEIGHT,
        // Dates are the site's local days: shown as they are, not moved into this browser's zone.
        tzDate: (/** @type {number} */ ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        axes: [{}, { size: 56 }],
        series: [
          {},
          { label: 'Views', stroke: '#1a6fd1', fill: 'rgba(26, 111, 209, 0.12)', width: 2 },
          { label: 'Visitors', stroke: '#1d8348', width: 2 },
        ],
      },
      data,
      el,
    );
  }

  /** @param {Array<{ path: string, views: number }>} pages */
  listPages(pages) {
    const list = this.$('#top-pages');
    this.$('#no-pages').hidden = pages.length > 0;
    list.replaceChildren(
      ...pages.map(({ path, views }) => {
        const li = document.createElement('li');
        const line = document.createElement('span');
        const code = document.createElement('code');
        code.textContent = path;
        code.title = path;
        line.append(code, formatCount(views));
        li.append(line);
        return li;
      }),
    );
  }
}
