/**
 * Who may count: the one decision every edge asks before a hit, a ping or a live handshake
 * does anything — site → origin → crawler or prefetch → opt-out → visitor. HTTP and live
 * connections differ only in where the origin comes from (the `Origin` header, or the
 * `Referer` or the page URL standing in for it), which the edge says.
 */
import type { IncomingMessage } from 'node:http';
import { isbot } from 'isbot';
import { FootfallError } from '../errors.js';
import type { ClientAddress } from './client-address.js';
import { unknownSiteError, type Counter } from './counter.js';
import type { Visitor } from './hit-recorder.js';
import type { Site } from './site.js';

/** What arrives: a page view, a ping keeping a visitor online, or a live connection opening. */
export type ArrivalKind = 'hit' | 'ping' | 'live';

export interface Arrival {
  kind: ArrivalKind;
  /** The site id as the client sent it. */
  site: string;
  /** The origin the request speaks for; undefined when it gave none. */
  origin: string | undefined;
  /** The HTTP request, or a live connection's handshake request. */
  request: IncomingMessage;
}

export type Admission =
  /** A visitor of `site`: count it. */
  | { verdict: 'visitor'; site: Site; visitor: Visitor }
  /** A crawler (its refusal counted for hits) or a speculative load: count nothing. */
  | { verdict: 'crawler' | 'prefetch'; site: Site }
  | { verdict: 'refused'; error: FootfallError };

export interface AdmissionOptions {
  counter: Counter;
  clientAddress: ClientAddress;
  /** `FOOTFALL_RESPECT_DNT`: visitors who send `DNT: 1` or `Sec-GPC: 1` get no id. */
  respectDnt: boolean;
}

/** Distinct User-Agents remembered with their crawler verdict; isbot's pattern is costly. */
const CRAWLER_CACHE_SIZE = 2000;

/**
 * Longest User-Agent footfall reads: real ones are a few hundred characters, and everything
 * after (isbot, visitor ids, sources, caches) costs by length, which the sender chooses.
 */
export const MAX_USER_AGENT_LENGTH = 512;

export class Admissions {
  private readonly crawlers = new Map<string, boolean>();

  constructor(private readonly options: AdmissionOptions) {}

  /**
   * Decides an arrival. A refused origin is counted as a refused hit for hits and pings (a live
   * handshake is not a page view); a crawler's hit is counted as refused too.
   */
  admit(arrival: Arrival & { kind: 'live' }): Extract<Admission, { verdict: 'visitor' | 'refused' }>;
  admit(arrival: Arrival): Admission;
  admit(arrival: Arrival): Admission {
    const { counter } = this.options;
    const site = counter.site(arrival.site);
    if (!site) return { verdict: 'refused', error: unknownSiteError(arrival.site) };
    if (arrival.origin === undefined || !site.origins.includes(arrival.origin)) {
      if (arrival.kind !== 'live') counter.recordRefusal(site, 'origin');
      const message = `The origin ${arrival.origin ?? '(none)'} is not one of the origins of site "${site.id}".`;
      return { verdict: 'refused', error: new FootfallError('origin_not_allowed', message) };
    }
    const { headers } = arrival.request;
    const userAgent = cutUserAgent(headers['user-agent'] ?? '');
    if (arrival.kind !== 'live') {
      if (this.isCrawler(userAgent)) {
        if (arrival.kind === 'hit') counter.recordRefusal(site, 'bot');
        return { verdict: 'crawler', site };
      }
      if (isPrefetch(arrival.request)) return { verdict: 'prefetch', site };
    }
    const optOut = this.options.respectDnt && (headers.dnt === '1' || headers['sec-gpc'] === '1');
    return { verdict: 'visitor', site, visitor: { ip: this.options.clientAddress(arrival.request), userAgent, track: !optOut } };
  }

  /** Crawlers, and requests without a User-Agent, are not visitors. */
  private isCrawler(userAgent: string): boolean {
    // Keyed by the User-Agent itself: cut to MAX_USER_AGENT_LENGTH, the cache stays under 2 MB.
    let crawler = this.crawlers.get(userAgent);
    if (crawler === undefined) {
      // User-Agents are the sender's choice: a full cache starts over rather than grow.
      if (this.crawlers.size >= CRAWLER_CACHE_SIZE) this.crawlers.clear();
      crawler = userAgent === '' || isbot(userAgent);
      this.crawlers.set(userAgent, crawler);
    }
    return crawler;
  }
}

/**
 * The User-Agent cut to MAX_USER_AGENT_LENGTH, as a string of its own: V8's slice of a long
 * string keeps the whole original alive, and the caches keyed by User-Agent would then hold
 * 15 KB per entry, not 512 bytes.
 */
function cutUserAgent(userAgent: string): string {
  if (userAgent.length <= MAX_USER_AGENT_LENGTH) return userAgent;
  return Buffer.from(userAgent.slice(0, MAX_USER_AGENT_LENGTH), 'utf8').toString('utf8');
}

/** Speculative loads are not page views. */
function isPrefetch(req: IncomingMessage): boolean {
  const purpose = req.headers['sec-purpose'] ?? req.headers.purpose ?? req.headers['x-moz'];
  return typeof purpose === 'string' && /prefetch|prerender/i.test(purpose);
}
