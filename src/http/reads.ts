/**
 * `GET /api/v1/sites/:site/counts` and `…/badge.svg`, served from the per-instance counts
 * cache. Public figures: any page may read them (CORS `*`). A fresh cache entry is answered
 * without waiting on anything: reads are the most frequent request after hits.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Counter } from '../counting/counter.js';
import type { CachedCounts, CountsCache, PageAsk } from '../counting/counts-cache.js';
import { METRICS, metricValue } from '../counting/counts-payload.js';
import { MAX_ASKED_PATHS, MAX_URL_LENGTH, readPath } from '../counting/page-path.js';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import { defaultBadgeLabel, renderBadge } from './badge.js';
import { query } from './request-input.js';
import { asFootfallError, sendError } from './respond.js';

const PUBLIC_HEADERS = { 'Cache-Control': 'public, max-age=1', 'Access-Control-Allow-Origin': '*' };
const MAX_LABEL_LENGTH = 60;

/**
 * `…/counts?path=&path=`: the pages asked about. Reads are the hottest route after hits, so
 * `Reads.ask` checks the query by hand; this schema is the definition it keeps to — the API
 * document is made from it, and test/http/openapi.test.ts holds the two to the same answers.
 */
export const countsQuerySchema = z.object({
  path: z
    .array(z.string().regex(/^\//, { message: 'must start with /' }).max(MAX_URL_LENGTH))
    .max(MAX_ASKED_PATHS)
    .optional(),
});

/** `…/badge.svg?metric=&label=`, checked with this schema. */
export const badgeQuerySchema = z.object({
  metric: z.enum(METRICS, { message: `must be one of ${METRICS.join(', ')}` }).default('total.views'),
  label: z.string().max(MAX_LABEL_LENGTH, { message: `must be at most ${MAX_LABEL_LENGTH} characters` }).optional(),
});

function sendCounts(res: ServerResponse, cached: CachedCounts): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': cached.body.length, ...PUBLIC_HEADERS });
  res.end(cached.body);
}

export class Reads {
  constructor(
    private readonly counter: Counter,
    private readonly cache: CountsCache,
    private readonly log: Logger,
  ) {}

  /** `rawQuery`: the query string after `?`, if any. */
  counts(res: ServerResponse, siteId: string, rawQuery: string | undefined): void {
    try {
      const site = this.counter.requireSite(siteId);
      const ask = this.ask(site, rawQuery);
      const cached = this.cache.peek(site, ask);
      if (cached) sendCounts(res, cached);
      else this.cache.get(site, ask).then((fresh) => sendCounts(res, fresh), (error: unknown) => this.fail(res, error));
    } catch (error) {
      this.fail(res, error);
    }
  }

  badge(res: ServerResponse, siteId: string, rawQuery: string | undefined): void {
    try {
      const site = this.counter.requireSite(siteId);
      const given = new URLSearchParams(rawQuery);
      const asked = query(badgeQuerySchema, { metric: given.get('metric') ?? undefined, label: given.get('label') ?? undefined });
      const { metric } = asked;
      const label = asked.label || defaultBadgeLabel(metric);
      this.cache.get(site).then(({ counts }) => {
        const svg = renderBadge(label, metricValue(counts, metric));
        res.writeHead(200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(svg), ...PUBLIC_HEADERS });
        res.end(svg);
      }, (error: unknown) => this.fail(res, error));
    } catch (error) {
      this.fail(res, error);
    }
  }

  /** The `path` parameters as page keys: one gets `page`, several `pages`; none, the site only. */
  private ask(site: Site, rawQuery: string | undefined): PageAsk {
    if (rawQuery === undefined || !rawQuery.includes('path=')) return undefined;
    const raw = new URLSearchParams(rawQuery).getAll('path');
    if (raw.length > MAX_ASKED_PATHS) throw new FootfallError('invalid_query', `Ask for at most ${MAX_ASKED_PATHS} paths at once.`);
    const paths = raw.map((value) => {
      const path = readPath(value, site.pageQuery);
      if (path === undefined) throw new FootfallError('invalid_query', `path must start with / and be at most ${MAX_URL_LENGTH} characters.`);
      return path;
    });
    return paths.length === 0 ? undefined : paths.length === 1 ? paths[0] : paths;
  }

  private fail(res: ServerResponse, error: unknown): void {
    const failure = asFootfallError(error);
    if (failure.code === 'internal_error') this.log.error({ err: error }, 'read failed');
    sendError(res, failure, { 'Access-Control-Allow-Origin': '*' });
  }
}
