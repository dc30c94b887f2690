/**
 * The snippet under other names, over HTTP: FOOTFALL_SCRIPT_NAME serves the same tracker
 * (footfall.js stays), and /busuanzi.js finds its site from the page that loads it.
 */
import { strict as assert } from 'node:assert';
import { startTestServer, type TestServer } from '../support/server.js';

const BLOG = 'https://blog.example.vn';
const SHARED = 'https://shared.example.vn';

describe('embedding: script names and /busuanzi.js', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ FOOTFALL_SCRIPT_NAME: 'thong-ke.js' });
    await server.addSite('blog', { origins: [BLOG] });
    await server.addSite('xa-a', { origins: [SHARED] });
    await server.addSite('xa-b', { origins: [SHARED] });
  });
  after(() => server.close());

  const busuanzi = (query = '', headers: Record<string, string> = {}) => fetch(`${server.url}/busuanzi.js${query}`, { headers });

  async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
    const body = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, ...body.error };
  }

  it('serves the tracker under FOOTFALL_SCRIPT_NAME and still as footfall.js, to any page', async () => {
    const [named, usual] = await Promise.all([fetch(`${server.url}/thong-ke.js`), fetch(`${server.url}/footfall.js`)]);
    assert.equal(named.status, 200);
    assert.match(named.headers.get('content-type') ?? '', /javascript/);
    assert.equal(named.headers.get('access-control-allow-origin'), '*');
    assert.equal(named.headers.get('cache-control'), 'public, max-age=300, must-revalidate');
    assert.equal(await named.text(), await usual.text());
    assert.equal((await fetch(`${server.url}/other.js`)).status, 404);
  });

  it('serves /busuanzi.js for the one site of the page that loads it', async () => {
    // A cross-origin script request carries the page's origin (strict-origin-when-cross-origin).
    const answer = await busuanzi('', { referer: `${BLOG}/` });
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(answer.headers.get('cache-control'), 'private, max-age=300');
    assert.match(answer.headers.get('vary') ?? '', /Referer/i);
    const code = await answer.text();
    const tracker = await (await fetch(`${server.url}/footfall.js`)).text();
    assert.equal(code, `window.__footfallBusuanzi="blog";\n${tracker}`);
    // A same-origin page sends its whole URL: the origin is what counts.
    assert.ok((await (await busuanzi('', { referer: `${BLOG}/2026/11/bai-viet/?p=1` })).text()).startsWith('window.__footfallBusuanzi="blog";'));
  });

  it('takes the site from ?site=, cacheable for every page', async () => {
    const answer = await busuanzi('?site=xa-b', { referer: `${SHARED}/` });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=300, must-revalidate');
    assert.ok((await answer.text()).startsWith('window.__footfallBusuanzi="xa-b";'));
  });

  it('says why it cannot tell the site, with a stable code', async () => {
    const none = await errorOf(await busuanzi());
    assert.deepEqual([none.status, none.code], [404, 'unknown_site']);
    assert.match(none.message, /no Referer.*\/busuanzi\.js\?site=<id>/);
    const stranger = await errorOf(await busuanzi('', { referer: 'https://elsewhere.example/' }));
    assert.deepEqual([stranger.status, stranger.code], [404, 'unknown_site']);
    assert.match(stranger.message, /No site lists the origin https:\/\/elsewhere\.example/);
    const shared = await errorOf(await busuanzi('', { referer: `${SHARED}/` }));
    assert.match(shared.message, /belongs to 2 sites \(xa-a, xa-b\)/);
    const missing = await errorOf(await busuanzi('?site=no-such-site', { referer: `${BLOG}/` }));
    assert.deepEqual([missing.status, missing.code], [404, 'unknown_site']);
    const bad = await errorOf(await busuanzi('?site=Not%20A%20Site'));
    assert.deepEqual([bad.status, bad.code], [400, 'invalid_query']);
  });
});
