// @ts-check
/**
 * The ops dashboard: sign in with the admin token (kept in sessionStorage only: this tab,
 * until it closes — never localStorage or cookies), then follow every site live through the
 * Socket.IO namespace `/ops`, and open a site for its charts.
 */
import { ApiError, createApi } from './api.js';
import { SiteView } from './site-view.js';
import { SitesTable } from './sites-table.js';

/* global io */

const TOKEN_KEY = 'footfall.ops.token';
/** Past this many seconds without a payload the status says the figures are stale. */
const STALE_AFTER_S = 5;

/** @param {string} selector */
const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

const status = $('#live-status');
const signInSection = $('#sign-in');
const overview = $('#overview');
const siteSection = $('#site-view');
const table = new SitesTable(/** @type {HTMLTableElement} */ ($('#sites')));

/** @type {any} */
let socket;
/** @type {ReturnType<typeof createApi> | undefined} */
let api;
const siteView = new SiteView(siteSection, {
  get: (path) => (api ? api.get(path) : Promise.reject(new Error('Not signed in.'))),
});
/** @type {Map<string, any>} */
let settings = new Map();
let lastPayloadAt = 0;
/** @type {ReturnType<typeof setInterval> | undefined} */
let clock;

/**
 * @param {'idle' | 'live' | 'stale' | 'down'} state
 * @param {string} text
 */
function setStatus(state, text) {
  status.dataset.state = state;
  if (status.textContent !== text) status.textContent = text;
}

/** @param {string} [message] */
function showSignIn(message = '') {
  signInSection.hidden = false;
  overview.hidden = siteSection.hidden = true;
  $('#sign-out').hidden = true;
  $('#sign-in-error').textContent = message;
  setStatus('idle', '');
  /** @type {HTMLInputElement} */ ($('#token')).focus();
}

/** @param {string} [message] */
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  socket?.disconnect();
  socket = undefined;
  api = undefined;
  siteView.close();
  clearInterval(clock);
  showSignIn(message);
}

/** @param {ReturnType<typeof createApi>} signedIn */
async function loadSettings(signedIn) {
  const sites = await signedIn.get('/sites');
  settings = new Map(sites.map((/** @type {any} */ site) => [site.id, site]));
  if (siteView.site !== undefined) siteView.describe(settings.get(siteView.site));
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
  siteView.open(site, settings.get(site));
  siteView.live(table.last.find((row) => row.counts.site === site));
}

/** @param {string} token */
async function start(token) {
  const candidate = createApi(token);
  await loadSettings(candidate);
  api = candidate;
  signInSection.hidden = true;
  $('#sign-out').hidden = false;
  setStatus('stale', 'Connecting…');
  socket = io('/ops', { auth: { token }, transports: ['websocket', 'polling'] });
  socket.on('sites', (/** @type {any[]} */ rows) => {
    lastPayloadAt = Date.now();
    if (api && rows.some((row) => !settings.has(row.counts.site))) void loadSettings(api).catch(() => undefined);
    table.update(rows, lastPayloadAt);
    $('#no-sites').hidden = rows.length > 0;
    const count = `${table.shown} of ${rows.length} site${rows.length === 1 ? '' : 's'}`;
    if ($('#site-count').textContent !== count) $('#site-count').textContent = count;
    siteView.live(rows.find((row) => row.counts.site === siteView.site));
    setStatus('live', `Live · ${new Date(lastPayloadAt).toLocaleTimeString()}`);
  });
  socket.on('connect_error', (/** @type {Error} */ error) => {
    if (error.message === 'unauthorized') signOut('The server refused the token. Sign in again.');
    else setStatus('down', 'Not connected · retrying…');
  });
  socket.on('disconnect', () => setStatus('down', 'Disconnected · retrying…'));
  clearInterval(clock);
  clock = setInterval(() => {
    const age = Math.round((Date.now() - lastPayloadAt) / 1000);
    if (lastPayloadAt > 0 && age >= STALE_AFTER_S && socket?.connected) setStatus('stale', `Stale · last update ${age} s ago`);
  }, 1000);
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
    $('#sign-in-error').textContent =
      error instanceof ApiError && error.status === 401 ? 'That is not the admin token.' : /** @type {Error} */ (error).message;
  }
});

$('#sign-out').addEventListener('click', () => signOut());
siteSection.addEventListener('unauthorized', () => signOut('The server refused the token. Sign in again.'));
window.addEventListener('hashchange', route);

$('#filter').addEventListener('input', (event) => {
  table.setFilter(/** @type {HTMLInputElement} */ (event.target).value);
  $('#site-count').textContent = `${table.shown} of ${table.entries.size} sites`;
});
for (const radio of document.querySelectorAll('input[name="figure"]')) {
  radio.addEventListener('change', (event) => table.setFigure(/** @type {any} */ (event.target).value));
}

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  start(saved).catch((error) => signOut(error instanceof ApiError && error.status === 401 ? 'The server refused the saved token. Sign in again.' : error.message));
} else {
  showSignIn();
}
