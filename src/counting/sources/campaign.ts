/**
 * The campaign a view came from: the `utm_source` parameter of the page URL, the convention
 * site owners already use on the links they share (`?utm_source=zalo&utm_medium=social`).
 *
 * Values are lowercased so that `Facebook`, `facebook` and `FACEBOOK`, written by different
 * people on different links, add up to one campaign; percent-escapes and `+` are decoded as in
 * a form; the value is made printable and cut to 100 code points (clean-name.ts). When the
 * parameter appears more than once the first non-empty one counts. Only `utm_source` is kept:
 * the other parameters (and anything else in the URL) may carry ids of one recipient.
 */
import { cleanName } from './clean-name.js';

/** The case-folded `utm_source` of `pageUrl`, or undefined when it has none or only empty ones. */
export function campaignOf(pageUrl: string): string | undefined {
  // The query ends at the fragment; a `?` inside the fragment (`#/route?x=1`) starts none.
  const hash = pageUrl.indexOf('#');
  const beforeHash = hash === -1 ? pageUrl : pageUrl.slice(0, hash);
  const start = beforeHash.indexOf('?');
  // Most pages carry no query at all: no parsing for them.
  if (start === -1) return undefined;
  const params = new URLSearchParams(beforeHash.slice(start + 1));
  for (const value of params.getAll('utm_source')) {
    // Case-folded before cleaning: lowercasing can lengthen a string past the cut.
    const name = cleanName(value.toLowerCase());
    if (name !== '') return name;
  }
  return undefined;
}
