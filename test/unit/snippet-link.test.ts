/** Where the widget's title links to (`data-link`, client-snippet/src/link.ts). */
import { strict as assert } from 'node:assert';
import { titleLink } from '../../client-snippet/src/link.js';

const SERVER = 'https://stats.example.vn/';
const PAGE = 'https://longhuu.example.vn/tin-tuc/le-hoi';

describe('the widget title link', () => {
  it('links to the owner dashboard when data-link is present but empty', () => {
    assert.equal(titleLink('', SERVER, 'long-huu', PAGE), 'https://stats.example.vn/s/long-huu');
    assert.equal(titleLink('  ', 'https://example.vn/stats/', 'long-huu', PAGE), 'https://example.vn/stats/s/long-huu');
  });

  it('links to an http or https URL, relative ones read against the page', () => {
    assert.equal(titleLink('https://longhuu.example.vn/thong-ke', SERVER, 'long-huu', PAGE), 'https://longhuu.example.vn/thong-ke');
    assert.equal(titleLink('/thong-ke', SERVER, 'long-huu', PAGE), 'https://longhuu.example.vn/thong-ke');
    assert.equal(titleLink('http://other.example/', SERVER, 'long-huu', PAGE), 'http://other.example/');
  });

  it('gives no link without the attribute, or for any other scheme', () => {
    for (const value of [null, 'javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'https://[bad']) {
      assert.equal(titleLink(value, SERVER, 'long-huu', PAGE), undefined, String(value));
    }
  });
});
