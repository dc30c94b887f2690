/**
 * `GET /busuanzi.js`: footfall's tracker for a page written for Busuanzi, which names no site.
 * The site is the one `?site=` names, else the one whose origins hold the page's origin (from
 * the `Referer` a browser sends with a script request); the tracker is served with that site
 * set in front of it, and fills Busuanzi's `busuanzi_value_*` elements.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Counter } from '../counting/counter.js';
import { siteIdSchema } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import { CLIENT_DIR } from '../paths.js';
import { query } from './request-input.js';

const TRACKER = path.join(CLIENT_DIR, 'footfall.js');
export const busuanziQuery = z.object({ site: siteIdSchema.optional() });

export function busuanziRoutes(counter: Counter): Router {
  const router = express.Router();
  // Read once: the tracker changes only with a build, and a build restarts the server.
  let tracker: Promise<string> | undefined;
  router.get('/busuanzi.js', async (req, res) => {
    const named = query(busuanziQuery, req.query).site;
    if (named !== undefined && !counter.site(named)) throw new FootfallError('unknown_site', `There is no site "${named}".`);
    const site = named ?? siteOfPage(counter, req.headers.referer);
    tracker ??= readFile(TRACKER, 'utf8');
    const code = await tracker.catch((error: unknown) => {
      tracker = undefined;
      throw error;
    });
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      // Found from the Referer, the answer differs by page: only the browser keeps it.
      'Cache-Control': named ? 'public, max-age=300, must-revalidate' : 'private, max-age=300',
    });
    if (!named) res.vary('Referer');
    res.send(`window.__footfallBusuanzi=${JSON.stringify(site)};\n${code}`);
  });
  return router;
}

function siteOfPage(counter: Counter, referer: string | undefined): string {
  const origin = originOf(referer);
  const hint = 'name the site in the script\'s address: /busuanzi.js?site=<id>';
  if (origin === undefined) throw new FootfallError('unknown_site', `This request names no page (no Referer) to find its site from; ${hint}.`);
  const sites = counter.sitesOfOrigin(origin);
  if (sites.length === 0) throw new FootfallError('unknown_site', `No site lists the origin ${origin}: add it to a site's origins, or ${hint}.`);
  if (sites.length > 1) {
    throw new FootfallError('unknown_site', `The origin ${origin} belongs to ${sites.length} sites (${sites.map((site) => site.id).join(', ')}); ${hint}.`);
  }
  return sites[0]!.id;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
