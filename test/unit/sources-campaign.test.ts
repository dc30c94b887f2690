import { strict as assert } from 'node:assert';
import { campaignOf } from '../../src/counting/sources/campaign.js';
import { cleanName, MAX_NAME_LENGTH } from '../../src/counting/sources/clean-name.js';

describe('campaign sources', () => {
  describe('utm_source of the page URL', () => {
    const cases: Array<[string, string | undefined]> = [
      ['https://longhuu.vn/tin-tuc?utm_source=Facebook&utm_medium=social&utm_campaign=tet-2027', 'facebook'],
      ['https://longhuu.vn/?utm_medium=social&utm_source=zalo', 'zalo'],
      ['https://longhuu.vn/?utm_source=FACEBOOK', 'facebook'],
      ['https://longhuu.vn/?utm_source=%20Zalo%20OA%20', 'zalo oa'],
      ['https://longhuu.vn/?utm_source=zalo+oa', 'zalo oa'],
      ['https://longhuu.vn/?utm_source=C%E1%BB%91c%20C%E1%BB%91c', 'cốc cốc'],
      // The same word with a decomposed ố (o + U+0302 + U+0301) merges with the composed one.
      ['https://longhuu.vn/?utm_source=C%E1%BB%91c', 'cốc'],
      ['https://longhuu.vn/?utm_source=Co%CC%82%CC%81c', 'cốc'],
      ['https://longhuu.vn/?utm_source=newsletter%2Fthang-11', 'newsletter/thang-11'],
      ['https://longhuu.vn/?utm_source=fb&utm_source=zalo', 'fb'],
      ['https://longhuu.vn/?utm_source=&utm_source=zalo', 'zalo'],
      ['https://longhuu.vn/?utm_source=%20&utm_source=Zalo', 'zalo'],
      ['https://longhuu.vn/?utm_source=zalo#lien-he', 'zalo'],
      ['https://longhuu.vn/?utm_source=a%0D%0ASet-Cookie%3A%20x', 'a set-cookie: x'],
      ['https://longhuu.vn/?utm_source=%E2%80%AEevil%E2%80%AC%00x', 'evilx'],
      ['https://longhuu.vn/?utm_source=', undefined],
      ['https://longhuu.vn/?utm_source', undefined],
      ['https://longhuu.vn/?utm_source=%09%0A', undefined],
      ['https://longhuu.vn/?utm_medium=social', undefined],
      ['https://longhuu.vn/?UTM_SOURCE=facebook', undefined],
      ['https://longhuu.vn/tin-tuc', undefined],
      ['https://longhuu.vn/#/trang?utm_source=zalo', undefined],
      ['/tin-tuc?utm_source=zalo', 'zalo'],
    ];
    for (const [url, campaign] of cases) {
      it(`${url} → ${JSON.stringify(campaign)}`, () => {
        assert.equal(campaignOf(url), campaign);
      });
    }

    it('keeps at most 100 characters', () => {
      assert.equal(campaignOf(`https://longhuu.vn/?utm_source=${'x'.repeat(500)}`), 'x'.repeat(100));
    });
  });

  describe('cleanName', () => {
    it('removes controls and invisible format characters, and collapses white space', () => {
      assert.equal(cleanName('\u0000a\u0007b\u001b[31m'), 'ab[31m');
      assert.equal(cleanName('zalo\u200b\u2060oa'), 'zalooa');
      assert.equal(cleanName('\u202egoogle\u202c'), 'google');
      assert.equal(cleanName('a\tb\nc\u2028d  \u00a0 e'), 'a b c d e');
      assert.equal(cleanName('\ud800x\udfff'), 'x');
      assert.equal(cleanName(' \u200b '), '');
    });

    it('cuts by code point, never inside a surrogate pair', () => {
      const emoji = '😀'.repeat(150);
      const cut = cleanName(emoji);
      assert.equal(Array.from(cut).length, MAX_NAME_LENGTH);
      assert.equal(cut, '😀'.repeat(100));
    });
  });
});
