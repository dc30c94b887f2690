/**
 * The contract against the running server: docs/openapi.json is what the server serves and a
 * valid OpenAPI 3.1 document; every route the app answers is in it and every operation in it
 * answers; the examples of the document and of docs/api.md are sent to a real server and the
 * answers are checked against the document's schemas; the error catalogue, the settings and
 * the client's types match the document; the counts query's hand check agrees with its schema.
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import type { z } from 'zod';
import { FootfallApiError, FootfallClient, type DayDetail, type DayFigures, type PageViews, type PathUsage, type SourceFigures } from '../../src/client/index.js';
import { siteSettingsSchema } from '../../src/counting/site.js';
import { ERRORS } from '../../src/errors.js';
import type { dayDetailSchema, historyRowsSchema, pathUsageSchema, sourcesSchema, topPagesSchema } from '../../src/http/api-schemas.js';
import { OPENAPI_FILE } from '../../src/http/openapi.js';
import { countsQuerySchema } from '../../src/http/reads.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { exchangesOf, operationFor, operationsOf, SchemaValidator, type Exchange, type Json, type Operation } from '../support/api-document.js';
import { BROWSER_UA, postHit, startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'openapi-test-admin-token-0123456789';
const SITE = 'long-huu';

/** The client's report types are the document's answers (a `false` fails the typecheck). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const clientTypes: true[] = [
  true satisfies Same<DayFigures[], z.output<typeof historyRowsSchema>>,
  true satisfies Same<PageViews[], z.output<typeof topPagesSchema>>,
  true satisfies Same<DayDetail, z.output<typeof dayDetailSchema>>,
  true satisfies Same<SourceFigures[], z.output<typeof sourcesSchema>>,
  true satisfies Same<PathUsage, z.output<typeof pathUsageSchema>>,
];

/** Headers whose values differ from one answer to the next. */
const VOLATILE = new Set(['date', 'content-length', 'etag', 'last-modified', 'connection', 'keep-alive']);

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

describe('the API contract: docs/openapi.json and docs/api.md against a real server', () => {
  let server: TestServer;
  let document: Json;
  let operations: Operation[];
  let schemas: SchemaValidator;
  let admin: FootfallClient;
  /** What `$NAME` in docs/api.md stands for. */
  const values: Record<string, string> = { FOOTFALL_ADMIN_TOKEN: TOKEN };

  async function createKey(body: object): Promise<{ id: string; key: string }> {
    const response = await fetch(`${server.url}/api/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 201);
    return (await response.json()) as { id: string; key: string };
  }

  before(async () => {
    server = await startTestServer({ FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_PUSH_INTERVAL_MS: '200' });
    await server.addSite(SITE, { timezone: 'Asia/Ho_Chi_Minh', baseline: { views: 4288000, visitors: 1200000 } });
    await server.addSite('old-site');
    for (let i = 0; i < 3; i++) await postHit(server, SITE, { headers: { 'user-agent': `${BROWSER_UA} visitor ${i}` } });
    await server.counter.flush();
    values.KEY = (await createKey({ sites: [SITE], scope: 'import', label: 'owner' })).key;
    values.READ_KEY = (await createKey({ sites: [SITE], scope: 'read' })).key;
    values.KEY_ID = (await createKey({ sites: [SITE], scope: 'read', label: 'to revoke' })).id;
    admin = new FootfallClient(server.url, { token: TOKEN });
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    document = (await response.json()) as Json;
    operations = operationsOf(document);
    schemas = new SchemaValidator(document);
  });
  after(() => server.close());

  /** The documented answer for `status`, or a failure naming what is missing. */
  function documentedAnswer(operation: Operation, status: number, where: string): Json {
    const answer = operation.object.responses[String(status)];
    assert.ok(answer, `${where}: ${operation.method} ${operation.path} does not document status ${status}`);
    return answer;
  }

  /** Checks a real answer against the document: a documented status, media type and body. */
  async function checkAnswer(operation: Operation, response: Response, where: string): Promise<{ status: number; body: unknown }> {
    const answer = documentedAnswer(operation, response.status, where);
    const text = await response.text();
    const content = answer.content as Record<string, { schema: Json }> | undefined;
    if (!content) {
      assert.equal(text, '', `${where}: ${response.status} documents no body`);
      return { status: response.status, body: undefined };
    }
    const type = mediaType(response.headers.get('content-type'));
    assert.ok(content[type], `${where}: answered ${type}, documented ${Object.keys(content).join(', ')}`);
    if (type !== 'application/json') return { status: response.status, body: text };
    const body = JSON.parse(text) as unknown;
    const problem = schemas.check(content[type]!.schema, body);
    assert.equal(problem, undefined, `${where}: the answer does not match the document: ${problem}\n${text.slice(0, 500)}`);
    return { status: response.status, body };
  }

  it('serves the committed docs/openapi.json, a valid OpenAPI 3.1 document', async () => {
    const committed = JSON.parse(await readFile(path.join(PACKAGE_ROOT, OPENAPI_FILE), 'utf8')) as Json;
    assert.deepEqual(committed, document, `${OPENAPI_FILE} differs from what the server serves: run npm run openapi`);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    assert.ok(result.valid, `not a valid OpenAPI document: ${JSON.stringify(result.errors, null, 2)}`);
    assert.equal(validator.version, '3.1');
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  });

  it('documents every route the app answers', () => {
    assert.ok(server.routes.length > 40, `only ${server.routes.length} routes reported`);
    const documented = new Set(operations.map((operation) => `${operation.method} ${operation.path}`));
    // HEAD is answered wherever GET is, and documented with it.
    const missing = server.routes.filter(({ method, path: route }) => !documented.has(`${method === 'HEAD' ? 'GET' : method} ${route}`));
    assert.deepEqual(missing, []);
    const answered = new Set(server.routes.map(({ method, path: route }) => `${method} ${route}`));
    // Only the static files (express.static, no route of their own) are documented without a route.
    assert.deepEqual([...documented].filter((operation) => !answered.has(operation)), ['GET /footfall.js']);
  });

  it('answers every documented operation as documented, sending the document\'s examples', async () => {
    // The example site for a removal must exist, and a key to revoke is made for the purpose.
    await server.addSite('old-site');
    const revocable = await createKey({ sites: [SITE], scope: 'read' });
    for (const operation of operations) {
      const where = `${operation.method} ${operation.path}`;
      const parameters = (operation.object.parameters ?? []) as Array<{ name: string; in: string; schema: Json; example?: unknown }>;
      let target = operation.path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const parameter of parameters) {
        if (parameter.example === undefined) continue;
        const problem = schemas.check(parameter.schema, parameter.example);
        assert.equal(problem, undefined, `${where}: the example of ${parameter.name} does not match its schema: ${problem}`);
        const example = parameter.name === 'id' ? revocable.id : parameter.example;
        if (parameter.in === 'path') target = target.replace(`{${parameter.name}}`, encodeURIComponent(String(example)));
        else if (parameter.in === 'query') for (const one of Array.isArray(example) ? example : [example]) query.append(parameter.name, String(one));
        else headers[parameter.name.toLowerCase()] = String(example);
      }
      assert.ok(!target.includes('{'), `${where}: a path parameter has no example`);
      const security = operation.object.security;
      if (security?.some((requirement) => 'adminToken' in requirement)) headers.authorization = `Bearer ${TOKEN}`;
      let body: string | undefined;
      const content = (operation.object.requestBody?.content ?? {}) as Record<string, { schema: Json; example?: unknown }>;
      const [type, media] = Object.entries(content).find(([, value]) => value.example !== undefined) ?? [];
      if (type && media) {
        headers['content-type'] = type;
        body = typeof media.example === 'string' ? media.example : JSON.stringify(media.example);
        if (typeof media.example !== 'string') assert.equal(schemas.check(media.schema, media.example), undefined, `${where}: the request example does not match its schema`);
      }
      const response = await fetch(`${server.url}${target}${query.size > 0 ? `?${query}` : ''}`, { method: operation.method, headers, body });
      const { status } = await checkAnswer(operation, response, where);
      assert.ok(status < 300 || (operation.path === '/readyz' && status === 503), `${where}: answered ${status}`);
    }
  });

  it('gives examples that match their own schemas, and error answers whose codes the operation lists', () => {
    for (const operation of operations) {
      for (const [status, answer] of Object.entries(operation.object.responses)) {
        for (const [type, media] of Object.entries((answer.content ?? {}) as Record<string, { schema: Json; example?: unknown; examples?: Record<string, { $ref: string }> }>)) {
          if (media.example !== undefined && type === 'application/json') {
            assert.equal(schemas.check(media.schema, media.example), undefined, `${operation.method} ${operation.path} ${status}: the example does not match`);
          }
          for (const code of Object.keys(media.examples ?? {})) {
            assert.equal(String(ERRORS[code as keyof typeof ERRORS]?.status), status, `${operation.method} ${operation.path}: ${code} listed under ${status}`);
            assert.equal(schemas.check(media.schema, { error: { code, message: 'x' } }), undefined);
          }
        }
      }
    }
  });

  describe('the exchanges of docs/api.md', () => {
    let exchanges: Exchange[];
    before(async () => {
      exchanges = exchangesOf(await readFile(path.join(PACKAGE_ROOT, 'docs', 'api.md'), 'utf8'));
      // The removal example needs its site back, whatever ran before.
      await server.addSite('old-site');
    });

    it('has examples for every kind of route', () => {
      assert.ok(exchanges.length >= 25, `only ${exchanges.length} exchanges`);
      const methods = new Set(exchanges.map((exchange) => exchange.request.method));
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) assert.ok(methods.has(method), method);
    });

    it('answers each as it shows, within the document\'s schemas', async () => {
      const fill = (text: string) =>
        text.replace(/\$([A-Z_]+)/g, (_, name: string) => {
          assert.ok(values[name] !== undefined, `docs/api.md uses $${name}, which the test does not know`);
          return values[name]!;
        });
      for (const exchange of exchanges) {
        const where = `docs/api.md:${exchange.line} ${exchange.request.method} ${exchange.request.target}`;
        const target = fill(exchange.request.target);
        const operation = operationFor(operations, exchange.request.method, new URL(target, server.url).pathname);
        assert.ok(operation, `${where}: no such operation in the document`);
        const { host: _host, ...headers } = Object.fromEntries(Object.entries(exchange.request.headers).map(([name, value]) => [name, fill(value)]));
        const body = exchange.request.body === '' ? undefined : exchange.request.body;
        const response = await fetch(new URL(target, server.url), { method: exchange.request.method, headers, body });
        assert.equal(response.status, exchange.response.status, `${where}: answered ${response.status}`);
        for (const [name, value] of Object.entries(exchange.response.headers)) {
          if (!VOLATILE.has(name)) assert.equal(response.headers.get(name), value, `${where}: header ${name}`);
        }
        const real = await checkAnswer(operation, response, where);
        if (exchange.response.body === '') continue;
        const shown = JSON.parse(exchange.response.body) as unknown;
        const content = documentedAnswer(operation, exchange.response.status, where).content as Record<string, { schema: Json }>;
        assert.equal(schemas.check(content['application/json']!.schema, shown), undefined, `${where}: the example answer does not match the document`);
        const shownCode = (shown as { error?: { code?: string } }).error?.code;
        if (shownCode !== undefined) assert.deepEqual(real.body, shown, `${where}: the error differs from the one shown`);
        if (body !== undefined && response.ok && mediaType(headers['content-type'] ?? null) === 'application/json') {
          const request = (operation.object.requestBody?.content as Record<string, { schema: Json }>)['application/json']!;
          assert.equal(schemas.check(request.schema, JSON.parse(body)), undefined, `${where}: the request body does not match the document`);
        }
      }
    });
  });

  it('lists the catalogue\'s error codes, statuses and messages, in the document and in docs/api.md', async () => {
    const codes = Object.keys(ERRORS);
    const errorSchema = (document.components as { schemas: Record<string, { properties: { error: { properties: { code: { enum: string[] } } } } }> }).schemas.Error!;
    assert.deepEqual(errorSchema.properties.error.properties.code.enum, codes);
    assert.deepEqual(Object.keys((document.components as { examples: Json }).examples), codes);
    const markdown = await readFile(path.join(PACKAGE_ROOT, 'docs', 'api.md'), 'utf8');
    const section = markdown.slice(markdown.indexOf('\n## Errors'), markdown.indexOf('\n## Settings'));
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (.*) \|$/gm)].map((match) => ({
      code: match[1],
      status: Number(match[2]),
      message: (match[3] ?? '').replaceAll('&lt;', '<').replaceAll('&gt;', '>'),
    }));
    assert.deepEqual(
      rows,
      Object.entries(ERRORS).map(([code, { status, message }]) => ({ code, status, message })),
    );
  });

  it('documents every FOOTFALL_ variable and every site setting in docs/api.md', async () => {
    const markdown = await readFile(path.join(PACKAGE_ROOT, 'docs', 'api.md'), 'utf8');
    const settings = markdown.slice(markdown.indexOf('\n## Settings'));
    const config = await readFile(path.join(PACKAGE_ROOT, 'src', 'config', 'config.ts'), 'utf8');
    const variables = new Set(config.match(/\b(?:FOOTFALL_[A-Z_]+|PORT|HOST)\b/g));
    assert.ok(variables.size > 12);
    for (const variable of variables) assert.match(settings, new RegExp(`^\\| \`${variable}\` \\|`, 'm'), `${variable} is not in docs/api.md`);
    for (const setting of Object.keys(siteSettingsSchema.shape)) assert.match(settings, new RegExp(`^\\| \`${setting}\` \\|`, 'm'), `site setting ${setting} is not in docs/api.md`);
  });

  describe('the typed client', () => {
    // A site of its own: the examples above count on long-huu.
    const own = 'truong-thcs';
    let key: string;
    before(async () => {
      await server.addSite(own, { timezone: 'Asia/Ho_Chi_Minh' });
      for (let i = 0; i < 3; i++) await postHit(server, own, { headers: { 'user-agent': `${BROWSER_UA} pupil ${i}` } });
      await server.counter.flush();
      key = (await createKey({ sites: [own], scope: 'read' })).key;
    });

    it('reads the counts, its hand-checked query agreeing with countsQuerySchema', async () => {
      assert.equal(clientTypes.length, 5);
      const client = new FootfallClient(server.url);
      const counts = await client.counts(own, { path: '/tin-tuc/le-hoi?utm=x' });
      assert.deepEqual(counts.page, { path: '/tin-tuc/le-hoi', views: 3 });
      assert.deepEqual(counts.total, { views: 3, visitors: 3 });
      const short = fc.string({ unit: 'grapheme', maxLength: 12 });
      const long = fc.integer({ min: 2040, max: 2056 }).map((length) => `/${'a'.repeat(length - 1)}`);
      const asks = fc.oneof(
        fc.array(fc.oneof(short, short.map((text) => `/${text}`), long), { maxLength: 3 }),
        fc.array(short.map((text) => `/${text}`), { minLength: 48, maxLength: 52 }),
      );
      await fc.assert(
        fc.asyncProperty(asks, async (paths) => {
          const expected = countsQuerySchema.safeParse({ path: paths.length === 0 ? undefined : paths }).success;
          let status = 200;
          try {
            await client.counts(own, { path: paths });
          } catch (error) {
            assert.ok(error instanceof FootfallApiError, String(error));
            assert.equal(error.code, 'invalid_query');
            status = error.status;
          }
          assert.equal(status === 200, expected, `${JSON.stringify(paths).slice(0, 300)}: answered ${status}`);
        }),
        { numRuns: 150 },
      );
    });

    it('reads a site\'s reports with a key, and refuses a key of other sites', async () => {
      const owner = new FootfallClient(server.url, { key });
      const today = (await owner.counts(own)).today.date;
      assert.deepEqual(await owner.history(own, { from: today, to: today }), [{ date: today, views: 3, visitors: 3 }]);
      assert.deepEqual(await owner.history(own, { group: 'year' }), [{ date: today.slice(0, 4), views: 3, visitors: 3 }]);
      assert.deepEqual(await owner.pages(own), [{ path: '/tin-tuc/le-hoi', views: 3 }]);
      const day = await owner.day(own);
      assert.equal(day.hours.reduce((a, b) => a + b, 0), 3);
      assert.deepEqual(day.refused, { bot: 0, origin: 0, rate_limit: 0, invalid: 0 });
      assert.deepEqual(await owner.sources(own, { dim: 'referrer' }), [{ name: 'Google', views: 3, visitors: 3 }]);
      assert.equal((await admin.paths(own)).today, 1);
      await assert.rejects(owner.paths(SITE), (error: unknown) => error instanceof FootfallApiError && error.status === 403 && error.code === 'forbidden');
      await assert.rejects(new FootfallClient(server.url).day(own), (error: unknown) => error instanceof FootfallApiError && error.status === 401 && error.code === 'unauthorized');
    });
  });
});
