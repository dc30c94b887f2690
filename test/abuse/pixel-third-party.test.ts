/**
 * A third-party page cannot make its visitors count for another site through the no-script
 * pixel, in real Chromium: with `referrerpolicy="no-referrer"` the browser sends no Referer
 * (refused: no origin speaks for the view), without it the Referer names the third party
 * (refused: not the site's origin). The site's own page, the control, counts.
 */
import { strict as assert } from 'node:assert';
import { browserRig } from '../support/browser-rig.js';
import { metricValue } from '../support/metrics-text.js';

describe('abuse: the pixel on a third-party page, in Chromium', function () {
  this.timeout(60_000);
  const rig = browserRig();

  it('counts nothing from another origin, with or without a Referer, and the site\'s own pixel once', async () => {
    const { server, host } = rig;
    await server.addSite('victim', { origins: [host.origin] });
    // `n` keeps the addresses apart, or Chromium would load one image for both tags.
    const pixel = (attributes: string, n: number) =>
      `<img ${attributes} width="1" height="1" alt="" src="${server.url}/api/v1/hit.gif?site=victim&n=${n}&url=${encodeURIComponent(`${host.origin}/bai-viet`)}">`;
    host.page('/inflate', `<!doctype html><title>third party</title>${pixel('referrerpolicy="no-referrer"', 1)}${pixel('', 2)}`);
    host.page('/own', `<!doctype html><title>own page</title>${pixel('', 3)}`);
    const refusedBefore = await metricValue(server.url, 'footfall_hits_total', { result: 'origin_not_allowed' });

    const context = await rig.visitor();
    const page = await context.newPage();
    const pixels: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/hit.gif')) pixels.push(request.headers().referer || '(none)');
    });
    // The third party's page, under an origin the site does not have.
    await page.goto(`${host.otherOrigin}/inflate`, { waitUntil: 'load' });
    assert.equal(pixels.length, 2, 'Chromium loaded both pixels');
    assert.ok(pixels.includes('(none)'), `one without a Referer: ${JSON.stringify(pixels)}`);
    let figures = await server.figures('victim', ['/bai-viet']);
    assert.equal(figures.today.views, 0);
    assert.deepEqual(figures.pages, [0]);
    assert.equal(await metricValue(server.url, 'footfall_hits_total', { result: 'origin_not_allowed' }), refusedBefore + 2);

    await page.goto(`${host.origin}/own`, { waitUntil: 'load' });
    figures = await server.figures('victim', ['/bai-viet']);
    assert.equal(figures.today.views, 1);
    assert.deepEqual(figures.pages, [1]);
  });
});
