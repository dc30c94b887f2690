// @ts-check
/**
 * Numbers, dates and times for the dashboards, in the language in force (Intl): Vietnamese
 * groups with dots and writes dates dd/mm/yyyy (4.288.000 · 27/11/2026), English groups
 * with commas and names the month (4,288,000 · 27 Nov 2026). Dates are the site's local
 * days as the API gives them (`2026-11-27`, `2026-11`, `2026`): shown as they are, never
 * moved into the browser's time zone.
 */
import { language, t } from './i18n.js';

/** @typedef {import('./i18n.js').Lang} Lang */

/** @param {Lang} lang */
const localeOf = (lang) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

/** @type {Record<Lang, Intl.DateTimeFormatOptions>} */
const DAY = {
  vi: { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' },
  en: { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' },
};
/** @type {Record<Lang, Intl.DateTimeFormatOptions>} */
const MONTH = {
  vi: { month: 'numeric', year: 'numeric', timeZone: 'UTC' },
  en: { month: 'short', year: 'numeric', timeZone: 'UTC' },
};
/** @type {Record<Lang, Intl.DateTimeFormatOptions>} */
const SHORT_DAY = {
  vi: { day: '2-digit', month: '2-digit', timeZone: 'UTC' },
  en: { day: 'numeric', month: 'short', timeZone: 'UTC' },
};

/** @type {Map<string, Intl.NumberFormat | Intl.DateTimeFormat>} */
const made = new Map();

/**
 * One formatter per language and kind, made once.
 * @template {Intl.NumberFormat | Intl.DateTimeFormat} F
 * @param {string} kind
 * @param {(locale: string, lang: Lang) => F} make
 * @returns {F}
 */
function formatter(kind, make) {
  const lang = language();
  const name = `${kind}:${lang}`;
  let found = made.get(name);
  if (!found) made.set(name, (found = make(localeOf(lang), lang)));
  return /** @type {F} */ (found);
}

/** @param {number} n */
export function formatCount(n) {
  return formatter('count', (locale) => new Intl.NumberFormat(locale)).format(n);
}

/**
 * A local date as the API gives it: a day (`2026-11-27`), a month (`2026-11`) or a year (`2026`).
 * @param {string} date
 * @param {{ short?: boolean }} [options] `short`: a day without its year (chart axes)
 */
export function formatDate(date, { short = false } = {}) {
  const [year, month, day] = date.split('-');
  if (month === undefined) return date;
  const at = Date.UTC(Number(year), Number(month) - 1, Number(day ?? 1));
  if (day === undefined) return formatter('month', (locale, lang) => new Intl.DateTimeFormat(locale, MONTH[lang])).format(at);
  if (short) return formatter('shortDay', (locale, lang) => new Intl.DateTimeFormat(locale, SHORT_DAY[lang])).format(at);
  return formatter('day', (locale, lang) => new Intl.DateTimeFormat(locale, DAY[lang])).format(at);
}

/**
 * The name of a day of the week, 0 = Sunday.
 * @param {number} weekday
 */
export function formatWeekday(weekday) {
  // 2026-11-01 was a Sunday.
  return formatter('weekday', (locale) => new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' })).format(Date.UTC(2026, 10, 1 + weekday));
}

/**
 * A clock time of this browser, e.g. the last live update.
 * @param {number} at epoch ms
 */
export function formatClock(at) {
  return formatter('clock', (locale) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' })).format(at);
}

/**
 * `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `never` without a hit.
 * @param {string | null} iso
 * @param {number} now epoch ms
 */
export function formatAgo(iso, now) {
  if (!iso) return t('ago.never');
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return t('ago.s', { n: seconds });
  if (seconds < 3600) return t('ago.min', { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t('ago.h', { n: Math.floor(seconds / 3600) });
  return t('ago.d', { n: Math.floor(seconds / 86400) });
}

/** @param {string | null} iso */
export function formatTime(iso) {
  return iso
    ? formatter('time', (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' })).format(Date.parse(iso))
    : t('time.none');
}
