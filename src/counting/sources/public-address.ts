/**
 * Whether a client address can say where a visitor is: private networks, loopback,
 * link-local, shared NAT space, documentation, multicast and reserved blocks (IANA's
 * special-purpose registries) locate nobody, and a database's answer for them would be its
 * owner's guess. Checked by hand rather than with `net.BlockList`, whose `check` allocates
 * and costs about 3 µs, more than the country lookup itself.
 */
import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [network: number, prefixLength: number];

const NOT_PUBLIC_V4: readonly Range[] = [
  [ipv4('0.0.0.0'), 8], [ipv4('10.0.0.0'), 8], [ipv4('100.64.0.0'), 10], [ipv4('127.0.0.0'), 8],
  [ipv4('169.254.0.0'), 16], [ipv4('172.16.0.0'), 12], [ipv4('192.0.0.0'), 24], [ipv4('192.0.2.0'), 24],
  [ipv4('192.168.0.0'), 16], [ipv4('198.18.0.0'), 15], [ipv4('198.51.100.0'), 24], [ipv4('203.0.113.0'), 24],
  // Multicast, then the reserved block up to the broadcast address.
  [ipv4('224.0.0.0'), 4], [ipv4('240.0.0.0'), 4],
];

/**
 * `ip` as a public IPv4 or IPv6 address, IPv4-mapped IPv6 (`::ffff:8.8.8.8`) as IPv4, or
 * undefined when it is not an address or not a public one.
 */
export function publicAddress(ip: string): string | undefined {
  const text = ip.trim();
  if (isIPv4(text)) return isPublicV4(ipv4(text)) ? text : undefined;
  // A zone (`fe80::1%eth0`) only ever qualifies a link-local or other non-global address.
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const groups = ipv6Groups(text);
  const [a, b, c, d, e, f, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    const value = g * 0x10000 + h;
    return isPublicV4(value) ? `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}` : undefined;
  }
  return isPublicV6(groups) ? text : undefined;
}

/** A valid dotted IPv4 address as an unsigned 32-bit number. */
function ipv4(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i++) {
    const code = address.charCodeAt(i);
    if (code === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + code - 48;
    }
  }
  return value * 256 + octet;
}

function isPublicV4(value: number): boolean {
  return NOT_PUBLIC_V4.every(([network, prefixLength]) => (value >>> (32 - prefixLength)) !== (network >>> (32 - prefixLength)));
}

function isPublicV6(groups: readonly number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && g === 0 && h <= 1) return false; // ::, ::1
  if (a === 0x64 && b === 0xff9b && c === 1) return false; // local-use NAT64, 64:ff9b:1::/48
  if (a === 0x100 && b === 0 && c === 0 && d === 0) return false; // discard-only, 100::/64
  if (a === 0x2001 && b === 0xdb8) return false; // documentation, 2001:db8::/32
  if ((a & 0xfe00) === 0xfc00) return false; // unique local, fc00::/7
  if ((a & 0xffc0) === 0xfe80) return false; // link-local, fe80::/10
  return (a & 0xff00) !== 0xff00; // multicast, ff00::/8
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded dotted IPv4 as the last two). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::', 2);
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const value = ipv4(group);
          return [Math.floor(value / 0x10000), value % 0x10000];
        });
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
