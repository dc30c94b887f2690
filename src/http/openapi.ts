/**
 * The OpenAPI 3.1 document of the HTTP API, built from the zod schemas the routes validate
 * with (requests) and the answer schemas of api-schemas.ts (responses), by zod's own
 * `z.toJSONSchema` — OpenAPI 3.1 schemas are JSON Schema 2020-12, so no converter is needed.
 * Served at `GET /api/v1/openapi.json` and committed as docs/openapi.json (`npm run openapi`);
 * test/http/openapi.test.ts checks both against the running server. docs/api.md is the
 * reference for people; this document is the same contract for tools.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { z } from 'zod';
import { MAX_URL_LENGTH } from '../counting/page-path.js';
import { siteIdSchema, siteSchema, siteSettingsUpdateSchema } from '../counting/site.js';
import { ERRORS, type ErrorCode } from '../errors.js';
import { newKeySchema } from '../ops/keys.js';
import { busuanziQuery } from './busuanzi-script.js';
import { PACKAGE_ROOT } from '../paths.js';
import { auditQuerySchema } from './admin-routes.js';
import * as answers from './api-schemas.js';
import { hitBodySchema, pingBodySchema } from './hit-input.js';
import { badgeQuerySchema, countsQuerySchema } from './reads.js';
import { BODY_LIMIT } from './read-body.js';
import { MAX_FILE_BYTES } from './request-input.js';
import { dayQuerySchema, historyQuerySchema, importQuerySchema, pagesQuerySchema, sourcesQuerySchema } from './site-routes.js';

type Json = Record<string, unknown>;
type Method = 'get' | 'put' | 'post' | 'delete' | 'options';
type Access = 'public' | 'admin' | 'site';

/** A body the operation takes or answers: a named component, or an inline JSON Schema. */
interface Content {
  schema: string | Json;
  example?: unknown;
}

interface Operation {
  method: Method;
  path: string;
  id: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  /** Path and query parameters: objects whose properties are the parameters. */
  path_?: z.ZodObject;
  query?: z.ZodObject;
  /** Descriptions and examples of parameters, by name. */
  params?: Record<string, { description?: string; example?: unknown }>;
  headers?: Array<{ name: string; description: string; example: string }>;
  body?: { description: string; content: Record<string, Content> };
  /** Success answers by status. */
  answers: Record<string, { description: string; content?: Record<string, Content>; headers?: Record<string, string> }>;
  errors: ErrorCode[];
}

const SITE = 'long-huu';
const ORIGIN = 'https://longhuu.example.vn';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Components: answers are described as the server writes them, requests as clients send them. */
const RESPONSES: Record<string, z.ZodType> = {
  Error: answers.errorSchema,
  Counts: answers.countsSchema,
  HitAnswer: answers.hitAnswerSchema,
  Health: answers.healthSchema,
  Readiness: answers.readinessSchema,
  Site: answers.siteAnswerSchema,
  History: answers.historyRowsSchema,
  TopPages: answers.topPagesSchema,
  DayDetail: answers.dayDetailSchema,
  Sources: answers.sourcesSchema,
  PathUsage: answers.pathUsageSchema,
  HistoryImport: answers.historyImportSchema,
  PageImport: answers.pageImportSchema,
  Key: answers.keySchema,
  CreatedKey: answers.createdKeySchema,
  AuditEntry: answers.auditEntrySchema,
};

/**
 * The JSON form of a page-baseline file. The route checks it row by row (ops/page-baselines.ts
 * parsePageJson, which names every bad line); this is the shape those checks accept.
 */
const pageFileSchema = z.array(z.object({ path: z.string().regex(/^\//).max(MAX_URL_LENGTH), views: z.number().int().min(0) }));

const REQUESTS: Record<string, z.ZodType> = {
  HitBody: hitBodySchema,
  PingBody: pingBodySchema,
  SiteSettings: siteSettingsUpdateSchema,
  NewKey: newKeySchema,
  PageFile: pageFileSchema,
};

const sitePath = z.object({ site: siteIdSchema });
const keyPath = z.object({ id: z.string() });
const siteParam = { site: { description: 'The site id.', example: SITE } };

const countsExample = {
  site: SITE,
  at: '2026-11-27T08:20:00.000Z',
  timezone: 'Asia/Ho_Chi_Minh',
  online: 14,
  today: { date: '2026-11-27', views: 11554, visitors: 3012 },
  yesterday: { date: '2026-11-26', views: 12080, visitors: 3190 },
  week: { label: '2026-W48', start: '2026-11-23', views: 73061, visitors: 15880 },
  month: { label: '2026-11', views: 301422, visitors: 61020 },
  year: { label: '2026', views: 3298110, visitors: 540112 },
  total: { views: 4288561, visitors: 1200345 },
};

/** A site as the API answers it: the defaults are the schema's own. */
const siteExample = siteSchema.parse({ id: SITE, origins: [ORIGIN], timezone: 'Asia/Ho_Chi_Minh', baseline: { views: 4288000, visitors: 1200000 } });

const keyExample = { id: 'p3Xq9vT2aLk', sites: [SITE], scope: 'read', label: 'UBND xã Long Hựu', expiresAt: null, createdAt: '2026-11-27T08:00:00.000Z' };

const hitHeaders = [
  { name: 'Origin', description: 'The page\'s origin; it must be one of the site\'s origins. Without it, the origin of `url` stands in.', example: ORIGIN },
  { name: 'User-Agent', description: 'The visitor\'s browser. Requests without one, and crawlers, count nothing.', example: BROWSER },
];

const json = (schema: string | Json, example?: unknown): Record<string, Content> => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });
const list = (item: string): Json => ({ type: 'array', items: { $ref: `#/components/schemas/${item}` } });

/** The errors every route under the admin token can answer. */
const ADMIN_ERRORS: ErrorCode[] = ['not_found', 'unauthorized', 'rate_limited', 'internal_error'];
/** The errors of a site's report: unknown site, and a credential that does not open it. */
const SITE_ERRORS: ErrorCode[] = ['unknown_site', 'unauthorized', 'forbidden', 'rate_limited', 'internal_error'];

/** The reports of one site, answered alike under `/api/v1/admin/sites/{site}` and `/api/v1/sites/{site}`. */
function siteReports(prefix: string, access: Access, tag: string): Operation[] {
  const errors = access === 'admin' ? [...ADMIN_ERRORS, 'unknown_site' as const] : SITE_ERRORS;
  const report = (method: Method, name: string, operationId: string, rest: Omit<Operation, 'method' | 'path' | 'id' | 'tag' | 'access' | 'path_'>): Operation => ({
    method,
    path: `${prefix}/${name}`,
    id: `${access === 'admin' ? 'admin' : 'site'}${operationId}`,
    tag,
    access,
    path_: sitePath,
    ...rest,
  });
  return [
    report('get', 'history', 'History', {
      summary: 'Figures by day, month or year',
      description: 'One row per local day from `from` to `to` (default: the last 30 days), days without hits as zeros, imported history included; with `group=month` or `year`, one row per month or year the range touches. At most 3,660 days at once by day, 36,600 grouped.',
      query: historyQuerySchema,
      params: { ...siteParam, from: { example: '2026-11-01' }, to: { example: '2026-11-27' } },
      answers: { 200: { description: 'The rows, oldest first.', content: json('#History', [{ date: '2026-11-26', views: 12080, visitors: 3190 }, { date: '2026-11-27', views: 11554, visitors: 3012 }]) } },
      errors: ['invalid_query', ...errors],
    }),
    report('get', 'pages', 'Pages', {
      summary: 'A day\'s top pages',
      description: 'The paths with the most views on a local day (default today), most first.',
      query: pagesQuerySchema,
      params: { ...siteParam, date: { example: '2026-11-27' }, limit: { example: 10 } },
      answers: { 200: { description: 'Paths and their views that day.', content: json('#TopPages', [{ path: '/tin-tuc/le-hoi', views: 812 }, { path: '/', views: 640 }]) } },
      errors: ['invalid_query', ...errors],
    }),
    report('get', 'day', 'Day', {
      summary: 'One day by hour',
      description: 'Views by local hour of one day (default today), and how many hits were refused and why (not on a public site\'s dashboard without a key).',
      query: dayQuerySchema,
      params: { ...siteParam, date: { example: '2026-11-27' } },
      answers: {
        200: {
          description: 'The day\'s hours.',
          content: json('#DayDetail', { date: '2026-11-27', hours: [3, 1, 0, 0, 0, 2, 9, 31, 60, 74, 80, 77, 69, 70, 81, 85, 79, 66, 58, 71, 64, 40, 22, 9], refused: { bot: 41, origin: 3, rate_limit: 0, invalid: 1 } }),
        },
      },
      errors: ['invalid_query', ...errors],
    }),
    report('get', 'sources', 'Sources', {
      summary: 'Where views came from',
      description: 'Views and visitors by one dimension (`dim`) over local days `from`–`to` (default: `to`, which defaults to today): the `limit` names with most views. See docs/sources.md for what each dimension holds.',
      query: sourcesQuerySchema,
      params: { ...siteParam, dim: { example: 'referrer' }, from: { example: '2026-11-01' }, to: { example: '2026-11-27' } },
      answers: { 200: { description: 'Names and their figures, most views first.', content: json('#Sources', [{ name: 'Google', views: 5210, visitors: 1980 }, { name: '(direct)', views: 3022, visitors: 1104 }]) } },
      errors: ['invalid_query', ...errors],
    }),
    report('get', 'paths', 'Paths', {
      summary: 'Distinct paths against the caps',
      description: 'How many distinct paths the site keeps today and all-time, against its `pathLimit`.',
      params: siteParam,
      answers: { 200: { description: 'The path usage.', content: json('#PathUsage', { today: 412, earned: 3120, candidates: 88, limit: { day: 2000, total: 10000 }, atCap: { day: false, total: false } }) } },
      errors,
    }),
    report('post', 'history', 'ImportHistory', {
      summary: 'Import daily history',
      description: `An old counter's daily figures, rows \`date,views[,visitors]\` (docs/migration.md). The whole file is checked first; a bad row refuses it all, naming every bad line. Each day's imported figures are set, not added: the same file twice changes nothing. At most ${MAX_FILE_BYTES / 1024 / 1024} MiB. With a key, the key needs scope \`import\`.`,
      query: importQuerySchema,
      params: { ...siteParam, dryRun: { description: 'Say what would change and change nothing.', example: '1' } },
      body: { description: 'The history file.', content: { 'text/csv': { schema: { type: 'string' }, example: 'date,views,visitors\n2024-11-01,1532,611\n2024-11-02,1204,\n' } } },
      answers: {
        200: {
          description: 'What changed (or, in a dry run, would change).',
          content: json('#HistoryImport', {
            site: SITE,
            dryRun: true,
            applied: false,
            rows: 2,
            changes: [
              { date: '2024-11-01', before: { views: 0, visitors: 0 }, after: { views: 1532, visitors: 611 } },
              { date: '2024-11-02', before: { views: 0, visitors: 0 }, after: { views: 1204, visitors: 0 } },
            ],
            unchanged: 0,
            total: { views: 2736, visitors: 611 },
            overlapping: [],
          }),
        },
      },
      errors: ['invalid_body', 'invalid_query', 'body_too_large', 'unsupported_media_type', ...errors],
    }),
    report('put', 'pages', 'ImportPages', {
      summary: 'Import page baselines',
      description: `Each page's views on an old counter, so that its all-time views go on from there: rows \`path,views\` as CSV, or JSON \`[{"path", "views"}]\`. Paths are keyed as the site keys its pages (\`pageQuery\`). Checked whole first; baselines are set, not added; 0 removes one. At most ${MAX_FILE_BYTES / 1024 / 1024} MiB and 100,000 pages. With a key, the key needs scope \`import\`.`,
      query: importQuerySchema,
      params: { ...siteParam, dryRun: { description: 'Say what would change and change nothing.', example: '1' } },
      body: {
        description: 'The page file.',
        content: {
          'text/csv': { schema: { type: 'string' }, example: 'path,views\n/tin-tuc/le-hoi,2020\n' },
          'application/json': { schema: '#PageFile', example: [{ path: '/tin-tuc/le-hoi', views: 2020 }] },
        },
      },
      answers: { 200: { description: 'What changed (or would change).', content: json('#PageImport', { site: SITE, dryRun: true, applied: false, rows: 1, changes: [{ path: '/tin-tuc/le-hoi', before: 0, after: 2020 }], unchanged: 0 }) } },
      errors: ['invalid_body', 'invalid_query', 'body_too_large', 'unsupported_media_type', ...errors],
    }),
  ];
}

const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/hit',
    id: 'hit',
    tag: 'Counting',
    access: 'public',
    summary: 'Count a page view',
    description: `What the snippet sends for each page view. Checked in this order — media type, size (at most ${BODY_LIMIT / 1024} KiB), body, site, origin, crawler or prefetch, the per-visitor rate limit — and nothing is counted unless every check passes. \`text/plain\` needs no CORS preflight.`,
    headers: hitHeaders,
    body: {
      description: 'The page view.',
      content: { 'text/plain': { schema: '#HitBody', example: { site: SITE, url: `${ORIGIN}/tin-tuc/le-hoi`, referrer: 'https://www.google.com/' } }, 'application/json': { schema: '#HitBody' } },
    },
    answers: {
      202: { description: 'Counted.', content: json('#HitAnswer', { counted: true }) },
      200: { description: 'Not counted, and not an error: a crawler (or no User-Agent), or a prefetch or prerender.', content: json('#HitAnswer', { counted: false, reason: 'bot' }) },
    },
    errors: ['invalid_body', 'origin_not_allowed', 'unknown_site', 'body_too_large', 'unsupported_media_type', 'rate_limited', 'store_unavailable', 'internal_error'],
  },
  {
    method: 'options',
    path: '/api/v1/hit',
    id: 'hitPreflight',
    tag: 'Counting',
    access: 'public',
    summary: 'CORS preflight of a hit',
    description: 'Browsers ask before sending a JSON body with `fetch`; any origin may send, the site\'s origins are checked on the hit itself.',
    answers: { 204: { description: 'Allowed: `Access-Control-Allow-Methods: POST`, `Access-Control-Allow-Headers: Content-Type`, cached a day.' } },
    errors: [],
  },
  {
    method: 'post',
    path: '/api/v1/ping',
    id: 'ping',
    tag: 'Counting',
    access: 'public',
    summary: 'Keep a visitor online',
    description: 'Keeps the sender online without counting a view; the snippet sends one every 20 s while the tab is visible and no live connection is up. A crawler\'s ping does nothing. The `Referer` stands in for a missing `Origin`. Past the address\'s pings or new visitors this minute (docs/api.md, Budgets): `429`.',
    headers: hitHeaders,
    body: { description: 'The site.', content: { 'text/plain': { schema: '#PingBody', example: { site: SITE } }, 'application/json': { schema: '#PingBody' } } },
    answers: { 204: { description: 'Seen.' } },
    errors: ['invalid_body', 'origin_not_allowed', 'unknown_site', 'body_too_large', 'unsupported_media_type', 'rate_limited', 'store_unavailable', 'internal_error'],
  },
  {
    method: 'options',
    path: '/api/v1/ping',
    id: 'pingPreflight',
    tag: 'Counting',
    access: 'public',
    summary: 'CORS preflight of a ping',
    answers: { 204: { description: 'Allowed, as for a hit.' } },
    errors: [],
  },
  {
    method: 'get',
    path: '/api/v1/hit.gif',
    id: 'pixel',
    tag: 'Counting',
    access: 'public',
    summary: 'Count a page view without JavaScript',
    description: 'For `<noscript><img src=…></noscript>`. Counted or not exactly as a hit, with the `Referer` standing for the origin (and for `url` when none is given); without a `Referer` nothing is counted. Always answers the image, so a refusal never shows a broken image; refusals are visible to operators (`/metrics`, the day\'s refused hits). Answers HEAD too.',
    query: z.object({ site: hitBodySchema.shape.site, url: hitBodySchema.shape.url.optional(), ref: hitBodySchema.shape.referrer }),
    params: { site: { example: SITE }, url: { description: 'The page; default: the `Referer`.', example: `${ORIGIN}/tin-tuc/le-hoi` }, ref: { description: 'Where the visitor came from.' } },
    headers: [{ name: 'Referer', description: 'The page the image is on.', example: `${ORIGIN}/tin-tuc/le-hoi` }, hitHeaders[1]!],
    answers: { 200: { description: 'A 1×1 transparent GIF, `Cache-Control: no-store`.', content: { 'image/gif': { schema: { type: 'string', contentMediaType: 'image/gif' } } } } },
    errors: [],
  },
  {
    method: 'get',
    path: '/api/v1/sites/{site}/counts',
    id: 'counts',
    tag: 'Reading',
    access: 'public',
    summary: 'A site\'s figures',
    description: 'The counts payload, as the live `counts` event carries it. Public: any page may read it (`Access-Control-Allow-Origin: *`), cached for a second (`Cache-Control: public, max-age=1`); the figures are at most one push interval old. Answers HEAD too.',
    path_: sitePath,
    query: countsQuerySchema,
    params: { ...siteParam, path: { description: 'A page\'s path (`/tin-tuc/le-hoi`), keyed as hits are: one adds `page`, several (up to 50, repeated) add `pages`.', example: ['/tin-tuc/le-hoi'] } },
    answers: { 200: { description: 'The figures.', content: json('#Counts', { ...countsExample, page: { path: '/tin-tuc/le-hoi', views: 2231 } }) } },
    errors: ['invalid_query', 'unknown_site', 'store_unavailable', 'internal_error'],
  },
  {
    method: 'get',
    path: '/api/v1/sites/{site}/badge.svg',
    id: 'badge',
    tag: 'Reading',
    access: 'public',
    summary: 'One figure as an SVG badge',
    description: 'For a README or a page footer. Public and cached like the counts. Answers HEAD too.',
    path_: sitePath,
    query: badgeQuerySchema,
    params: { ...siteParam, metric: { description: 'The figure: `online`, or a period and a kind such as `today.views`.', example: 'total.visitors' }, label: { description: 'The text on the left; default: the figure\'s name.', example: 'visitors' } },
    answers: { 200: { description: 'The badge.', content: { 'image/svg+xml': { schema: { type: 'string', contentMediaType: 'image/svg+xml' } } } } },
    errors: ['invalid_query', 'unknown_site', 'store_unavailable', 'internal_error'],
  },
  ...siteReports('/api/v1/sites/{site}', 'site', 'Site owners'),
  {
    method: 'get',
    path: '/api/v1/admin/sites',
    id: 'adminListSites',
    tag: 'Admin',
    access: 'admin',
    summary: 'Every site',
    answers: { 200: { description: 'The sites with their settings, by id.', content: json(list('Site'), [siteExample]) } },
    errors: ADMIN_ERRORS,
  },
  {
    method: 'put',
    path: '/api/v1/admin/sites/{site}',
    id: 'adminPutSite',
    tag: 'Admin',
    access: 'admin',
    summary: 'Create or change a site',
    description: 'Settings left out keep their value; a new site gets the defaults. Audited as `site.create` or `site.update`.',
    path_: sitePath,
    params: siteParam,
    body: { description: 'The settings to set.', content: json('#SiteSettings', { origins: [ORIGIN], timezone: 'Asia/Ho_Chi_Minh', weekStart: 1, baseline: { views: 4288000, visitors: 1200000 } }) },
    answers: {
      201: { description: 'Created.', content: json('#Site', siteExample) },
      200: { description: 'Changed.', content: json('#Site', siteExample) },
    },
    errors: ['invalid_settings', 'invalid_body', 'body_too_large', 'unsupported_media_type', ...ADMIN_ERRORS],
  },
  {
    method: 'delete',
    path: '/api/v1/admin/sites/{site}',
    id: 'adminDeleteSite',
    tag: 'Admin',
    access: 'admin',
    summary: 'Remove a site and all its figures',
    description: 'Audited as `site.delete`, with the settings it had.',
    path_: sitePath,
    params: { site: { description: 'The site id.', example: 'old-site' } },
    answers: { 204: { description: 'Removed.' } },
    errors: ['unknown_site', ...ADMIN_ERRORS],
  },
  ...siteReports('/api/v1/admin/sites/{site}', 'admin', 'Admin'),
  {
    method: 'post',
    path: '/api/v1/admin/keys',
    id: 'adminCreateKey',
    tag: 'Admin',
    access: 'admin',
    summary: 'Create a site owner\'s key',
    description: 'A key opens its sites\' reports (`read`), and their imports too (`import`). The answer holds the key this once. Audited as `key.create`.',
    body: { description: 'What the key opens.', content: json('#NewKey', { sites: [SITE], scope: 'read', label: 'UBND xã Long Hựu' }) },
    answers: { 201: { description: 'Created.', content: json('#CreatedKey', { ...keyExample, key: 'ffk_p3Xq9vT2aLk_3hQ0cW8yF1uZ7mV5nB2kR9tX4sJ6dE0aG1pL8oI3wY5' }) } },
    errors: ['invalid_body', 'body_too_large', 'unsupported_media_type', ...ADMIN_ERRORS],
  },
  {
    method: 'get',
    path: '/api/v1/admin/keys',
    id: 'adminListKeys',
    tag: 'Admin',
    access: 'admin',
    summary: 'Every key, without its secret',
    answers: { 200: { description: 'The keys.', content: json(list('Key'), [keyExample]) } },
    errors: ADMIN_ERRORS,
  },
  {
    method: 'delete',
    path: '/api/v1/admin/keys/{id}',
    id: 'adminRevokeKey',
    tag: 'Admin',
    access: 'admin',
    summary: 'Revoke a key',
    description: 'The key opens nothing from now on, on every instance within a push interval. Audited as `key.revoke`.',
    path_: keyPath,
    params: { id: { description: 'The key\'s id (the part after `ffk_`).', example: keyExample.id } },
    answers: { 204: { description: 'Revoked.' } },
    errors: ['unknown_key', ...ADMIN_ERRORS],
  },
  {
    method: 'get',
    path: '/api/v1/admin/audit',
    id: 'adminAudit',
    tag: 'Admin',
    access: 'admin',
    summary: 'The audit trail',
    description: 'Every change made through the admin API or the CLI, newest first; the last 10,000 are kept.',
    query: auditQuerySchema,
    params: { limit: { example: 50 } },
    answers: {
      200: {
        description: 'The entries.',
        content: json(list('AuditEntry'), [{ at: '2026-11-27T08:00:00.000Z', actor: 'api:203.0.113.9', action: 'site.update', site: SITE, before: { timezone: 'UTC' }, after: { timezone: 'Asia/Ho_Chi_Minh' } }]),
      },
    },
    errors: ['invalid_query', ...ADMIN_ERRORS],
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    id: 'openapi',
    tag: 'Service',
    access: 'public',
    summary: 'This document',
    answers: { 200: { description: 'The OpenAPI 3.1 document of the HTTP API.', content: json({ type: 'object' }) } },
    errors: [],
  },
  {
    method: 'get',
    path: '/healthz',
    id: 'healthz',
    tag: 'Service',
    access: 'public',
    summary: 'The process answers',
    answers: { 200: { description: 'Alive.', content: json('#Health', { status: 'ok' }) } },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    id: 'readyz',
    tag: 'Service',
    access: 'public',
    summary: 'Ready for traffic',
    description: 'Ready while the store answers and the server is not stopping; the body says why not, and lists warnings about the store\'s settings.',
    answers: {
      200: { description: 'Ready.', content: json('#Readiness', { status: 'ready', store: 'answering', connection: 'ready', writer: 'ready', backlog: 0, bufferBytes: 0, draining: false, warnings: [] }) },
      503: { description: 'Not ready: the store does not answer, or the server is stopping.', content: json('#Readiness') },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/metrics',
    id: 'metrics',
    tag: 'Service',
    access: 'public',
    summary: 'Prometheus metrics',
    description: 'The series are listed in docs/operators.md. With `FOOTFALL_METRICS_TOKEN` set, only for `Authorization: Bearer` with that token or the admin token.',
    answers: { 200: { description: 'Prometheus text.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    errors: ['unauthorized', 'rate_limited'],
  },
  {
    method: 'get',
    path: '/footfall.js',
    id: 'snippet',
    tag: 'Pages',
    access: 'public',
    summary: 'The snippet',
    description:
      'The tracker every page loads (cached 5 minutes and revalidated), also served under `FOOTFALL_SCRIPT_NAME`; it takes every other address from its own `src`, so it works under any path prefix. The files it loads carry a content hash and are cached for a year. See client-snippet/README.md.',
    answers: { 200: { description: 'JavaScript.', content: { 'text/javascript': { schema: { type: 'string' } } } } },
    errors: [],
  },
  {
    method: 'get',
    path: '/busuanzi.js',
    id: 'busuanziSnippet',
    tag: 'Pages',
    access: 'public',
    summary: 'The snippet for pages written for Busuanzi',
    description:
      'The tracker, for the site `site` names or else the one site whose origins hold the origin of the page loading it (its `Referer`); it fills `busuanzi_value_site_pv`, `busuanzi_value_site_uv` and `busuanzi_value_page_pv` live and shows their `busuanzi_container_*`. Found from the Referer it is cached by the browser only (`Vary: Referer`). See docs/embedding.md.',
    query: busuanziQuery,
    params: { site: { example: 'long-huu' } },
    answers: { 200: { description: 'JavaScript.', content: { 'text/javascript': { schema: { type: 'string' } } } } },
    errors: ['invalid_query', 'unknown_site'],
  },
  {
    method: 'get',
    path: '/common/vendor/{file}',
    id: 'dashboardVendor',
    tag: 'Pages',
    access: 'public',
    summary: 'A library of the dashboards',
    description: 'The dashboards (`/ops`, `/s/{site}`) load their chart library and Socket.IO client from the server itself, never a CDN.',
    path_: z.object({ file: z.enum(['uplot.min.js', 'uplot.min.css', 'socket.io.min.js']) }),
    params: { file: { example: 'uplot.min.js' } },
    answers: { 200: { description: 'The file.', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } } },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/s/{site}',
    id: 'ownerDashboard',
    tag: 'Pages',
    access: 'public',
    summary: "A site owner's dashboard",
    description:
      "The site's live figures, for its owner: the page reads a key from the address's fragment (`/s/long-huu#key=…`, never sent to the server) or, for a public site, needs none. See docs/owners.md.",
    path_: z.object({ site: z.string() }),
    params: { site: { example: 'long-huu' } },
    answers: { 200: { description: 'The dashboard page.', content: { 'text/html': { schema: { type: 'string' } } } } },
    errors: ['not_found'],
  },
];

/** JSON Schema of zod schemas by name, `$ref`s between them pointing into `components`. */
function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  // Each would otherwise claim to be a document of its own.
  return Object.fromEntries(Object.entries(converted).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]));
}

/** `#Name` names a component; anything else is a JSON Schema as it stands. */
function schemaOf(schema: string | Json): Json {
  return typeof schema === 'string' ? { $ref: `#/components/schemas/${schema.slice(1)}` } : schema;
}

function contentOf(content: Record<string, Content>): Json {
  return Object.fromEntries(
    Object.entries(content).map(([type, { schema, example }]) => [type, { schema: schemaOf(schema), ...(example === undefined ? {} : { example }) }]),
  );
}

function parameters(operation: Operation): Json[] {
  const of = (where: 'path' | 'query', object: z.ZodObject | undefined): Json[] => {
    if (!object) return [];
    const converted = z.toJSONSchema(object, { io: 'input' }) as { properties?: Record<string, Json>; required?: string[] };
    return Object.entries(converted.properties ?? {}).map(([name, schema]) => {
      const extra = operation.params?.[name] ?? {};
      const required = where === 'path' || (converted.required ?? []).includes(name);
      return { name, in: where, required, ...(extra.description ? { description: extra.description } : {}), schema, ...(extra.example === undefined ? {} : { example: extra.example }) };
    });
  };
  const headers = (operation.headers ?? []).map(({ name, description, example }) => ({ name, in: 'header', required: false, description, schema: { type: 'string' }, example }));
  return [...of('path', operation.path_), ...of('query', operation.query), ...headers];
}

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } };

/** Error answers grouped by status, each listing its codes with their default messages. */
function errorAnswers(codes: ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        description: group.map((code) => `\`${code}\`: ${ERRORS[code].message}`).join(' '),
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
        content: {
          'application/json': {
            schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { error: { properties: { code: { enum: group } } } } }] },
            examples: Object.fromEntries(group.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
          },
        },
      },
    ]),
  );
}

const SECURITY: Record<Access, Json[] | undefined> = {
  public: undefined,
  admin: [{ adminToken: [] }],
  // The admin token, a key of the site, or nothing at all for a public site.
  site: [{ adminToken: [] }, { siteKey: [] }, {}],
};

function operationObject(operation: Operation): Json {
  const params = parameters(operation);
  const success = Object.fromEntries(
    Object.entries(operation.answers).map(([status, answer]) => [
      status,
      {
        description: answer.description,
        ...(answer.content ? { content: contentOf(answer.content) } : {}),
      },
    ]),
  );
  return {
    operationId: operation.id,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(SECURITY[operation.access] ? { security: SECURITY[operation.access] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(operation.body ? { requestBody: { required: true, description: operation.body.description, content: contentOf(operation.body.content) } } : {}),
    responses: { ...success, ...errorAnswers(operation.errors) },
  };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Builds the document; the same input gives the same document, byte for byte. */
export function buildOpenApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const operation of OPERATIONS) paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) };
  return {
    openapi: '3.1.1',
    info: {
      title: 'footfall',
      version: packageVersion(),
      summary: 'A self-hosted, real-time visitor counter.',
      description: 'The HTTP API of footfall. The reference for people — what each figure means, the live protocol, every setting — is docs/api.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [
      { name: 'Counting', description: 'What pages send.' },
      { name: 'Reading', description: 'Public figures.' },
      { name: 'Site owners', description: 'One site\'s reports and imports, with the admin token, a key of the site, or nothing for a public site.' },
      { name: 'Admin', description: 'Behind the admin token (`FOOTFALL_ADMIN_TOKEN`); without one configured, these answer 404.' },
      { name: 'Service', description: 'Health, readiness, metrics and this document.' },
      { name: 'Pages', description: 'Files the server serves.' },
    ],
    paths,
    components: {
      schemas: { ...components(RESPONSES, 'output'), ...components(REQUESTS, 'input') },
      // One example of each error, with its default message (docs/api.md, "Errors").
      examples: Object.fromEntries(
        (Object.keys(ERRORS) as ErrorCode[]).map((code) => [code, { summary: `${ERRORS[code].status} ${code}`, value: { error: { code, message: ERRORS[code].message } } }]),
      ),
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token, `FOOTFALL_ADMIN_TOKEN`.' },
        siteKey: { type: 'http', scheme: 'bearer', description: 'A site owner\'s key, `ffk_<id>_<secret>`, created by the operator.' },
      },
    },
  };
}

/** Where the document is committed, from the package root. */
export const OPENAPI_FILE = 'docs/openapi.json';

/** The document as committed: indented, with a final newline, so diffs read well. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

/** `GET /api/v1/openapi.json`: public, the same for every request, serialised once. */
export function openApiRoutes(): Router {
  const router = express.Router();
  let body: string | undefined;
  router.get('/api/v1/openapi.json', (_req, res) => {
    body ??= JSON.stringify(buildOpenApiDocument());
    res.set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' }).type('application/json').send(body);
  });
  return router;
}
