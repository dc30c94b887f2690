// @ts-check
/**
 * A site owner's dashboard at `/s/<site>`: the site's live figures, charts, pages and sources.
 *
 * The operator hands out a link `/s/<site>#key=ffk_…`. The fragment never leaves the browser;
 * the page takes the key from it, removes it from the address bar and keeps it in this tab's
 * sessionStorage (gone when the tab closes; never localStorage, never a cookie, never in a
 * request line: the API gets it in `Authorization`, the live feed in its handshake). Without a
 * key the page asks as a visitor of a public site, and says so plainly when the site is not.
 */
import { ApiError, createApi } from '../common/api.js';
import { mountLanguageSwitch, onLanguageChange, preferredLanguage, setLanguage, t } from '../common/i18n.js';
import { LiveFeed } from '../common/live.js';
import { SiteView } from '../common/site-view.js';

/** Until the server answers again after a network failure. */
const RETRY_MS = 10_000;

/** @param {string} selector */
const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

/** The site of `/s/<site>`, or undefined on any other address. */
function siteOfPath() {
  const match = /^\/s\/([a-z0-9][a-z0-9-]{0,62})\/?$/.exec(location.pathname);
  return match?.[1];
}

/**
 * The key of this tab for `site`: from the fragment `#key=…` (then removed from the address
 * bar and history), else from sessionStorage.
 * @param {string} site
 */
function takeKey(site) {
  const storageKey = `footfall.key.${site}`;
  const given = new URLSearchParams(location.hash.slice(1)).get('key');
  if (given) {
    sessionStorage.setItem(storageKey, given);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(storageKey) ?? undefined;
}

const site = siteOfPath();
const key = site === undefined ? undefined : takeKey(site);
const api = createApi('/api/v1', key);
const view = new SiteView($('#site-body'), api);
const feed = new LiveFeed($('#live-status'), {
  rows: (rows) => view.live(rows.find((row) => row.counts.site === site)),
  refused: (code) => refuse(code === 'unauthorized' ? 401 : code === 'forbidden' ? 403 : 404, code),
});
/** @type {{ key: string, params?: Record<string, string> } | undefined} */
let notice;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let retry;

/**
 * Shows a message in place of the figures (or none).
 * @param {string} [message] a label key
 * @param {Record<string, string>} [params]
 */
function say(message, params) {
  notice = message === undefined ? undefined : { key: message, params };
  const box = $('#notice');
  box.hidden = notice === undefined;
  box.textContent = notice ? t(notice.key, notice.params) : '';
}

/**
 * Stops everything and says why: the link's key is wrong or gone, it opens other sites, the
 * site is not public, or does not exist.
 * @param {number} status
 * @param {string} code
 */
function refuse(status, code) {
  feed.stop();
  view.close();
  $('#site-view').hidden = true;
  const name = { site: site ?? '' };
  if (status === 401) say(key ? 'owner.revoked' : 'owner.needKey');
  else if (status === 403) say('owner.forbidden', name);
  else if (status === 429) say('owner.limited');
  else if (code === 'unknown_site') say('owner.unknown', name);
  else say('owner.offline', { message: code });
}

/** Asks once whether the credential opens the site; only then reads and follows it. */
async function start() {
  if (site === undefined) return say('owner.noSite');
  clearTimeout(retry);
  try {
    await api.get(`/sites/${site}/day`);
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404, 429].includes(error.status)) return refuse(error.status, error.code);
    // The server or the network is down: say so, and try again.
    refuse(0, /** @type {Error} */ (error).message);
    retry = setTimeout(() => void start(), RETRY_MS);
    return;
  }
  say();
  $('#public-badge').hidden = key !== undefined;
  $('#site-view').hidden = false;
  view.open(site);
  feed.start(key ? { key } : { site });
}

$('#site-body').addEventListener('unauthorized', () => refuse(401, 'unauthorized'));
$('#site-body').addEventListener('forbidden', () => refuse(403, 'forbidden'));

$('#site-name').textContent = site ?? '';
document.title = site ? `${site} · footfall` : 'footfall';
onLanguageChange(() => say(notice?.key, notice?.params));
mountLanguageSwitch($('#lang-switch'));
setLanguage(preferredLanguage());
void start();
