/**
 * The browser snippet (`/footfall.js` and the live part it loads), the demo page at `/` and
 * the ops dashboard. `/footfall.js` keeps one address, so it is cached briefly and
 * revalidated; the files it loads carry a content hash and are cached for a year.
 */
import express, { type Router } from 'express';
import { CLIENT_DIR, PUBLIC_DIR } from '../paths.js';

const HASHED = /\.[0-9a-f]{8,}\.js(\.map)?$/;

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
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', extensions: ['html'] }));
  return router;
}
