/** Sitemaps as generators write them, and Busuanzi's JSONP answer, read into addresses and figures. */
import { strict as assert } from 'node:assert';
import { parseJsonp } from '../../src/cli/busuanzi-counts.js';
import { sitemapPages } from '../../src/cli/sitemap.js';

const files = (map: Record<string, string>) => async (source: string) => {
  const text = map[source];
  if (text === undefined) throw new Error(`no ${source}`);
  return Buffer.from(text);
};

describe('sitemaps and Busuanzi answers', () => {
  it('reads escaped addresses, prefixed elements and relative sitemaps of an index, each page once, up to the limit', async () => {
    const read = files({
      'https://portal.example/sitemap.xml': `<?xml version="1.0"?>
        <sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sm:sitemap><sm:loc>/articles.xml</sm:loc></sm:sitemap>
          <sm:sitemap><sm:loc>https://portal.example/articles.xml</sm:loc></sm:sitemap>
        </sm:sitemapindex>`,
      'https://portal.example/articles.xml': `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>https://portal.example/index.php?option=com_content&amp;view=article&amp;id=123&amp;Itemid=9</loc></url>
          <url><loc>https://portal.example/tin-t&#7913;c/l&#x1EC5;-h&#7897;i</loc></url>
          <url><loc>https://portal.example/index.php?option=com_content&amp;view=article&amp;id=123&amp;Itemid=9</loc></url>
          <url><loc>javascript:alert(1)</loc></url>
          <url><loc>https://portal.example/third</loc></url>
        </urlset>`,
    });
    const all = await sitemapPages('https://portal.example/sitemap.xml', read);
    assert.deepEqual(
      all.pages.map((page) => page.href),
      [
        'https://portal.example/index.php?option=com_content&view=article&id=123&Itemid=9',
        'https://portal.example/tin-t%E1%BB%A9c/l%E1%BB%85-h%E1%BB%99i',
        'https://portal.example/third',
      ],
    );
    assert.equal(all.sitemaps, 2, 'the index names one sitemap twice; it is read once');
    assert.deepEqual(all.skipped, ['javascript:alert(1)']);
    assert.equal((await sitemapPages('https://portal.example/sitemap.xml', read, 2)).pages.length, 2);
  });

  it('takes the figures from the callback, as numbers or numeric strings, and says why an answer is not one', () => {
    assert.deepEqual(parseJsonp('try{cb_1({"site_uv":3,"page_pv":"12","version":2.4,"site_pv":40});}catch(e){}', 'cb_1'), { sitePv: 40, siteUv: 3, pagePv: 12 });
    assert.throws(() => parseJsonp('<html>502 Bad Gateway</html>', 'cb_1'), /not Busuanzi's JSONP: "<html>502 Bad Gateway<\/html>"/);
    assert.throws(() => parseJsonp('try{cb_1({"site_uv":3,"site_pv":40});}catch(e){}', 'cb_1'), /lacks site_pv, site_uv or page_pv/);
    assert.throws(() => parseJsonp('try{cb_1({"site_uv":3,});}catch(e){}', 'cb_1'), /JSON does not parse/);
  });
});
