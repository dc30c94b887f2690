// @ts-check
/**
 * Where views came from, as the dashboards show it: one dimension at a time (referrers,
 * campaigns, countries, browsers, operating systems, devices), today beside a chosen number
 * of days, and "coming in now" (see arrivals.js). footfall's own names — `(direct)`,
 * `(internal)`, `(none)`, `(unknown)`, `(other)` — and devices are translated, countries are
 * named in the language in force; the raw name stays in `data-name`.
 */
import { formatCount } from './format.js';
import { language, t } from './i18n.js';

/** The dimensions of `GET …/sources?dim=`, in the order the dashboards offer them. */
export const DIMENSIONS = ['referrer', 'campaign', 'country', 'browser', 'os', 'device'];
/** The ranges the panel compares today with, in days. */
export const SOURCE_RANGES = [7, 30, 90, 365];

/** @type {Map<string, Intl.DisplayNames>} */
const regionNames = new Map();

/**
 * A source name as shown.
 * @param {string} dimension
 * @param {string} name
 */
export function sourceLabel(dimension, name) {
  if (/^\(\w+\)$/.test(name)) return t(`source.${name}`);
  if (dimension === 'device') return t(`device.${name}`);
  if (dimension === 'country' && /^[A-Z]{2}$/.test(name)) {
    const lang = language();
    let names = regionNames.get(lang);
    if (!names) regionNames.set(lang, (names = new Intl.DisplayNames([lang], { type: 'region' })));
    return names.of(name) ?? name;
  }
  return name;
}

/**
 * Rows of `name → views` as list items, each with its raw name in `data-name`.
 * @param {HTMLElement} list an `<ol>` or `<ul>`
 * @param {string} dimension
 * @param {Array<{ name: string, views: number }>} rows
 * @param {string} [prefix] before each count, e.g. "+"
 */
export function listSources(list, dimension, rows, prefix = '') {
  list.replaceChildren(
    ...rows.map(({ name, views }) => {
      const li = document.createElement('li');
      li.dataset.name = name;
      const label = document.createElement('span');
      label.textContent = sourceLabel(dimension, name);
      label.title = name;
      const count = document.createElement('b');
      count.textContent = prefix + formatCount(views);
      li.append(label, count);
      return li;
    }),
  );
}

/**
 * The table of one dimension: a row per name of the range's top (most views first), with
 * today's views and the range's.
 * @param {HTMLTableSectionElement} body
 * @param {string} dimension
 * @param {Array<{ name: string, views: number }>} today
 * @param {Array<{ name: string, views: number }>} range
 */
export function fillSourceTable(body, dimension, today, range) {
  const todayViews = new Map(today.map((row) => [row.name, row.views]));
  body.replaceChildren(
    ...range.map(({ name, views }) => {
      const tr = document.createElement('tr');
      tr.dataset.name = name;
      const cells = [
        ['name', sourceLabel(dimension, name)],
        ['today', formatCount(todayViews.get(name) ?? 0)],
        ['range', formatCount(views)],
      ];
      for (const [column, text] of cells) {
        const td = document.createElement('td');
        td.dataset.col = column;
        td.textContent = text ?? '';
        if (column === 'name') td.title = name;
        else td.className = 'num';
        tr.append(td);
      }
      return tr;
    }),
  );
}
