/**
 * IPv6 text to its eight 16-bit groups, by hand: the hot path parses one per new visitor (for
 * its network and its country), and node:net's isIPv6 regular expression plus a split cost
 * several times more. An IPv4 tail (`::ffff:1.2.3.4`) becomes the last two groups.
 */

/**
 * A client address parsed once for everything a new visitor needs of it (its network, its
 * country): IPv4 as its 32-bit value, IPv6 as its eight groups, IPv4-mapped IPv6 as IPv4.
 * Neither when the text (white space around it aside) is not an address.
 */
export interface ParsedIp {
  text: string;
  v4?: number;
  v6?: number[];
}

export function parseIp(raw: string): ParsedIp {
  const text = raw.trim();
  const v4 = ipv4Value(text);
  if (v4 !== undefined) return { text, v4 };
  const groups = ipv6Groups(text);
  if (!groups) return { text };
  const [a, b, c, d, e, f, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) return { text, v4: g * 0x10000 + h };
  return { text, v6: groups };
}

/** An IPv4 value as dotted text. */
export function dottedIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** The eight groups of `text`, or undefined when it is not an IPv6 address (a zone `%eth0` is not taken). */
export function ipv6Groups(text: string): number[] | undefined {
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  const end = text.length;
  if (end < 2) return undefined;
  if (text.charCodeAt(0) === 58) {
    // Only `::` may start an address.
    if (text.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
    if (i === end) return new Array<number>(8).fill(0);
  }
  while (i < end) {
    const start = i;
    let value = 0;
    while (i < end && i - start < 5) {
      const digit = hexDigit(text.charCodeAt(i));
      if (digit < 0) break;
      value = value * 16 + digit;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // An IPv4 tail: from this group's start to the end.
      const v4 = ipv4Value(text.slice(start));
      if (v4 === undefined || groups.length > 6) return undefined;
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      i = end;
      break;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4) return undefined;
    groups.push(value);
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i++;
    } else if (i === end) {
      // A single trailing colon.
      return undefined;
    }
  }
  if (gap < 0) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  const zeros = new Array<number>(8 - groups.length).fill(0);
  return [...groups.slice(0, gap), ...zeros, ...groups.slice(gap)];
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** A dotted IPv4 address as a 32-bit number, or undefined. */
export function ipv4Value(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code === 46) {
      // No empty part, no leading zero, nothing past 255 (node:net's rules).
      if (digits === 0 || octet > 255 || parts === 4) return undefined;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + code - 48;
      digits++;
      if (digits > 3) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? value : undefined;
}
