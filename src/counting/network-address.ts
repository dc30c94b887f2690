/**
 * The network an address belongs to, as the per-address budgets count it: an IPv4 address
 * itself, an IPv6 address by its /64 (the smallest block a host is given, so a host cannot
 * leave its budget by switching addresses within it). IPv4-mapped IPv6 is IPv4.
 */
import { dottedIpv4, parseIp, type ParsedIp } from './ip-address.js';

export function networkOf(ip: string | ParsedIp): string {
  const { text, v4, v6 } = typeof ip === 'string' ? parseIp(ip) : ip;
  if (v4 !== undefined) return text.includes(':') ? dottedIpv4(v4) : text;
  if (!v6) return text;
  return `${v6[0]!.toString(16)}:${v6[1]!.toString(16)}:${v6[2]!.toString(16)}:${v6[3]!.toString(16)}::/64`;
}
