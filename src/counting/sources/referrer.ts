/**
 * Which source a view's referrer stands for. The rules, in order:
 *
 * 1. No referrer, an empty or unparsable one, or one that names no site (`about:blank`, a
 *    `file:` or extension URL): `(direct)`.
 * 2. `android-app://<package>/` (what Android apps send for links opened from them): the app's
 *    name when it is a known one, otherwise `android-app:<package>`.
 * 3. A referrer on the page's own host or on one of the site's origins is not a source at all:
 *    `undefined`, so the caller counts the view under no referrer — an internal navigation is
 *    neither direct traffic nor a source. Hosts are compared without scheme, port and a leading
 *    `www.`, so `http://example.com` → `https://www.example.com` and a site reached on two ports
 *    stay internal. Other subdomains of the same registrable domain are sources: on
 *    `longhuu.tphcm.gov.vn`, a link from another ward's `quan1.tphcm.gov.vn` is a real referral
 *    (gov.vn is a public suffix, but the agencies under one city share `tphcm.gov.vn`). An
 *    operator who wants `shop.example.com` to count as internal lists it in the site's origins.
 * 4. A well-known site (see known-referrers.ts): its name, e.g. `Google`, `Facebook`, `Zalo`.
 * 5. Any other site: its registrable domain (eTLD+1 by the Public Suffix List, its private
 *    section included, so two `github.io` pages are two sites), lowercase, in ASCII (`xn--`)
 *    form so that a look-alike of another name cannot pass for it; an IP address or a single
 *    label host (`localhost`) as it is.
 *
 * Only the referrer's host is ever kept: its path and query (search terms, link ids) are
 * dropped here. A referrer is the visitor's browser's claim; nothing here can verify it.
 *
 * The Public Suffix List comes compiled into `tldts` (MIT), so nothing is fetched at run time;
 * a newer list arrives with `npm update tldts`.
 */
import { parse } from 'tldts';
import { cleanName } from './clean-name.js';
import { DIRECT } from './dimensions.js';
import { knownAppName, knownSiteName } from './known-referrers.js';
import { memoize } from '../memo.js';

// Android package names: two or more dot-separated Java identifiers.
const ANDROID_PACKAGE = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$/;
const ORIGIN_HOST = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^/:?#]*)/i;

/**
 * The source a referrer stands for: a well-known site's name, the referring site's registrable
 * domain, `android-app:<package>`, `(direct)` for none — or `undefined` when the referrer is on
 * the page's own site (`pageOrigin`, or one of `siteOrigins`), which is no source at all.
 * Origins are `scheme://host[:port]`, as `URL.origin` gives them; `nameOfHost` may remember
 * hostSource's answers (source-classifier.ts).
 */
export function referrerSource(
  referrer: string | null | undefined,
  pageOrigin: string,
  siteOrigins: readonly string[],
  nameOfHost: (host: string) => string = hostSource,
): string | undefined {
  if (!referrer) return DIRECT;
  const named = referrer.length <= REMEMBERED_REFERRER_LENGTH ? rememberedReferrer(referrer) : namedBy(referrer);
  if (named.source !== undefined) return named.source;
  if (isSameSite(named.host, pageOrigin, siteOrigins)) return undefined;
  return nameOfHost(named.host);
}

/** What a referrer names whatever the page: a source already, or a host still to compare with the page's. */
type Named = { source: string; host?: never } | { source?: never; host: string };

function namedBy(referrer: string): Named {
  const url = parseUrl(referrer.trim());
  if (url === undefined) return { source: DIRECT };
  if (url.protocol === 'android-app:') return { source: appSource(url.hostname.toLowerCase()) };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { source: DIRECT };
  const host = url.hostname.replace(/\.$/, '');
  return host === '' ? { source: DIRECT } : { host };
}

/**
 * Cross-site referrers are mostly bare origins (browsers send no more by default), a few
 * hundred per site: each is parsed once while it stays among the recent ones. Only those of a
 * usual length are remembered, which bounds the memory whatever referrers are sent.
 */
const REMEMBERED_REFERRER_LENGTH = 512;
const rememberedReferrer = memoize(4096, namedBy);

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function appSource(packageName: string): string {
  if (!ANDROID_PACKAGE.test(packageName)) return DIRECT;
  return knownAppName(packageName) ?? cleanName(`android-app:${packageName}`);
}

/** The name of another site's host (`www.google.com.vn` → `Google`, `m.baomoi.com` → `baomoi.com`). */
export function hostSource(host: string): string {
  const { domain, domainWithoutSuffix, isIcann } = parse(host, { allowPrivateDomains: true, extractHostname: false });
  const known = knownSiteName(host, isIcann === true && domainWithoutSuffix ? domainWithoutSuffix : undefined);
  return known ?? cleanName(domain ?? host);
}

function isSameSite(host: string, pageOrigin: string, siteOrigins: readonly string[]): boolean {
  const bare = withoutWww(host);
  if (bare === hostOfOrigin(pageOrigin)) return true;
  return siteOrigins.some((origin) => bare === hostOfOrigin(origin));
}

/**
 * The lowercase host of an origin without a trailing dot and a leading `www.` ('' for none).
 * Remembered: every view asks it of its page's origin and the site's, a handful per site.
 */
const hostOfOrigin = memoize(1_000, (origin: string): string => {
  const host = ORIGIN_HOST.exec(origin)?.[1];
  return host ? withoutWww(host.toLowerCase().replace(/\.$/, '')) : '';
});

function withoutWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}
