import { strict as assert } from 'node:assert';
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4Value, ipv6Groups } from '../../src/counting/ip-address.js';
import { networkOf } from '../../src/counting/network-address.js';
import { seededRandom } from '../../loadtest/lib/traffic.js';

describe('IP addresses', () => {
  it('takes exactly the addresses node:net takes', () => {
    const texts = ['::', '::1', '1::', '2001:db8::1', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '::ffff:1.2.3.4', '64:ff9b::8.8.8.8', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4', ':::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', ':1::', '1:', 'g::', '::1.2.3', '::256.1.1.1', '::01.2.3.4', '1.2.3.4', '', ':', '1:2:3:4:5:6:7', 'ABCD::EF', '00000::'];
    for (const text of texts) assert.equal(ipv6Groups(text) !== undefined, isIPv6(text), JSON.stringify(text));
    for (const text of ['1.2.3.4', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', '0.0.0.0', 'a.b.c.d', '']) {
      assert.equal(ipv4Value(text) !== undefined, isIPv4(text), JSON.stringify(text));
    }
    // Strings of address characters, mostly malformed.
    const random = seededRandom(7);
    const alphabet = '0123456789abcdef:.';
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let k = Math.floor(random() * 20); k >= 0; k--) text += alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(ipv6Groups(text) !== undefined, isIPv6(text), JSON.stringify(text));
    }
  });

  it('reads every group, with :: standing for the zeros', () => {
    assert.deepEqual(ipv6Groups('2001:db8::1'), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(ipv6Groups('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    assert.deepEqual(ipv6Groups('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
    const random = seededRandom(11);
    for (let n = 0; n < 5_000; n++) {
      const groups = Array.from({ length: 8 }, () => (random() < 0.3 ? 0 : Math.floor(random() * 65536)));
      const from = Math.floor(random() * 8);
      const to = from + Math.floor(random() * (8 - from));
      groups.fill(0, from, to + 1);
      const hex = groups.map((group) => group.toString(16));
      const text = random() < 0.5 ? hex.join(':') : `${hex.slice(0, from).join(':')}::${hex.slice(to + 1).join(':')}`;
      assert.deepEqual(ipv6Groups(text), groups, text);
    }
  });

  it('names the network a budget counts: an IPv4 address, an IPv6 /64', () => {
    assert.equal(networkOf('203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('2402:800:63b6:a2e1:1c2d:3e4f:5a6b:7c8d'), '2402:800:63b6:a2e1::/64');
    assert.equal(networkOf('2402:0800:63b6:a2e1::1'), '2402:800:63b6:a2e1::/64');
    assert.equal(networkOf('2402:800::1'), '2402:800:0:0::/64');
  });
});
