/**
 * Browser family, OS and kind of device from a User-Agent.
 *
 * Parser: `bowser` (MIT, no dependencies, maintained, with types). Not `ua-parser-js`: its
 * current line, 2.x, is AGPL-3.0 (a plain `npm install ua-parser-js` brings it), and 1.x (MIT)
 * is the legacy line its maintainer has moved on from. Not `device-detector-js` (LGPL-3.0),
 * nor `detect-browser` (names no device kind). bowser names neither Cốc Cốc nor any in-app browser, so the rules below come
 * first; each matches a token the app itself adds to its WebView's User-Agent.
 *
 * Names are families without versions (`Chrome`, `Samsung Internet`, `iOS`), and only names
 * from the rules below or from bowser's own list are kept: for a User-Agent it does not know,
 * bowser falls back to echoing part of the string, which could be unique to one visitor, and
 * that becomes `(unknown)`. A User-Agent that claims no phone or tablet counts as `desktop`.
 * iPadOS Safari asks for desktop pages with a Mac User-Agent by default, so those iPads count
 * as macOS desktops: a User-Agent cannot tell them apart.
 */
import { BROWSER_MAP, getParser, OS_MAP } from 'bowser';
import { cleanName } from './clean-name.js';
import { UNKNOWN } from './dimensions.js';

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

export interface Device {
  browser: string;
  os: string;
  device: DeviceKind;
}

/** Browsers bowser does not name, by the token their User-Agent carries. First match wins. */
const OWN_BROWSERS: ReadonlyArray<readonly [name: string, token: RegExp]> = [
  ['Cốc Cốc', /\bcoc_coc_browser\//i],
  ['Zalo', /\bZalo(?:Theme|Language)?[ /]/],
  // Before Facebook: Messenger's WebView carries Facebook's FBAN / FB_IAB tokens too.
  ['Messenger', /\bFBAN\/Messenger|\bFB_IAB\/(?:Orca|MESSENGER)/i],
  ['Instagram', /\bInstagram \d/],
  ['Facebook', /\bFBAN\/|\bFB_IAB\/|\bFBAV\//],
  ['TikTok', /\bmusical_ly_\d|\btrill_\d|\bAppName\/(?:musical_ly|trill)\b/],
];

/** bowser's names where footfall shows a shorter or more usual one. */
const RENAMED: ReadonlyMap<string, string> = new Map([
  ['Microsoft Edge', 'Edge'],
  ['Samsung Internet for Android', 'Samsung Internet'],
  ['Chrome OS', 'ChromeOS'],
]);

const KNOWN_BROWSERS = new Set(Object.values(BROWSER_MAP));
const KNOWN_SYSTEMS = new Set(Object.values(OS_MAP));

/**
 * The browser family, OS and device kind of `userAgent` (as sent, up to the 512 characters
 * callers keep), `(unknown)` for a browser or OS that cannot be told.
 */
export function deviceOf(userAgent: string): Device {
  if (userAgent.trim() === '') return { browser: UNKNOWN, os: UNKNOWN, device: 'desktop' };
  // Engine and versions are never used: parse only what is kept.
  const parser = getParser(userAgent, true);
  const own = OWN_BROWSERS.find(([, token]) => token.test(userAgent))?.[0];
  return {
    browser: own ?? nameIn(KNOWN_BROWSERS, parser.parseBrowser().name),
    os: nameIn(KNOWN_SYSTEMS, parser.parseOS().name),
    device: deviceKind(parser.parsePlatform().type),
  };
}

function nameIn(known: ReadonlySet<string>, name: string | undefined): string {
  if (name === undefined || !known.has(name)) return UNKNOWN;
  return cleanName(RENAMED.get(name) ?? name) || UNKNOWN;
}

function deviceKind(platform: string | undefined): DeviceKind {
  return platform === 'mobile' || platform === 'tablet' ? platform : 'desktop';
}
