/**
 * footfall.js — the tracker every page loads. One page view per load and per single-page-app
 * path change, under the name the page gives itself (`data-path`, canonical link, else the
 * address bar); a ping every 20 s while the tab is visible and no live connection is up; and
 * the live part (widget, `data-footfall` slots) loaded only where the page shows figures.
 *
 * No runtime dependency, nothing stored in the browser, and nothing ever thrown into the host
 * page: every entry point runs inside try/catch and every request's rejection is handled.
 */
import { MAX_URL_LENGTH } from '../../src/counting/page-path.js';
import type { Shared } from './shared.js';

/** The live part's content-hashed file name, set by build.ts through esbuild's `define`. */
declare const FOOTFALL_LIVE_FILE: string;

const PING_MS = 20e3;

// Globals destructured once: the minifier then writes every later use as one letter.
const win = window;
const { document: doc, navigator: nav, history: hist, location: loc, JSON: json, Date: time, fetch: request } = win;

/** Wraps an entry point so that nothing it throws reaches the host page. */
const safe =
  (run: () => void) =>
  (): void => {
    try {
      run();
    } catch {
      // The host page must never see the counter fail.
    }
  };

safe(() => {
  const script = (doc.currentScript || doc.querySelector('script[data-site]')) as HTMLScriptElement | null;
  // busuanzi.js names its site before this code (the server found it from the page's origin).
  const site = script && (script.getAttribute('data-site') || win.__footfallBusuanzi);
  const compat = win.__footfallBusuanzi || script?.getAttribute('data-compat') == 'busuanzi';
  // Only real web pages count: file:, about:, data: and extension pages send nothing. An
  // opted-out page opens nothing either (a live connection keeps its visitor online). A second
  // copy of the snippet on the same page finds the first one's state and stays quiet.
  if (!site || win.__footfall || !/^https?:$/.test(loc.protocol) || script.hasAttribute('data-footfall-off') || win.footfallOff === true) return;

  // Whatever the script is called and wherever it is proxied (/stats/s.js), the API is beside it.
  const base = script.src.split(/[?#]/)[0]!.replace(/[^/]*$/, '');
  const origin = loc.origin;
  const state: Shared = (win.__footfall = { s: site, o: base, p: '' });
  if (compat) state.c = 1;
  let path = loc.pathname;
  let sentAt = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let settling: ReturnType<typeof setTimeout> | undefined;
  let liveLoaded: unknown;

  const send = (kind: string, body: string, beacon?: unknown): void => {
    if (state.x || win.footfallOff === true) return;
    sentAt = time.now();
    const url = base + 'api/v1/' + kind;
    // sendBeacon queues a text/plain body (no CORS preflight) that survives the page closing.
    if (beacon && nav.sendBeacon && nav.sendBeacon(url, body)) return;
    request(url, { method: 'POST', keepalive: true, body, headers: { 'Content-Type': 'text/plain' } }).then(
      (response) => {
        // The site does not know this page (origin_not_allowed, unknown_site): stop for good.
        if (response.status == 403 || response.status == 404) state.x = 1;
      },
      () => {
        // Offline: the next ping tries again.
      },
    );
  };

  /**
   * Names the page as its site does: `data-path` on this tag, else a canonical link on this
   * origin (another origin's names no page of this site), else the address bar. The query goes
   * along, for the server keeps the site's `pageQuery` parameters and the campaign
   * (`utm_source`) and drops the rest; the fragment stays in the browser.
   */
  const locate = (): void => {
    const named = script.getAttribute('data-path');
    const canonical = (doc.querySelector('link[rel=canonical]') as HTMLLinkElement | null)?.href || '';
    const target = (named && named[0] == '/' ? named : canonical.indexOf(origin + '/') ? loc.pathname + loc.search : canonical.slice(origin.length)).split('#')[0]!;
    // A URL past the server's limit would not count at all: a long query goes first.
    state.p = origin.length + target.length > MAX_URL_LENGTH ? target.split('?')[0]! : target;
  };

  const hit = (): void => send('hit', json.stringify({ site, url: origin + state.p, referrer: doc.referrer || null }), 1);

  const ping = (): void => {
    if (!state.l) send('ping', json.stringify({ site }));
  };

  const watchVisibility = (): void => {
    clearInterval(timer);
    if (doc.visibilityState == 'visible') {
      // Back after a while: online again at once rather than at the next tick.
      if (time.now() - sentAt > PING_MS) ping();
      timer = setInterval(safe(ping), PING_MS);
    }
  };

  const loadLive = (): void => {
    if (liveLoaded || state.x || !doc.querySelector('[data-footfall-widget],[data-footfall]' + (compat ? ',[id^=busuanzi_value_]' : ''))) return;
    liveLoaded = doc.createElement('script');
    const live = liveLoaded as HTMLScriptElement;
    live.src = base + FOOTFALL_LIVE_FILE;
    // A page with a nonce-based CSP trusted this script; the live part is ours too.
    live.nonce = script.nonce || '';
    doc.head.appendChild(live);
  };

  // Counted once per path: repeated pushState calls, replaceState of the same path, a
  // pushState echoed by a popstate, and query or fragment changes all leave the path as it
  // was. The app renders its new view (figures, canonical link, data-path) after changing the
  // URL, so the view is named and counted once the path has held for half a second; a path
  // left sooner (a redirect) is not counted.
  const navigated = safe(() => {
    if (loc.pathname == path) return;
    path = loc.pathname;
    clearTimeout(settling);
    settling = setTimeout(
      safe(() => {
        locate();
        hit();
        if (state.n) state.n();
        loadLive();
      }),
      500,
    );
  });

  for (const method of ['pushState', 'replaceState'] as const) {
    const original = hist[method];
    hist[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      // The host's own call runs (and throws) exactly as without footfall.
      const result = original.apply(this, args);
      navigated();
      return result;
    };
  }
  win.addEventListener('popstate', navigated);

  const start = safe(() => {
    locate();
    // A prerendered page is counted when (and if) the visitor actually opens it.
    if ((doc as { prerendering?: boolean }).prerendering) doc.addEventListener('prerenderingchange', safe(hit), { once: true });
    else hit();
    // Pings from now on: the page view just sent keeps the visitor online for a while.
    doc.addEventListener('visibilitychange', safe(watchVisibility));
    watchVisibility();
    loadLive();
  });

  // An async script can run before the parser reaches the canonical link or the footer's widget.
  if (doc.readyState == 'loading') doc.addEventListener('DOMContentLoaded', start);
  else start();
})();
