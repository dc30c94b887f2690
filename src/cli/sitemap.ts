/**
 * The page addresses of a sitemap (sitemaps.org): a `<urlset>`, or a `<sitemapindex>` whose
 * sitemaps are read in turn; plain or gzipped, from a URL or a file. Only `<loc>` matters here,
 * so the XML is scanned for it rather than parsed: generators disagree on namespaces and
 * prefixes, never on `<loc>`.
 */
import { gunzipSync } from 'node:zlib';

/** Sitemaps read through indexes, at most: a site with more is not a small site. */
export const MAX_SITEMAPS = 1_000;

/** Reads one sitemap's bytes: a URL fetched, a path read. */
export type ReadSource = (source: string) => Promise<Buffer>;

export interface SitemapPages {
  /** Page addresses in the order the sitemaps list them, each once. */
  pages: URL[];
  /** Sitemaps read, indexes included. */
  sitemaps: number;
  /** `<loc>` entries that are not http(s) addresses, skipped. */
  skipped: string[];
}

const LOC = /<(?:[\w.-]+:)?loc\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?loc\s*>/g;
const INDEX = /<(?:[\w.-]+:)?sitemapindex\b/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The sitemap at `source` and every sitemap it indexes, up to `limit` pages. */
export async function sitemapPages(source: string, read: ReadSource, limit = Infinity): Promise<SitemapPages> {
  const result: SitemapPages = { pages: [], sitemaps: 0, skipped: [] };
  const seen = new Set<string>();
  const queue = [source];
  const queued = new Set(queue);
  while (queue.length > 0 && result.pages.length < limit) {
    if (result.sitemaps >= MAX_SITEMAPS) throw new Error(`${source} indexes more than ${MAX_SITEMAPS} sitemaps; give one of them with --sitemap`);
    const current = queue.shift() as string;
    const xml = decode(await read(current));
    result.sitemaps += 1;
    const isIndex = INDEX.test(xml);
    if (!isIndex && !/<(?:[\w.-]+:)?urlset\b/.test(xml)) throw new Error(`${current} is not a sitemap: it has neither <urlset> nor <sitemapindex>`);
    for (const loc of locs(xml)) {
      const address = httpAddress(loc, current);
      if (!address) {
        result.skipped.push(loc);
      } else if (isIndex) {
        if (!queued.has(address.href)) queue.push(address.href), queued.add(address.href);
      } else if (!seen.has(address.href) && result.pages.length < limit) {
        seen.add(address.href);
        result.pages.push(address);
      }
    }
  }
  return result;
}

function decode(bytes: Buffer): string {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

function* locs(xml: string): Generator<string> {
  for (const match of xml.matchAll(LOC)) yield unescapeXml((match[1] ?? '').replace(/^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/, '$1').trim());
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** `loc` as an http(s) URL (relative to a sitemap read from a URL), or undefined. */
function httpAddress(loc: string, sitemap: string): URL | undefined {
  try {
    const base = /^https?:\/\//i.test(sitemap) ? sitemap : undefined;
    const address = new URL(loc, base);
    return address.protocol === 'http:' || address.protocol === 'https:' ? address : undefined;
  } catch {
    return undefined;
  }
}
