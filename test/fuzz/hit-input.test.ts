/**
 * Property tests of the hit parser (`src/http/hit-input.ts`): whatever a client sends, parsing
 * either yields a valid hit or throws `FootfallError` `invalid_body` — never anything else — and
 * a valid hit's page key always starts with `/`, has no fragment, no control character and no
 * query but the parameters the site keeps. The path a reader asks for (`?path=`, `auth.path`)
 * is keyed the same way as a hit's, so widgets find the views.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FootfallError } from '../../src/errors.js';
import { MAX_URL_LENGTH, pageKey, pageOf, readPath } from '../../src/counting/page-path.js';
import { hitBodySchema, parseJson, pingBodySchema, readHit, validateInput } from '../../src/http/hit-input.js';

const RUNS = { numRuns: 2_000 };

/** Runs `parse`; a result is fine, and so is `invalid_body`; anything else fails the property. */
function parsesOrRefuses(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof FootfallError, `threw ${String(error)}`);
    assert.equal(error.code, 'invalid_body');
    assert.equal(error.status, 400);
    assert.ok(error.message.length > 10);
  }
}

/** The properties every page key has; with `kept`, its query holds only those parameters, in that order. */
function assertCleanPath(path: string, kept: readonly string[] = []): void {
  assert.ok(path.startsWith('/'), path);
  assert.ok(!path.includes('#'), path);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(path), `control character in ${JSON.stringify(path)}`);
  const mark = path.indexOf('?');
  if (mark < 0) return;
  const names = [...new URLSearchParams(path.slice(mark + 1)).keys()];
  assert.ok(names.length > 0 && names.every((name, i) => kept.indexOf(name) >= i && kept.includes(name)), `${path} keeps only ${kept.join(',')}`);
}

/** The page-query settings a site may have. */
const keptParameters = fc.oneof(fc.constant([] as string[]), fc.constant(['id']), fc.constant(['p']), fc.constant(['id', 'Itemid']), fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}$/), { maxLength: 3 }));

const siteIds = fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/), fc.constantFrom('long-huu', 'demo', '', 'Bad Site', '-x', 'a'.repeat(64)), fc.string());

/** Text that looks a little or a lot like a URL: schemes, hosts, escapes, odd characters. */
const urlLike = fc
  .tuple(
    fc.constantFrom('http://', 'https://', 'HTTP://', 'ftp://', 'javascript:', '//', '', 'http:', 'https:///', 'http://[::1]', 'http://user:pw@'),
    fc.oneof(fc.domain(), fc.constantFrom('longhuu.example.vn', '127.0.0.1:8080', 'xn--tin-tc-4va.vn', 'tin-tức.vn', '[::1]:1', '', '%zz', 'a b')),
    fc.array(
      fc.oneof(
        fc.webSegment(),
        fc.string({ unit: 'grapheme', maxLength: 8 }),
        fc.constantFrom('%', '%2', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%2F', '%3F', '%23', '%25', '..', '.', '?', '#', '?a=1#b', '\\', ' ', '\u0000', '\ud800', 'tức'),
      ),
      { maxLength: 8 },
    ),
    fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => `?${q}`), fc.webFragments().map((f) => `#${f}`)),
  )
  .map(([scheme, host, segments, tail]) => `${scheme}${host}/${segments.join('/')}${tail}`);

describe('fuzz: the hit parser', () => {
  it('refuses any string body with invalid_body or parses it, never throwing anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), fc.string({ unit: 'grapheme-composite' })), (text) => {
        parsesOrRefuses(() => readHit(parseJson(text)));
        parsesOrRefuses(() => validateInput(pingBodySchema, parseJson(text)));
      }),
      RUNS,
    );
  });

  it('refuses any JSON value with invalid_body or parses it into a hit whose url is an http(s) page', () => {
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { site: fc.oneof(siteIds, fc.jsonValue()), url: fc.oneof(urlLike, fc.webUrl(), fc.jsonValue()), referrer: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()) },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.constantFrom('site', 'url', 'referrer', '__proto__', 'constructor', 'toString'), fc.jsonValue()),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        const json = parseJson(JSON.stringify(body));
        // The hand-written fast path and the schema agree on what is valid.
        const schema = hitBodySchema.safeParse(json);
        const expected = schema.success && pageOf(schema.data.url) !== undefined;
        let accepted = false;
        parsesOrRefuses(() => {
          const hit = readHit(json);
          accepted = true;
          assertCleanPath(pageKey(hit.page.target, []));
          assert.match(hit.page.origin, /^https?:\/\//);
        });
        assert.equal(accepted, expected, JSON.stringify(body));
      }),
      RUNS,
    );
  });

  it('keys every URL pageOf accepts as a path starting with /, without # or control characters, keeping only the site\'s parameters', () => {
    fc.assert(
      fc.property(fc.oneof(urlLike, fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), keptParameters, (url, kept) => {
        const page = pageOf(url);
        if (page === undefined) return;
        assertCleanPath(pageKey(page.target, kept), kept);
        assert.ok(url.toLowerCase().startsWith('http://') || url.toLowerCase().startsWith('https://'));
      }),
      RUNS,
    );
  });

  it('accepts every valid hit and keeps its site and url', () => {
    const valid = fc.record({
      site: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
      url: fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }).filter((url) => url.length <= MAX_URL_LENGTH),
    });
    fc.assert(
      fc.property(valid, ({ site, url }) => {
        const hit = readHit(parseJson(JSON.stringify({ site, url })));
        assert.equal(hit.site, site);
        assert.deepEqual(hit.page, pageOf(url));
        assertCleanPath(pageKey(hit.page.target, []));
      }),
      RUNS,
    );
  });

  it('keys any reader path to undefined or a clean page key, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), urlLike.map((url) => url.replace(/^[^/]*\/\/[^/]*/, '')), fc.string({ unit: 'binary' })), keptParameters, (raw, kept) => {
        const path = readPath(raw, kept);
        if (path === undefined) return;
        assertCleanPath(path, kept);
        assert.ok(raw.startsWith('/'));
      }),
      RUNS,
    );
  });

  it('gives a reader the key a hit was counted under: readPath(location.pathname + search + hash) is the hit\'s page', () => {
    fc.assert(
      fc.property(fc.oneof(urlLike, fc.webUrl({ withQueryParameters: true, withFragments: true })), keptParameters, (url, kept) => {
        const page = pageOf(url);
        if (page === undefined) return;
        const location = new URL(url);
        const key = pageKey(page.target, kept);
        assert.equal(readPath(location.pathname + location.search + location.hash, kept), key);
        if (kept.length === 0) assert.equal(readPath(location.pathname, kept), key);
      }),
      RUNS,
    );
  });

  it('keys CMS article URLs by the parameters the site keeps', () => {
    const cases: Array<[url: string, kept: string[], key: string]> = [
      ['https://xa.example.vn/index.php?option=com_content&view=article&id=123&Itemid=9', ['id'], '/index.php?id=123'],
      ['https://xa.example.vn/index.php?option=com_content&view=article&id=123&Itemid=9', ['Itemid', 'id'], '/index.php?Itemid=9&id=123'],
      ['https://blog.example.com/?p=45&utm_source=zalo#comments', ['p'], '/?p=45'],
      ['https://blog.example.com/?utm_source=zalo', ['p'], '/'],
      ['https://blog.example.com/tin-t%E1%BB%A9c/?p=45&p=46', ['p'], '/tin-tức/?p=45'],
      ['https://blog.example.com/a%00b%1Bc%0D%0A?x=1', [], '/a%00b%1Bc%0D%0A'],
    ];
    for (const [url, kept, key] of cases) {
      assert.equal(pageKey(pageOf(url)!.target, kept), key, url);
      const { pathname, search } = new URL(url);
      assert.equal(readPath(pathname + search, kept), key, url);
    }
  });
});
