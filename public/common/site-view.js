// @ts-check
/**
 * One site, as both dashboards show it (`/ops` for the operator, `/s/<site>` for its owner):
 * the live figures (from the `/ops` feed), today by hour, days / months / years, the top pages
 * of a chosen day, where views came from, what is coming in now, how many page slots are used,
 * and the hits refused today (when the credential may see them: not a public site's visitor).
 * Reports are re-read from the API every few seconds while the view is open.
 */
import { ApiError } from './api.js';
import { ArrivalWindow } from './arrivals.js';
import { Chart } from './charts.js';
import { formatCount, formatDate } from './format.js';
import { language, onLanguageChange, t, translate } from './i18n.js';
import { DIMENSIONS, SOURCE_RANGES, fillSourceTable, listSources } from './sources.js';

const REFRESH_MS = 5000;
/** How often "coming in now" reads today's referrers. */
const ARRIVALS_MS = 10_000;
const PERIODS = ['today', 'yesterday', 'week', 'month', 'year', 'total'];
const REASONS = ['bot', 'origin', 'rate_limit', 'invalid'];
/** The ranges of each grouping, and the one shown first. */
const RANGES = /** @type {const} */ ({
  day: { choices: [30, 90, 365], first: 30, unit: 'range.days' },
  month: { choices: [12, 24, 60], first: 12, unit: 'range.months' },
  year: { choices: [5, 10, 20], first: 10, unit: 'range.years' },
});
const VIEWS = { stroke: '#1a6fd1', fill: 'rgba(26, 111, 209, 0.14)' };
const VISITORS = { stroke: '#1d8348' };

/** @typedef {'day' | 'month' | 'year'} Group */
/** @typedef {{ name: string, views: number }} SourceRow */

/** Static markup: every label is a `data-i18n` key, every figure is set later as text. */
const MARKUP = `
<dl id="site-figures" class="figures">
  <div data-period="online"><dt data-i18n="figure.online"></dt><dd data-figure="online">–</dd></div>
  ${PERIODS.map((period) => `<div data-period="${period}"><dt data-i18n="figure.${period}"></dt><dd data-figure="${period}">–</dd></div>`).join('')}
</dl>
<div class="charts">
  <figure class="chart">
    <figcaption><span data-i18n="chart.hours"></span> <span id="hours-date" class="muted"></span></figcaption>
    <div id="chart-hours" class="plot"></div>
  </figure>
  <figure class="chart">
    <figcaption class="controls">
      <fieldset id="group" class="toggle">
        <legend class="visually-hidden" data-i18n="chart.group"></legend>
        <label><input type="radio" name="group" value="day" checked> <span data-i18n="chart.byDay"></span></label>
        <label><input type="radio" name="group" value="month"> <span data-i18n="chart.byMonth"></span></label>
        <label><input type="radio" name="group" value="year"> <span data-i18n="chart.byYear"></span></label>
      </fieldset>
      <label class="visually-hidden" for="range" data-i18n="chart.range"></label>
      <select id="range"></select>
    </figcaption>
    <div id="chart-history" class="plot"></div>
  </figure>
</div>
<div class="panels">
  <section id="pages-panel">
    <div class="panel-head">
      <h3 data-i18n="pages.title"></h3>
      <div class="day-step">
        <button type="button" id="pages-prev" data-i18n-aria-label="pages.previous" data-i18n-title="pages.previous">‹</button>
        <span id="pages-day"></span>
        <button type="button" id="pages-next" data-i18n-aria-label="pages.next" data-i18n-title="pages.next">›</button>
      </div>
    </div>
    <p class="muted hint" data-i18n="pages.hint"></p>
    <ol id="top-pages" class="top-pages"></ol>
    <p id="no-pages" class="muted" data-i18n="pages.none" hidden></p>
  </section>
  <section id="sources-panel">
    <div class="panel-head">
      <h3 data-i18n="sources.title"></h3>
      <label class="visually-hidden" for="source-dim" data-i18n="sources.dimension"></label>
      <select id="source-dim"></select>
      <label class="visually-hidden" for="source-range" data-i18n="sources.range"></label>
      <select id="source-range"></select>
    </div>
    <div class="scroll">
      <table id="sources" class="list-table">
        <thead><tr><th scope="col" data-i18n="sources.name"></th><th scope="col" class="num" data-i18n="figure.today"></th><th scope="col" class="num" id="sources-range-head"></th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p id="no-sources" class="muted" data-i18n="sources.none" hidden></p>
    <p id="dbip" class="attribution" hidden><a href="https://db-ip.com" lang="en" rel="noopener">IP geolocation by DB-IP</a></p>
  </section>
  <section id="arrivals-panel">
    <h3 data-i18n="arrivals.title"></h3>
    <p class="muted" data-i18n="arrivals.note"></p>
    <ul id="arrivals" class="counted"></ul>
    <p id="arrivals-state" class="muted"></p>
  </section>
  <section id="refused-panel" hidden>
    <h3 data-i18n="refused.title"></h3>
    <p class="muted" data-i18n="refused.note"></p>
    <dl id="refused" class="pairs">
      ${REASONS.map((reason) => `<div><dt data-i18n="refused.${reason}"></dt><dd data-reason="${reason}">–</dd></div>`).join('')}
    </dl>
  </section>
  <section id="paths-panel">
    <h3 data-i18n="paths.title"></h3>
    <p class="muted" data-i18n="paths.note"></p>
    <dl id="paths" class="pairs">
      <div><dt data-i18n="paths.day"></dt><dd data-slot="day">–</dd></div>
      <div><dt data-i18n="paths.total"></dt><dd data-slot="total">–</dd></div>
    </dl>
  </section>
</div>
<p id="site-error" class="error" role="alert"></p>`;

/**
 * @param {string} date YYYY-MM-DD
 * @param {number} days
 */
function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The first day of the history a grouping shows over `n` of its periods up to `today`.
 * @param {Group} group
 * @param {number} n
 * @param {string} today
 */
function historyStart(group, n, today) {
  const [year, month] = today.split('-').map(Number);
  if (group === 'day') return addDays(today, -(n - 1));
  if (group === 'year') return `${/** @type {number} */ (year) - (n - 1)}-01-01`;
  const first = new Date(Date.UTC(/** @type {number} */ (year), /** @type {number} */ (month) - n, 1));
  return first.toISOString().slice(0, 10);
}

/**
 * @param {HTMLSelectElement} select
 * @param {readonly (string | number)[]} values
 * @param {(value: any) => string} label
 */
function fillOptions(select, values, label) {
  const chosen = select.value;
  select.replaceChildren(
    ...values.map((value) => {
      const option = document.createElement('option');
      option.value = String(value);
      option.textContent = label(value);
      return option;
    }),
  );
  if (values.map(String).includes(chosen)) select.value = chosen;
}

export class SiteView {
  /**
   * @param {HTMLElement} root where the view is drawn
   * @param {{ get(path: string): Promise<any> }} api `path` from `/sites/<site>/…`
   */
  constructor(root, api) {
    root.innerHTML = MARKUP;
    this.root = root;
    this.api = api;
    /** @type {string | undefined} */
    this.site = undefined;
    /** @type {string | undefined} the site's time zone, once the feed named it */
    this.timezone = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.arrivalsTimer = undefined;
    this.loading = false;
    /** @type {Group} */
    this.group = 'day';
    /** @type {string | undefined} the day of the top pages; none: today */
    this.pagesDate = undefined;
    /** @type {any} what was drawn last, to draw again in another language */
    this.shown = {};
    this.arrivalWindow = new ArrivalWindow();
    this.$ = /** @param {string} selector */ (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
    this.hours = new Chart(this.$('#chart-hours'));
    this.history = new Chart(this.$('#chart-history'));

    this.range = /** @type {HTMLSelectElement} */ (this.$('#range'));
    this.sourceDim = /** @type {HTMLSelectElement} */ (this.$('#source-dim'));
    this.sourceRange = /** @type {HTMLSelectElement} */ (this.$('#source-range'));
    this.labelControls();
    this.range.value = String(RANGES.day.first);
    this.sourceRange.value = '30';
    for (const radio of root.querySelectorAll('input[name="group"]')) {
      radio.addEventListener('change', (event) => {
        this.group = /** @type {Group} */ (/** @type {HTMLInputElement} */ (event.target).value);
        this.labelControls();
        this.range.value = String(RANGES[this.group].first);
        void this.load();
      });
    }
    this.range.addEventListener('change', () => void this.load());
    this.sourceDim.addEventListener('change', () => void this.load());
    this.sourceRange.addEventListener('change', () => void this.load());
    this.$('#pages-prev').addEventListener('click', () => this.stepPages(-1));
    this.$('#pages-next').addEventListener('click', () => this.stepPages(1));
    // A day of the chart, clicked: its top pages.
    this.$('#chart-history').addEventListener('click', () => {
      const i = this.history.plot?.cursor.idx;
      const row = this.shown.history?.rows[i];
      if (this.group !== 'day' || i == null || !row) return;
      this.choosePages(row.date);
    });
    translate(root);
    onLanguageChange(() => this.relabel());
  }

  /**
   * Shows the top pages of `date` (today's: follow today).
   * @param {string} date
   */
  choosePages(date) {
    const today = this.shown.day?.date;
    this.pagesDate = today === undefined || date < today ? date : undefined;
    void this.load();
  }

  /** @param {number} days one back or forward */
  stepPages(days) {
    const today = this.shown.day?.date;
    if (today !== undefined) this.choosePages(addDays(this.pagesDate ?? today, days));
  }

  /** The options of the selects, in the language in force. */
  labelControls() {
    const { choices, unit } = RANGES[this.group];
    fillOptions(this.range, choices, (n) => t(unit, { n }));
    fillOptions(this.sourceDim, DIMENSIONS, (dim) => t(`dim.${dim}`));
    fillOptions(this.sourceRange, SOURCE_RANGES, (n) => t('range.days', { n }));
    this.$('#sources-range-head').textContent = t('sources.lastDays', { n: this.sourceRange.value });
  }

  /** Everything drawn again in the language in force. */
  relabel() {
    this.labelControls();
    translate(this.root);
    if (this.shown.row) this.live(this.shown.row, true);
    if (this.site === undefined) return;
    this.hours.destroy();
    this.history.destroy();
    if (this.shown.day) this.drawHours(this.shown.day);
    if (this.shown.history) this.drawHistory(this.shown.history);
    if (this.shown.pages) this.listPages(this.shown.pages);
    if (this.shown.sources) this.listSources(this.shown.sources);
    if (this.shown.paths) this.showPaths(this.shown.paths);
    this.showArrivals();
  }

  /**
   * Shows `site` (again: a second call re-reads at once).
   * @param {string} site
   */
  open(site) {
    if (this.site !== site) {
      this.close();
      this.site = site;
      for (const dd of this.root.querySelectorAll('[data-figure], [data-reason], [data-slot]')) {
        dd.textContent = '–';
        delete (/** @type {HTMLElement} */ (dd).dataset.text);
      }
      this.$('#top-pages').replaceChildren();
      this.$('#arrivals').replaceChildren();
      /** @type {HTMLTableElement} */ (this.$('#sources')).tBodies[0]?.replaceChildren();
      this.$('#arrivals-state').textContent = t('arrivals.waiting');
      this.arrivalWindow = new ArrivalWindow();
      void this.readArrivals();
    }
    void this.load();
  }

  close() {
    clearTimeout(this.timer);
    clearTimeout(this.arrivalsTimer);
    this.timer = this.arrivalsTimer = undefined;
    this.site = this.timezone = this.pagesDate = undefined;
    this.shown = {};
    this.hours.destroy();
    this.history.destroy();
    this.$('#site-error').textContent = '';
  }

  /**
   * The site's row of the latest `sites` payload.
   * @param {{ counts: any, lastHit: string | null } | undefined} row
   * @param {boolean} [again] draw even what did not change (another language)
   */
  live(row, again = false) {
    if (!row || row.counts.site !== this.site) return;
    this.shown.row = row;
    const { counts } = row;
    this.timezone = counts.timezone;
    /**
     * @param {string} name
     * @param {string} main
     * @param {string | undefined} unit
     * @param {string} note
     */
    const set = (name, main, unit, note) => {
      const dd = /** @type {HTMLElement} */ (this.root.querySelector(`[data-figure="${name}"]`));
      const text = [main, unit, note].join('|');
      if (dd.dataset.text === text && !again) return;
      dd.dataset.text = text;
      const value = document.createElement('span');
      value.className = 'v';
      value.textContent = main;
      const parts = [value];
      if (unit) {
        const u = document.createElement('span');
        u.className = 'u';
        u.textContent = unit;
        parts.push(u);
      }
      const small = document.createElement('small');
      small.textContent = note;
      dd.replaceChildren(...parts, small);
    };
    const views = t('figure.views');
    const visitors = (/** @type {number} */ n) => t('figure.visitors', { n: formatCount(n) });
    set('online', formatCount(counts.online), undefined, t('figure.onlineNote'));
    const notes = {
      today: formatDate(counts.today.date),
      yesterday: formatDate(counts.yesterday.date),
      week: t('figure.weekFrom', { date: formatDate(counts.week.start) }),
      month: formatDate(counts.month.label),
      year: counts.year.label,
      total: '',
    };
    for (const period of PERIODS) {
      const figures = counts[period];
      const note = notes[/** @type {keyof typeof notes} */ (period)];
      set(period, formatCount(figures.views), views, note ? `${visitors(figures.visitors)} · ${note}` : visitors(figures.visitors));
    }
  }

  /** Reads the day, the history, the top pages, the sources and the path slots; then again later. */
  async load() {
    const site = this.site;
    if (site === undefined || this.loading) return;
    this.loading = true;
    clearTimeout(this.timer);
    const path = `/sites/${encodeURIComponent(site)}`;
    try {
      const day = await this.api.get(`${path}/day`);
      const today = day.date;
      const group = this.group;
      const from = historyStart(group, Number(this.range.value), today);
      const pagesDate = this.pagesDate ?? today;
      const dim = this.sourceDim.value;
      const days = Number(this.sourceRange.value);
      const [history, pages, todaySources, rangeSources, paths] = await Promise.all([
        this.api.get(`${path}/history?from=${from}&to=${today}&group=${group}`),
        this.api.get(`${path}/pages?date=${pagesDate}&limit=20`),
        this.api.get(`${path}/sources?dim=${dim}&limit=1000`),
        this.api.get(`${path}/sources?dim=${dim}&from=${addDays(today, -(days - 1))}&to=${today}&limit=20`),
        this.api.get(`${path}/paths`),
      ]);
      if (this.site !== site) return;
      this.$('#site-error').textContent = '';
      this.drawHours(day);
      if (group === this.group) this.drawHistory({ group, rows: history });
      this.listPages({ date: pagesDate, today, rows: pages });
      this.listSources({ dim, days, today: todaySources, range: rangeSources });
      this.showPaths(paths);
      this.showRefused(day.refused);
    } catch (error) {
      if (this.site !== site) return;
      this.fail(error);
    } finally {
      this.loading = false;
      if (this.site === site) this.timer = setTimeout(() => void this.load(), REFRESH_MS);
    }
  }

  /** @param {unknown} error */
  fail(error) {
    const site = this.site;
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      // The dashboard decides what to say and whether to go on.
      this.root.dispatchEvent(new CustomEvent(error.status === 401 ? 'unauthorized' : 'forbidden', { bubbles: true }));
      return;
    }
    const gone = error instanceof ApiError && error.code === 'unknown_site';
    this.$('#site-error').textContent = gone ? t('error.gone', { site: site ?? '' }) : t('error.load', { message: /** @type {Error} */ (error).message });
  }

  /** Reads today's referrers for "coming in now"; then again in a few seconds. */
  async readArrivals() {
    const site = this.site;
    if (site === undefined) return;
    try {
      const [day, rows] = await Promise.all([
        // The date only: which local day the counts are of.
        this.shown.day ?? this.api.get(`/sites/${encodeURIComponent(site)}/day`),
        this.api.get(`/sites/${encodeURIComponent(site)}/sources?dim=referrer&limit=1000`),
      ]);
      if (this.site !== site) return;
      this.arrivalWindow.add(Date.now(), day.date, rows);
      this.showArrivals();
    } catch {
      // The main reads report what is wrong; this one tries again.
    } finally {
      if (this.site === site) this.arrivalsTimer = setTimeout(() => void this.readArrivals(), ARRIVALS_MS);
    }
  }

  showArrivals() {
    const arrivals = this.arrivalWindow;
    // Views from the site's own pages are not arrivals.
    const rows = arrivals.arrivals().filter((row) => row.name !== '(internal)');
    listSources(this.$('#arrivals'), 'referrer', rows, '+');
    this.$('#arrivals-state').textContent = !arrivals.ready ? t('arrivals.waiting') : rows.length === 0 ? t('arrivals.none') : '';
  }

  /** @param {{ date: string, hours: number[] }} day */
  drawHours(day) {
    this.shown.day = day;
    this.$('#hours-date').textContent = `(${formatDate(day.date)}, ${this.timezone ?? t('chart.siteTime')})`;
    const hours = day.hours.map((_, hour) => `${String(hour).padStart(2, '0')}:00`);
    this.hours.draw({
      key: `hours:${language()}`,
      labels: hours,
      xLabel: t('label.hour'),
      bars: true,
      series: [{ label: t('label.views'), values: day.hours, stroke: VIEWS.stroke, fill: 'rgba(26, 111, 209, 0.35)' }],
    });
  }

  /** @param {{ group: Group, rows: Array<{ date: string, views: number, visitors: number }> }} history */
  drawHistory(history) {
    this.shown.history = history;
    const { group, rows } = history;
    const dates = rows.map((row) => row.date);
    this.history.draw({
      key: `history:${group}:${language()}`,
      labels: dates.map((date) => formatDate(date)),
      ticks: group === 'day' ? dates.map((date) => formatDate(date, { short: true })) : undefined,
      xLabel: t(`label.${group}`),
      bars: false,
      series: [
        { label: t('label.views'), values: rows.map((row) => row.views), ...VIEWS },
        { label: t('label.visitors'), values: rows.map((row) => row.visitors), ...VISITORS },
      ],
    });
  }

  /** @param {{ date: string, today: string, rows: Array<{ path: string, views: number }> }} pages */
  listPages(pages) {
    this.shown.pages = pages;
    const { date, today, rows } = pages;
    this.$('#pages-day').textContent = date === today ? t('figure.today') : formatDate(date);
    /** @type {HTMLButtonElement} */ (this.$('#pages-next')).disabled = date >= today;
    this.$('#no-pages').hidden = rows.length > 0;
    this.$('#top-pages').replaceChildren(
      ...rows.map(({ path, views }) => {
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

  /** @param {{ dim: string, days: number, today: SourceRow[], range: SourceRow[] }} sources */
  listSources(sources) {
    this.shown.sources = sources;
    const body = /** @type {HTMLTableSectionElement} */ (/** @type {HTMLTableElement} */ (this.$('#sources')).tBodies[0]);
    fillSourceTable(body, sources.dim, sources.today, sources.range);
    this.$('#sources-range-head').textContent = t('sources.lastDays', { n: sources.days });
    this.$('#no-sources').hidden = sources.range.length > 0;
    // DB-IP's licence: wherever countries are shown, say where they come from.
    this.$('#dbip').hidden = sources.dim !== 'country';
  }

  /** @param {{ today: number, earned: number, limit: { day: number, total: number }, atCap: { day: boolean, total: boolean } }} paths */
  showPaths(paths) {
    this.shown.paths = paths;
    for (const [slot, used] of /** @type {const} */ ([['day', paths.today], ['total', paths.earned]])) {
      const dd = /** @type {HTMLElement} */ (this.root.querySelector(`[data-slot="${slot}"]`));
      const text = t('paths.of', { n: formatCount(used), limit: formatCount(paths.limit[slot]) });
      const meter = document.createElement('meter');
      meter.max = paths.limit[slot];
      meter.value = Math.min(used, paths.limit[slot]);
      meter.high = paths.limit[slot] * 0.9;
      /** @type {Array<string | HTMLElement>} */
      const parts = [text, meter];
      if (paths.atCap[slot]) {
        const full = document.createElement('small');
        full.textContent = t('paths.full');
        parts.push(full);
      }
      dd.classList.toggle('full', paths.atCap[slot]);
      dd.replaceChildren(...parts);
    }
  }

  /**
   * The day's refused hits by reason; a public site's visitor is not told them.
   * @param {Record<string, number> | undefined} refused
   */
  showRefused(refused) {
    this.$('#refused-panel').hidden = refused === undefined;
    if (!refused) return;
    for (const [reason, n] of Object.entries(refused)) {
      const dd = this.root.querySelector(`[data-reason="${reason}"]`);
      if (dd) dd.textContent = formatCount(n);
    }
  }
}
