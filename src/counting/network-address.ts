/**
 * The network an address belongs to, as the per-address budgets count it: an IPv4 address
 * itself, an IPv6 address by its /64 (the smallest block a host is given, so a host cannot
 * leave its budget by switching addresses within it). IPv4-mapped IPv6 is IPv4.
 */
import { ipv4Value, ipv6Groups } from './ip-address.js';

export function networkOf(ip: string): string {
  if (ipv4Value(ip) !== undefined) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  const [a, b, c, d, e, f, g = 0, h = 0] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) return `${g >>> 8}.${g & 0xff}.${h >>> 8}.${h & 0xff}`;
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}
