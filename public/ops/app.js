// @ts-check
/**
 * The ops dashboard: sign in with the admin token (kept in sessionStorage only: this tab,
 * until it closes — never localStorage or cookies), then follow every site live through the
 * Socket.IO namespace `/ops`, and open a site for its charts, sources and refused hits.
 */
import { ApiError, createApi } from '../common/api.js';
import { formatCount, formatWeekday } from '../common/format.js';
import { mountLanguageSwitch, onLanguageChange, preferredLanguage, setLanguage, t } from '../common/i18n.js';
import { LiveFeed } from '../common/live.js';
import { SiteView } from '../common/site-view.js';
import { SitesTable } from './sites-table.js';

const TOKEN_KEY = 'footfall.ops.token';

/** @param {string} selector */
const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

const signInSection = $('#sign-in');
const overview = $('#overview');
const siteSection = $('#site-view');
const table = new SitesTable(/** @type {HTMLTableElement} */ ($('#sites')));

/** @type {ReturnType<typeof createApi> | undefined} */
let api;
const siteView = new SiteView($('#site-body'), {
  get: (path) => (api ? api.get(path) : Promise.reject(new Error(t('ops.notSignedIn')))),
});
/** @type {Map<string, any>} */
let settings = new Map();
const feed = new LiveFeed($('#live-status'), {
  rows(rows, at) {
    if (api && rows.some((row) => !settings.has(row.counts.site))) void loadSettings(api).catch(() => undefined);
    table.update(rows, at);
    $('#no-sites').hidden = rows.length > 0;
    countSites();
    siteView.live(rows.find((row) => row.counts.site === siteView.site));
  },
  refused: (code) => signOut(code === 'unauthorized' ? () => t('ops.refused') : () => code),
});

function countSites() {
  const total = table.entries.size;
  const text = t(total === 1 ? 'ops.countOne' : 'ops.count', { shown: table.shown, total });
  if ($('#site-count').textContent !== text) $('#site-count').textContent = text;
}

/** @typedef {() => string} Message a text, written again in the language in force */

/** Why the operator is asked to sign in (again), if anything went wrong. */
let signInMessage = /** @type {Message} */ (() => '');

/** @param {Message} [message] */
function say(message = signInMessage) {
  signInMessage = message;
  $('#sign-in-error').textContent = message();
}

/** @param {Message} [message] */
function showSignIn(message = () => '') {
  signInSection.hidden = false;
  overview.hidden = siteSection.hidden = true;
  $('#sign-out').hidden = true;
  say(message);
  /** @type {HTMLInputElement} */ ($('#token')).focus();
}

/** @param {Message} [message] */
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  feed.stop();
  api = undefined;
  siteView.close();
  showSignIn(message);
}

/** @param {ReturnType<typeof createApi>} signedIn */
async function loadSettings(signedIn) {
  const sites = await signedIn.get('/sites');
  settings = new Map(sites.map((/** @type {any} */ site) => [site.id, site]));
  describe();
}

/** The open site's settings line: origins, time zone, first day of the week, baseline. */
function describe() {
  const line = $('#site-settings');
  const site = siteView.site === undefined ? undefined : settings.get(siteView.site);
  if (!site) {
    line.textContent = '';
    return;
  }
  const origins = site.origins.length > 0 ? site.origins.join(', ') : t('ops.noOrigins');
  const baseline = site.baseline.views || site.baseline.visitors
    ? t('ops.baseline', { views: formatCount(site.baseline.views), visitors: formatCount(site.baseline.visitors) })
    : '';
  line.textContent = t('ops.settings', { origins, zone: site.timezone, day: formatWeekday(site.weekStart) }) + baseline;
}

function route() {
  if (!api) return;
  const match = /^#\/site\/(.+)$/.exec(location.hash);
  const site = match ? decodeURIComponent(match[1] ?? '') : undefined;
  overview.hidden = site !== undefined;
  siteSection.hidden = site === undefined;
  if (site === undefined) {
    siteView.close();
    document.title = 'footfall · ops';
    return;
  }
  document.title = `${site} · footfall · ops`;
  $('#site-title').textContent = site;
  siteView.open(site);
  describe();
  siteView.live(table.last.find((row) => row.counts.site === site));
}

/**
 * @param {unknown} error
 * @param {string} refused the label of what to say when the server refused the token
 * @returns {Message}
 */
function failure(error, refused) {
  const { message } = /** @type {Error} */ (error);
  if (!(error instanceof ApiError)) return () => message;
  if (error.status === 401) return () => t(refused);
  if (error.status === 404 && error.code === 'not_found') return () => t('ops.adminOff');
  return () => message;
}

/** @param {string} token */
async function start(token) {
  const candidate = createApi('/api/v1/admin', token);
  await loadSettings(candidate);
  api = candidate;
  signInSection.hidden = true;
  $('#sign-out').hidden = false;
  feed.start({ token });
  route();
}

$('#sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('#token'));
  const token = input.value.trim();
  try {
    await start(token);
    sessionStorage.setItem(TOKEN_KEY, token);
    input.value = '';
  } catch (error) {
    say(failure(error, 'ops.wrongToken'));
  }
});

$('#sign-out').addEventListener('click', () => signOut());
siteSection.addEventListener('unauthorized', () => signOut(() => t('ops.refused')));
window.addEventListener('hashchange', route);

$('#filter').addEventListener('input', (event) => {
  table.setFilter(/** @type {HTMLInputElement} */ (event.target).value);
  countSites();
});
for (const radio of document.querySelectorAll('input[name="figure"]')) {
  radio.addEventListener('change', (event) => table.setFigure(/** @type {any} */ (event.target).value));
}

onLanguageChange(() => {
  say();
  table.setFigure(table.figure);
  countSites();
  describe();
});
mountLanguageSwitch($('#lang-switch'));
setLanguage(preferredLanguage());

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  start(saved).catch((error) => signOut(failure(error, 'ops.refusedSaved')));
} else {
  showSignIn();
}
