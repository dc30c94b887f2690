/**
 * Whether a client address can say where a visitor is: private networks, loopback,
 * link-local, shared NAT space, documentation, multicast and reserved blocks (IANA's
 * special-purpose registries) locate nobody, and a database's answer for them would be its
 * owner's guess. Checked by hand rather than with `net.BlockList`, whose `check` allocates
 * and costs about 3 µs, more than the country lookup itself.
 */
import { ipv4Value, type ParsedIp } from '../ip-address.js';

type Range = readonly [network: number, prefixLength: number];

const block = (address: string): number => ipv4Value(address)!;

const NOT_PUBLIC_V4: readonly Range[] = [
  [block('0.0.0.0'), 8], [block('10.0.0.0'), 8], [block('100.64.0.0'), 10], [block('127.0.0.0'), 8],
  [block('169.254.0.0'), 16], [block('172.16.0.0'), 12], [block('192.0.0.0'), 24], [block('192.0.2.0'), 24],
  [block('192.168.0.0'), 16], [block('198.18.0.0'), 15], [block('198.51.100.0'), 24], [block('203.0.113.0'), 24],
  // Multicast, then the reserved block up to the broadcast address.
  [block('224.0.0.0'), 4], [block('240.0.0.0'), 4],
];

/** Whether `ip` is an address, and a public one (IPv4-mapped IPv6 judged as IPv4). */
export function isPublic(ip: ParsedIp): boolean {
  // A zone (`fe80::1%eth0`) only ever qualifies a link-local or other non-global address: it does not parse.
  if (ip.v4 !== undefined) return isPublicV4(ip.v4);
  return ip.v6 !== undefined && isPublicV6(ip.v6);
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
