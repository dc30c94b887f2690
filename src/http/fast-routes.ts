/**
 * The hot routes — ingest and public reads — answered in the server's request listener before
 * Express, because Express' per-request cost would set the ceiling. They share validation,
 * errors and metrics with everything else; any other request falls through to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { Ingest } from './ingest.js';
import type { Reads } from './reads.js';
import { asFootfallError, sendError } from './respond.js';

export type FastRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

const SITE_ROUTE = /^\/api\/v1\/sites\/([^/]+)\/(counts|badge\.svg)$/;

export function createFastRoutes(ingest: Ingest, reads: Reads, log: Logger): FastRoutes {
  const readFailed = (res: ServerResponse) => (error: unknown) => {
    const failure = asFootfallError(error);
    if (failure.code === 'internal_error') log.error({ err: error }, 'read failed');
    sendError(res, failure, { 'Access-Control-Allow-Origin': '*' });
  };

  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/api/v1/')) return false;
    const mark = url.indexOf('?');
    const pathname = mark < 0 ? url : url.slice(0, mark);
    const query = () => new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1));
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
        void ingest.pixel(req, res, query());
        return true;
    }
    const match = method === 'GET' || method === 'HEAD' ? SITE_ROUTE.exec(pathname) : null;
    if (!match) return false;
    const site = decodeURIComponentSafe(match[1] ?? '');
    const read = match[2] === 'counts' ? reads.counts(res, site, query()) : reads.badge(res, site, query());
    read.catch(readFailed(res));
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
