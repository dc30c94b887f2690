/**
 * The browser snippet (`/footfall.js`, also under FOOTFALL_SCRIPT_NAME, and the live part it
 * loads), the demo page at `/` and the two dashboards — `/ops` for the operator, `/s/<site>`
 * for a site's owner — with the modules they share (`/common/`) and their vendor files (uPlot, the Socket.IO client) served
 * from the installed packages, never a CDN. `/footfall.js` keeps one address, so it is cached
 * briefly and revalidated; the files it loads carry a content hash and are cached for a year.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';
import { SITE_ID_PATTERN } from '../counting/site.js';
import { CLIENT_DIR, PUBLIC_DIR } from '../paths.js';

const HASHED = /\.[0-9a-f]{8,}\.js(\.map)?$/;
/** Names do not change with versions: revalidate rather than cache for long. */
const REVALIDATE = 'public, max-age=300, must-revalidate';

const require = createRequire(import.meta.url);
/**
 * `/common/vendor/<name>` → the file in its package, wherever npm placed the package. Under
 * `/common/`, not `/ops/`: a proxy that keeps `/ops` to the operator's network must not break
 * the owners' dashboards.
 */
const VENDOR = new Map([
  ['uplot.min.js', path.join(path.dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.iife.min.js')],
  ['uplot.min.css', path.join(path.dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.min.css')],
  ['socket.io.min.js', path.join(path.dirname(require.resolve('socket.io/package.json')), 'client-dist', 'socket.io.min.js')],
]);

/**
 * The dashboards hold the admin token or an owner's key and show paths and referrers any
 * visitor can choose: they run only their own scripts, talk only to this server, and cannot
 * be framed. One header set for every dashboard file.
 */
const DASHBOARD_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** Where the dashboards' files are served from. */
const DASHBOARD_PATHS = ['/ops', '/owner', '/common', '/s'];
/** The owner's dashboard: one page for every site, which it reads from its own address. */
const OWNER_PAGE = path.join(PUBLIC_DIR, 'owner', 'index.html');

/** `scriptName` (FOOTFALL_SCRIPT_NAME) serves the tracker too; `/footfall.js` stays, for pages already embedding it. */
export function staticRoutes(scriptName: string): Router {
  const router = express.Router();
  if (scriptName !== 'footfall.js') {
    router.get(`/${scriptName}`, (_req, res, next) => {
      const headers = { 'Cache-Control': REVALIDATE, 'Access-Control-Allow-Origin': '*' };
      res.sendFile(path.join(CLIENT_DIR, 'footfall.js'), { headers }, (error) => error && next(error));
    });
  }
  router.use(
    express.static(CLIENT_DIR, {
      index: false,
      setHeaders(res, file) {
        res.setHeader('Cache-Control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : REVALIDATE);
        res.setHeader('Access-Control-Allow-Origin', '*');
      },
    }),
  );
  router.use(DASHBOARD_PATHS, (_req, res, next) => {
    res.set(DASHBOARD_HEADERS);
    next();
  });
  router.get('/common/vendor/:file', (req, res, next) => {
    const file = VENDOR.get(req.params.file);
    if (!file) return next();
    res.sendFile(file, { headers: { 'Cache-Control': REVALIDATE } }, (error) => error && next(error));
  });
  router.get('/s/:site', (req, res, next) => {
    // Whether the site exists, and whether it is public, the page asks the API: the page is the same.
    if (!SITE_ID_PATTERN.test(req.params.site)) return next();
    res.sendFile(OWNER_PAGE, { headers: { 'Cache-Control': 'no-cache' } }, (error) => error && next(error));
  });
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', extensions: ['html'] }));
  return router;
}
