/**
 * `GET /api/v1/sites/:site/counts` and `…/badge.svg`, served from the per-instance counts
 * cache. Public figures: any page may read them (CORS `*`). A fresh cache entry is answered
 * without waiting on anything: reads are the most frequent request after hits.
 */
import type { ServerResponse } from 'node:http';
import type { Counter } from '../counting/counter.js';
import type { CachedCounts, CountsCache, PageAsk } from '../counting/counts-cache.js';
import { METRICS, isMetric, metricValue } from '../counting/counts-payload.js';
import { MAX_ASKED_PATHS, MAX_URL_LENGTH, readPath } from '../counting/page-path.js';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import { defaultBadgeLabel, renderBadge } from './badge.js';
import { asFootfallError, sendError } from './respond.js';

const PUBLIC_HEADERS = { 'Cache-Control': 'public, max-age=1', 'Access-Control-Allow-Origin': '*' };
const MAX_LABEL_LENGTH = 60;

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
      const query = new URLSearchParams(rawQuery);
      const metric = query.get('metric') ?? 'total.views';
      if (!isMetric(metric)) throw new FootfallError('invalid_query', `metric must be one of ${METRICS.join(', ')}.`);
      const label = query.get('label') || defaultBadgeLabel(metric);
      if (label.length > MAX_LABEL_LENGTH) throw new FootfallError('invalid_query', `label must be at most ${MAX_LABEL_LENGTH} characters.`);
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
