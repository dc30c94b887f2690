/**
 * The hot routes — ingest and public reads — answered in the server's request listener before
 * Express, because Express' per-request cost would set the ceiling. They share validation,
 * errors and metrics with everything else; any other request falls through to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ingest } from './ingest.js';
import type { Reads } from './reads.js';

export type FastRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

type Handler = 'hit' | 'ping' | 'preflight' | 'pixel' | 'counts' | 'badge';

/**
 * What is answered here, by path (as the API document writes it) and method. The dispatcher
 * below looks requests up in this table, so the list the API document is checked against
 * (test/http/openapi.test.ts) is the one that answers; HEAD is answered like GET.
 */
export const FAST_ROUTES = {
  '/api/v1/hit': { POST: 'hit', OPTIONS: 'preflight' },
  '/api/v1/ping': { POST: 'ping', OPTIONS: 'preflight' },
  '/api/v1/hit.gif': { GET: 'pixel', HEAD: 'pixel' },
  '/api/v1/sites/{site}/counts': { GET: 'counts', HEAD: 'counts' },
  '/api/v1/sites/{site}/badge.svg': { GET: 'badge', HEAD: 'badge' },
} as const satisfies Record<string, Partial<Record<string, Handler>>>;

type Methods = Partial<Record<string, Handler>>;
const EXACT = new Map<string, Methods>(Object.entries(FAST_ROUTES));
const SITE_PREFIX = '/api/v1/sites/';
/** The per-site routes by what follows the site id: a hit never pays for these, a read one lookup. */
const PER_SITE = new Map<string, Methods>(
  Object.entries(FAST_ROUTES)
    .filter(([path]) => path.startsWith(`${SITE_PREFIX}{site}/`))
    .map(([path, methods]) => [path.slice(`${SITE_PREFIX}{site}/`.length), methods]),
);

export function createFastRoutes(ingest: Ingest, reads: Reads): FastRoutes {
  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/api/v1/')) return false;
    const mark = url.indexOf('?');
    const pathname = mark < 0 ? url : url.slice(0, mark);
    const rawQuery = mark < 0 ? undefined : url.slice(mark + 1);
    const method = req.method ?? 'GET';
    let route = EXACT.get(pathname);
    let site = '';
    if (!route && pathname.startsWith(SITE_PREFIX)) {
      const slash = pathname.indexOf('/', SITE_PREFIX.length);
      if (slash > SITE_PREFIX.length) {
        route = PER_SITE.get(pathname.slice(slash + 1));
        site = pathname.slice(SITE_PREFIX.length, slash);
      }
    }
    switch (route?.[method]) {
      case 'hit':
        void ingest.hit(req, res);
        break;
      case 'ping':
        void ingest.ping(req, res);
        break;
      case 'preflight':
        ingest.preflight(req, res);
        break;
      case 'pixel':
        void ingest.pixel(req, res, new URLSearchParams(rawQuery));
        break;
      case 'counts':
        reads.counts(res, decodeSegment(site), rawQuery);
        break;
      case 'badge':
        reads.badge(res, decodeSegment(site), rawQuery);
        break;
      default:
        return false;
    }
    return true;
  };
}

/** A path segment as text; one that is not valid percent-encoding stays as sent. */
function decodeSegment(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
