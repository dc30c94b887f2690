/**
 * The network an address belongs to, as the per-address budgets count it: an IPv4 address
 * itself, an IPv6 address by its /64 (the smallest block a host is given, so a host cannot
 * leave its budget by switching addresses within it). IPv4-mapped IPv6 is IPv4.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function networkOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The hextets of an IPv6 address, `::` filled with zeros, without leading zeros. */
function expandIPv6(ip: string): string[] {
  const address = ip.split('%')[0]!.toLowerCase();
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms) takes two hextets' room.
  const width = (parts: string[]) => parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? 0 : 8 - width(left) - width(right);
  return [...left, ...new Array<string>(zeros).fill('0'), ...right].map((part) => (part.includes('.') ? part : parseInt(part, 16).toString(16)));
}
