/**
 * Ingest: `POST /api/v1/hit`, `GET /api/v1/hit.gif`, `POST /api/v1/ping`. The checks run in
 * the SPEC's order — media type, size, body, site, origin, crawler, prefetch, rate limit — and
 * nothing is counted unless every one passes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isbot } from 'isbot';
import type { Counter, Visitor } from '../counting/counter.js';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { HitResult, Metrics } from '../ops/metrics.js';
import type { ClientAddress } from './client-address.js';
import { pageOf, parseJson, pingBodySchema, readHit, validateInput, type Hit } from './hit-input.js';
import { checkMediaType, readBody } from './read-body.js';
import { asFootfallError, sendError, sendJsonText, type Headers } from './respond.js';

export interface IngestDependencies {
  counter: Counter;
  metrics: Metrics;
  log: Logger;
  clientAddress: ClientAddress;
  respectDnt: boolean;
}

type Outcome = 'counted' | 'bot' | 'prefetch';

/** Answers are the same few bytes every time: serialised once. */
const ANSWERS: Record<Outcome, { status: number; json: string }> = {
  counted: { status: 202, json: JSON.stringify({ counted: true }) },
  bot: { status: 200, json: JSON.stringify({ counted: false, reason: 'bot' }) },
  prefetch: { status: 200, json: JSON.stringify({ counted: false, reason: 'prefetch' }) },
};

/** Distinct User-Agents remembered with their crawler verdict; isbot's pattern is costly. */
const BOT_CACHE_SIZE = 2000;

/** 1×1 transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export class Ingest {
  private readonly bots = new Map<string, boolean>();

  constructor(private readonly deps: IngestDependencies) {}

  /** `POST /api/v1/hit` */
  async hit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req);
    let site: string | undefined;
    try {
      const text = await this.readText(req);
      const hit = this.validate(text, readHit);
      site = hit.site;
      const outcome = await this.count(req, hit, originHeader(req));
      this.finish(outcome, site);
      const answer = ANSWERS[outcome];
      sendJsonText(res, answer.status, answer.json, cors);
    } catch (error) {
      this.fail(res, error, cors, site);
    }
  }

  /** `GET /api/v1/hit.gif?site=&url=&ref=`: always the pixel; the Referer stands for Origin. */
  async pixel(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const referer = req.headers.referer;
    const site = query.get('site') ?? undefined;
    try {
      const hit = readHit({ site: site ?? '', url: query.get('url') ?? referer ?? '', referrer: query.get('ref') });
      const outcome = await this.count(req, hit, referer === undefined ? undefined : pageOf(referer)?.origin ?? 'null');
      this.finish(outcome, site);
    } catch (error) {
      this.record(asFootfallError(error), error, site);
    }
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': PIXEL.length, 'Cache-Control': 'no-store' });
    res.end(PIXEL);
  }

  /** `POST /api/v1/ping`: keeps the sender online; a crawler's ping does nothing. */
  async ping(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req);
    let siteId: string | undefined;
    try {
      const body = this.validate(await this.readText(req), (json) => validateInput(pingBodySchema, json));
      siteId = body.site;
      const site = this.site(body.site);
      const referer = req.headers.referer;
      this.checkOrigin(site, originHeader(req) ?? (referer === undefined ? undefined : pageOf(referer)?.origin));
      const userAgent = req.headers['user-agent'] ?? '';
      if (!this.isBot(userAgent) && !isPrefetch(req)) await this.deps.counter.recordPing(site, this.visitor(req));
      res.writeHead(204, cors);
      res.end();
    } catch (error) {
      this.fail(res, error, cors, siteId);
    }
  }

  /** CORS preflight of `fetch(…, {keepalive})` with a JSON body. */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(204, {
      ...corsHeaders(req),
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': 86400,
    });
    res.end();
  }

  private async count(req: IncomingMessage, hit: Hit, origin: string | undefined): Promise<Outcome> {
    const site = this.site(hit.site);
    this.checkOrigin(site, origin ?? hit.page.origin);
    if (this.isBot(req.headers['user-agent'] ?? '')) {
      this.deps.counter.recordRefusal(site, 'bot');
      return 'bot';
    }
    if (isPrefetch(req)) return 'prefetch';
    await this.deps.counter.recordHit(site, hit.page.path, this.visitor(req));
    return 'counted';
  }

  /** Crawlers, and requests without a User-Agent, are not visitors. */
  private isBot(userAgent: string): boolean {
    let bot = this.bots.get(userAgent);
    if (bot === undefined) {
      // User-Agents are the sender's choice: a full cache starts over rather than grow.
      if (this.bots.size >= BOT_CACHE_SIZE) this.bots.clear();
      bot = userAgent === '' || isbot(userAgent);
      this.bots.set(userAgent, bot);
    }
    return bot;
  }

  private site(id: string): Site {
    const site = this.deps.counter.sites.get(id);
    if (!site) throw new FootfallError('unknown_site');
    return site;
  }

  private checkOrigin(site: Site, origin: string | undefined): void {
    if (origin !== undefined && site.origins.includes(origin)) return;
    this.deps.counter.recordRefusal(site, 'origin');
    throw new FootfallError('origin_not_allowed', `The origin ${origin ?? '(none)'} is not one of the origins of site "${site.id}".`);
  }

  private visitor(req: IncomingMessage): Visitor {
    const optOut = this.deps.respectDnt && (req.headers.dnt === '1' || req.headers['sec-gpc'] === '1');
    return { ip: this.deps.clientAddress(req), userAgent: req.headers['user-agent'] ?? '', track: !optOut };
  }

  private readText(req: IncomingMessage): Promise<string> {
    checkMediaType(req);
    return readBody(req);
  }

  /** Parses and checks a body; an invalid one naming a known site is counted as refused. */
  private validate<T>(text: string, check: (json: unknown) => T): T {
    try {
      return check(parseJson(text));
    } catch (error) {
      this.refuseInvalid(text);
      throw error;
    }
  }

  /** An invalid body that still names a known site is shown to that site's operators. */
  private refuseInvalid(text: string): void {
    try {
      const site = this.deps.counter.sites.get(String((JSON.parse(text) as { site?: unknown }).site));
      if (site) this.deps.counter.recordRefusal(site, 'invalid');
    } catch {
      // Not JSON: no site to tell.
    }
  }

  /** `site`: the site the request named, labelled per site only when it is a known one. */
  private finish(result: HitResult, site?: string): void {
    // Unknown ids are the sender's choice: as labels they would let anyone add series.
    this.deps.metrics.recordHit(result, site !== undefined && this.deps.counter.sites.get(site) ? site : undefined);
  }

  private fail(res: ServerResponse, error: unknown, headers: Headers, site?: string): void {
    const failure = asFootfallError(error);
    this.record(failure, error, site);
    sendError(res, failure, headers);
  }

  private record(failure: FootfallError, error: unknown, site?: string): void {
    if (failure.code === 'internal_error') this.deps.log.error({ err: error }, 'ingest failed');
    else this.finish(failure.code as HitResult, site);
  }
}

function originHeader(req: IncomingMessage): string | undefined {
  return req.headers.origin;
}

/** Speculative loads are not page views. */
function isPrefetch(req: IncomingMessage): boolean {
  const purpose = req.headers['sec-purpose'] ?? req.headers.purpose ?? req.headers['x-moz'];
  return typeof purpose === 'string' && /prefetch|prerender/i.test(purpose);
}

/** Any page may send; the origin is checked against the site, not by the browser. */
function corsHeaders(req: IncomingMessage): Headers {
  const origin = req.headers.origin;
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}
