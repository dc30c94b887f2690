/**
 * The hot routes — ingest and public reads — answered in the server's request listener before
 * Express, because Express' per-request cost would set the ceiling. They share validation,
 * errors and metrics with everything else; any other request falls through to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ingest } from './ingest.js';
import type { Reads } from './reads.js';

export type FastRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

const SITE_ROUTE = /^\/api\/v1\/sites\/([^/]+)\/(counts|badge\.svg)$/;

export function createFastRoutes(ingest: Ingest, reads: Reads): FastRoutes {
  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/api/v1/')) return false;
    const mark = url.indexOf('?');
    const pathname = mark < 0 ? url : url.slice(0, mark);
    const rawQuery = mark < 0 ? undefined : url.slice(mark + 1);
    const method = req.method;
    switch (pathname) {
      case '/api/v1/hit':
        if (method === 'POST') void ingest.hit(req, res);
        else if (method === 'OPTIONS') ingest.preflight(req, res);
        else return false;
        return true;
      case '/api/v1/ping':
        if (method === 'POST') void ingest.ping(req, res);
        else if (method === 'OPTIONS') ingest.preflight(req, res);
        else return false;
        return true;
      case '/api/v1/hit.gif':
        if (method !== 'GET' && method !== 'HEAD') return false;
        void ingest.pixel(req, res, new URLSearchParams(rawQuery));
        return true;
    }
    const match = method === 'GET' || method === 'HEAD' ? SITE_ROUTE.exec(pathname) : null;
    if (!match) return false;
    const site = decodeURIComponentSafe(match[1] ?? '');
    if (match[2] === 'counts') reads.counts(res, site, rawQuery);
    else reads.badge(res, site, rawQuery);
    return true;
  };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
