/**
 * The browser snippet (`/footfall.js` and the live part it loads), the demo page at `/` and
 * the ops dashboard with its vendor files (uPlot, the Socket.IO client) served from the
 * installed packages, never a CDN. `/footfall.js` keeps one address, so it is cached briefly
 * and revalidated; the files it loads carry a content hash and are cached for a year.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';
import { CLIENT_DIR, PUBLIC_DIR } from '../paths.js';

const HASHED = /\.[0-9a-f]{8,}\.js(\.map)?$/;

const require = createRequire(import.meta.url);
/** `/ops/vendor/<name>` → the file in its package, wherever npm placed the package. */
const OPS_VENDOR = new Map([
  ['uplot.min.js', path.join(path.dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.iife.min.js')],
  ['uplot.min.css', path.join(path.dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.min.css')],
  ['socket.io.min.js', path.join(path.dirname(require.resolve('socket.io/package.json')), 'client-dist', 'socket.io.min.js')],
]);

/**
 * The dashboard holds the admin token and shows paths any visitor can choose: it runs only its
 * own scripts, talks only to this server, and cannot be framed.
 */
const OPS_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export function staticRoutes(): Router {
  const router = express.Router();
  router.use(
    express.static(CLIENT_DIR, {
      index: false,
      setHeaders(res, file) {
        res.setHeader('Cache-Control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate');
        res.setHeader('Access-Control-Allow-Origin', '*');
      },
    }),
  );
  router.use('/ops', (_req, res, next) => {
    res.set(OPS_HEADERS);
    next();
  });
  router.get('/ops/vendor/:file', (req, res, next) => {
    const file = OPS_VENDOR.get(req.params.file);
    if (!file) return next();
    // Names do not change with versions: revalidate rather than cache for long.
    res.sendFile(file, { headers: { 'Cache-Control': 'public, max-age=300, must-revalidate' } }, (error) => error && next(error));
  });
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', extensions: ['html'] }));
  return router;
}
