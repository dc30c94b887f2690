/**
 * `GET /api/v1/sites/:site/counts` and `…/badge.svg`, served from the per-instance counts
 * cache. Public figures: any page may read them (CORS `*`).
 */
import type { ServerResponse } from 'node:http';
import { METRICS, metricValue, type Metric } from '../counting/counts-payload.js';
import type { CountsCache } from '../counting/counts-cache.js';
import type { SiteRegistry } from '../counting/site-registry.js';
import { FootfallError } from '../errors.js';
import { defaultBadgeLabel, renderBadge } from './badge.js';
import { normalisePath } from './hit-input.js';
import { sendJsonText } from './respond.js';

const PUBLIC_HEADERS = { 'Cache-Control': 'public, max-age=1', 'Access-Control-Allow-Origin': '*' };
const MAX_LABEL_LENGTH = 60;

export class Reads {
  constructor(
    private readonly sites: SiteRegistry,
    private readonly cache: CountsCache,
  ) {}

  async counts(res: ServerResponse, siteId: string, query: URLSearchParams): Promise<void> {
    const site = this.sites.get(siteId);
    if (!site) throw new FootfallError('unknown_site');
    const rawPath = query.get('path');
    let path: string | undefined;
    if (rawPath !== null) {
      path = normalisePath(rawPath);
      if (path === undefined) throw new FootfallError('invalid_query', 'path must start with / and be at most 2048 characters.');
    }
    const { json } = await this.cache.get(site, path);
    sendJsonText(res, 200, json, PUBLIC_HEADERS);
  }

  async badge(res: ServerResponse, siteId: string, query: URLSearchParams): Promise<void> {
    const site = this.sites.get(siteId);
    if (!site) throw new FootfallError('unknown_site');
    const metric = (query.get('metric') ?? 'total.views') as Metric;
    if (!METRICS.includes(metric)) throw new FootfallError('invalid_query', `metric must be one of ${METRICS.join(', ')}.`);
    const label = query.get('label') || defaultBadgeLabel(metric);
    if (label.length > MAX_LABEL_LENGTH) throw new FootfallError('invalid_query', `label must be at most ${MAX_LABEL_LENGTH} characters.`);
    const { counts } = await this.cache.get(site);
    const svg = renderBadge(label, metricValue(counts, metric));
    res.writeHead(200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(svg), ...PUBLIC_HEADERS });
    res.end(svg);
  }
}
