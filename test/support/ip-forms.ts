/**
 * The shapes a client IPv4 address could take if it leaked into a file, a store or a log: text,
 * IPv4-mapped IPv6, hex, the raw four bytes, its 32-bit number, base64 — so a privacy test can
 * look for all of them at once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Leak {
  /** Which form was found, e.g. `hex`. */
  form: string;
  /** Where: a file name, `log`, a Redis key. */
  where: string;
}

/** Every form of `ip` (dotted IPv4) worth looking for, as byte strings. */
export function ipForms(ip: string): Array<{ form: string; bytes: Buffer }> {
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  const raw = Buffer.from(octets);
  const hex = raw.toString('hex');
  const text: Array<[string, string]> = [
    ['dotted', ip],
    ['IPv4-mapped hex', `::ffff:${hex.slice(0, 4)}:${hex.slice(4)}`],
    ['hex', hex],
    ['HEX', hex.toUpperCase()],
    ['32-bit number', String(raw.readUInt32BE(0))],
    ['dashed', octets.join('-')],
    ['base64 of text', Buffer.from(ip).toString('base64').replace(/=+$/, '')],
    ['base64 of bytes', raw.toString('base64').replace(/=+$/, '')],
    ['base64url of bytes', raw.toString('base64url')],
  ];
  return [
    ...text.map(([form, value]) => ({ form, bytes: Buffer.from(value, 'latin1') })),
    { form: 'dotted UTF-16', bytes: Buffer.from(ip, 'utf16le') },
    { form: 'raw bytes', bytes: raw },
  ];
}

/** The forms of any of `ips` found in `data`, reported as found at `where`. */
export function findIps(data: Buffer | string, ips: string[], where: string): Leak[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const leaks: Leak[] = [];
  for (const ip of ips) {
    for (const { form, bytes: needle } of ipForms(ip)) if (bytes.includes(needle)) leaks.push({ form: `${ip} as ${form}`, where });
  }
  return leaks;
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** The forms of `ips` found in any file under `dir`. */
export function findIpsInFiles(dir: string, ips: string[]): Leak[] {
  return filesUnder(dir).flatMap((file) => findIps(readFileSync(file), ips, path.relative(dir, file)));
}
