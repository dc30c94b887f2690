/**
 * Ingest: `POST /api/v1/hit`, `GET /api/v1/hit.gif`, `POST /api/v1/ping`. The checks run in
 * this order — media type, size, body, then the admission (site, origin, crawler, prefetch,
 * opt-out), then the rate limit — and nothing is counted unless every one passes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admissions, ArrivalKind } from '../counting/admission.js';
import type { Counter } from '../counting/counter.js';
import { pageOf } from '../counting/page-path.js';
import type { Site } from '../counting/site.js';
import type { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { HitResult, Metrics } from '../metrics.js';
import { parseJson, pingBodySchema, readHit, validateInput, type Hit } from './hit-input.js';
import { checkMediaType, readBody } from './read-body.js';
import { asFootfallError, sendError, sendJsonText, type Headers } from './respond.js';

export interface IngestDependencies {
  counter: Counter;
  admissions: Admissions;
  metrics: Metrics;
  log: Logger;
}

type Outcome = 'counted' | 'bot' | 'prefetch';

/** Answers are the same few bytes every time: serialised once. */
const ANSWERS: Record<Outcome, { status: number; json: string }> = {
  counted: { status: 202, json: JSON.stringify({ counted: true }) },
  bot: { status: 200, json: JSON.stringify({ counted: false, reason: 'bot' }) },
  prefetch: { status: 200, json: JSON.stringify({ counted: false, reason: 'prefetch' }) },
};

/** 1×1 transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export class Ingest {
  constructor(private readonly deps: IngestDependencies) {}

  /** `POST /api/v1/hit` */
  async hit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req);
    let site: string | undefined;
    try {
      const text = await this.readText(req);
      const hit = this.validate(text, readHit);
      site = hit.site;
      // A client that sends no Origin (curl, a server) speaks for the page it names.
      const outcome = await this.count(req, hit, req.headers.origin ?? hit.page.origin);
      this.finish(outcome, site);
      const answer = ANSWERS[outcome];
      sendJsonText(res, answer.status, answer.json, cors);
    } catch (error) {
      this.fail(res, error, cors, site);
    }
  }

  /**
   * `GET /api/v1/hit.gif?site=&url=&ref=`: always the pixel. The Referer stands for Origin, and
   * without one nothing counts: otherwise any page could make its visitors count for another
   * site with `<img referrerpolicy="no-referrer" src=".../hit.gif?site=victim&url=…">`.
   */
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
      const referer = req.headers.referer;
      const origin = req.headers.origin ?? (referer === undefined ? undefined : pageOf(referer)?.origin);
      const admitted = this.admit('ping', req, body.site, origin);
      if (admitted.verdict === 'visitor') await this.deps.counter.recordPing(admitted.site, admitted.visitor);
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

  /** `origin` undefined: the request gave none, and is refused. */
  private async count(req: IncomingMessage, hit: Hit, origin: string | undefined): Promise<Outcome> {
    const admitted = this.admit('hit', req, hit.site, origin);
    if (admitted.verdict !== 'visitor') return admitted.verdict === 'crawler' ? 'bot' : 'prefetch';
    await this.deps.counter.recordHit(admitted.site, hit.page.target, admitted.visitor, { origin: hit.page.origin, referrer: hit.referrer });
    return 'counted';
  }

  /** The admission of a hit or ping; a refusal is thrown as its catalogue error. */
  private admit(kind: ArrivalKind, request: IncomingMessage, site: string, origin: string | undefined) {
    const admitted = this.deps.admissions.admit({ kind, site, origin, request });
    if (admitted.verdict === 'refused') throw admitted.error;
    return admitted;
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
    let site: Site | undefined;
    try {
      site = this.deps.counter.site(String((JSON.parse(text) as { site?: unknown }).site));
    } catch {
      // Not JSON: no site to tell.
    }
    if (site) this.deps.counter.recordRefusal(site, 'invalid');
  }

  /** `site`: the site the request named, labelled per site only when it is a known one. */
  private finish(result: HitResult, site?: string): void {
    // Unknown ids are the sender's choice: as labels they would let anyone add series.
    this.deps.metrics.countIngest(result, site !== undefined && this.deps.counter.site(site) ? site : undefined);
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

/** Any page may send; the origin is checked against the site, not by the browser. */
function corsHeaders(req: IncomingMessage): Headers {
  const origin = req.headers.origin;
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}
