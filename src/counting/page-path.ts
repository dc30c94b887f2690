/**
 * A page's identity: the origin and path of its URL, query and fragment dropped, escapes
 * decoded where they decode. Hits, `?path=` reads and live `auth.path` go through here, and the
 * snippet names paths the same way (client-snippet/src/page-path.ts).
 */

/** Longest URL (and path) footfall takes. */
export const MAX_URL_LENGTH = 2048;

export interface Page {
  origin: string;
  /** Without query and fragment. */
  path: string;
}

/** The origin and path (no query, no fragment) of a page URL, or undefined if it is not http(s). */
export function pageOf(url: string): Page | undefined {
  if (!url.startsWith('http://') && !url.startsWith('https://')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return { origin: parsed.origin, path: safePath(parsed.pathname) };
}

/**
 * A path as asked for by a reader (`?path=`, `auth.path`): query and fragment dropped, escapes
 * decoded like hit URLs are. Undefined when it is not a path.
 */
export function normalisePath(raw: string): string | undefined {
  const path = raw.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/') || path.length > MAX_URL_LENGTH) return undefined;
  return safePath(path);
}

/** Paths are shown to operators and used as keys: undecodable escapes stay as sent. */
function safePath(pathname: string): string {
  if (!pathname.includes('%')) return pathname;
  try {
    return decodeURI(pathname);
  } catch {
    return pathname;
  }
}
