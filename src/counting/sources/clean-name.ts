/**
 * Every source name comes from what a visitor's browser sent, and ends up as a key in the
 * stores and as text on a dashboard: it is bounded and made printable here, once.
 */

/** Longest source name kept, in code points. */
export const MAX_NAME_LENGTH = 100;

// Control and format characters (bidi overrides, zero-width marks), line and paragraph
// separators and lone surrogates: none is visible, and some reorder or break the text around.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
const SPACES = /\s+/gu;
const DOUBLE_SPACES = / {2,}/g;

/**
 * `raw` in NFC with invisible characters removed, runs of white space made one space, trimmed,
 * and cut to `MAX_NAME_LENGTH` code points. Empty when nothing printable is left.
 */
export function cleanName(raw: string): string {
  // White space first, so a tab or a line break still parts two words once controls are gone.
  const text = raw.normalize('NFC').replace(SPACES, ' ').replace(INVISIBLE, '').replace(DOUBLE_SPACES, ' ').trim();
  if (text.length <= MAX_NAME_LENGTH) return text;
  // Cut by code point, so no surrogate pair is split.
  return Array.from(text).slice(0, MAX_NAME_LENGTH).join('').trimEnd();
}
