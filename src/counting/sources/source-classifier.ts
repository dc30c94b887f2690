/**
 * A view's sources, by dimension: what the visitor brings (country, browser, OS, device —
 * worked out once per visitor and day, the address dropped right after) and what each view
 * brings (referrer, campaign). Every view gets a name in every dimension, placeholders
 * included, so that a day's views add up in each.
 */
import { campaignOf } from './campaign.js';
import type { CountryLookup } from './country.js';
import { INTERNAL, NO_CAMPAIGN, type SourceDimension } from './dimensions.js';
import type { ParsedIp } from '../ip-address.js';
import { memoize } from '../memo.js';
import { hostSource, referrerSource } from './referrer.js';
import { deviceOf } from './user-agent.js';

/** Distinct User-Agents and referring hosts whose names are kept (a few hundred bytes each). */
const REMEMBERED = 10_000;

/** The dimensions a visitor brings: the same for all of its views of a day. */
export type VisitorTraits = Record<'country' | 'browser' | 'os' | 'device', string>;

/** The dimensions a view brings. */
export type ViewTraits = Record<'referrer' | 'campaign', string>;

export type SourceNames = Record<SourceDimension, string>;

export class SourceClassifier {
  private readonly devices = memoize(REMEMBERED, deviceOf);
  private readonly hosts = memoize(REMEMBERED, hostSource);

  constructor(private readonly countries: CountryLookup) {}

  /** What a visitor brings; `ip` is only looked up, never kept. */
  visitor(ip: ParsedIp, userAgent: string): VisitorTraits {
    const { browser, os, device } = this.devices(userAgent);
    return { country: this.countries.country(ip), browser, os, device };
  }

  /** What a view of `pageOrigin` + `target` brings, coming from `referrer`. */
  view(pageOrigin: string, target: string, referrer: string | null | undefined, siteOrigins: readonly string[]): ViewTraits {
    return {
      referrer: referrerSource(referrer, pageOrigin, siteOrigins, this.hosts) ?? INTERNAL,
      campaign: campaignOf(target) ?? NO_CAMPAIGN,
    };
  }
}
