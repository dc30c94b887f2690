/**
 * A page's identity — its path — the same for hits, `?path=` reads, live `auth.path(s)`, page
 * baselines and the snippet's slots (docs/api.md, "Page identity"):
 *
 * 1. The URL's path as URL parsing leaves it (dot segments resolved), fragment dropped;
 *    percent escapes decoded where they decode, except control characters, which stay escaped.
 * 2. The query is dropped, except the parameters the site names in `pageQuery`, kept in that
 *    order with their first value: with `pageQuery: ["id"]`,
 *    `/index.php?option=com_content&view=article&id=123&Itemid=9` is `/index.php?id=123`.
 *
 * No DOM and no Node here: the browser snippet imports it too.
 */

/** Longest URL (and path) footfall takes. */
export const MAX_URL_LENGTH = 2048;

/** Most paths one reader (`?path=`, a live connection's `auth.paths`) may ask about at once. */
export const MAX_ASKED_PATHS = 50;

export interface Page {
  origin: string;
  /** The path and query as sent, fragment dropped: `pageKey` makes it the page's identity. */
  target: string;
}

/** The origin and target (path and query) of a page URL, or undefined if it is not http(s). */
export function pageOf(url: string): Page | undefined {
  if (!url.startsWith('http://') && !url.startsWith('https://')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return { origin: parsed.origin, target: parsed.pathname + parsed.search };
}

/** The page a target (path and query, already URL-parsed) is, for a site keeping `pageQuery`. */
export function pageKey(target: string, pageQuery: readonly string[]): string {
  const mark = target.indexOf('?');
  const path = decodePath(mark < 0 ? target : target.slice(0, mark));
  if (pageQuery.length === 0 || mark < 0) return path;
  const query = new URLSearchParams(target.slice(mark + 1));
  const kept: string[] = [];
  for (const name of pageQuery) {
    const value = query.get(name);
    if (value !== null) kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return kept.length === 0 ? path : `${path}?${kept.join('&')}`;
}

/**
 * A path as a reader names it (`?path=`, `auth.path`, a baseline file): relative to the site
 * root, parsed as a URL would be, then keyed like a hit. Undefined when it is not a path.
 */
export function readPath(raw: string, pageQuery: readonly string[]): string | undefined {
  const target = targetOf(raw);
  return target === undefined ? undefined : pageKey(target, pageQuery);
}

/**
 * The target (path and query) a reader's path parses to, or undefined when it is not a path —
 * the snippet leaves out what the server would, so answers keep their positions.
 */
export function targetOf(raw: string): string | undefined {
  if (!raw.startsWith('/') || raw.length > MAX_URL_LENGTH) return undefined;
  let parsed: URL;
  try {
    // Appended, not resolved: `//x` stays the path `//x`, as a hit's URL has it, not a host.
    parsed = new URL(`http://path.invalid${raw}`);
  } catch {
    return undefined;
  }
  return parsed.pathname + parsed.search;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Paths are shown to operators and used as keys: undecodable escapes stay as sent, control characters escaped. */
function decodePath(pathname: string): string {
  if (!pathname.includes('%')) return pathname;
  let decoded: string;
  try {
    decoded = decodeURI(pathname);
  } catch {
    return pathname;
  }
  return decoded.replace(CONTROL, encodeURIComponent);
}
