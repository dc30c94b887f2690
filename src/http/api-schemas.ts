/**
 * The shapes of what the HTTP API answers, as zod schemas, for the API document
 * (openapi.ts). Requests are checked with the schemas their routes export; answers are built
 * by the counting and ops layers as TypeScript types, so each schema here is held to its type
 * at compile time (`Same` below): a field added to a type and not here fails the typecheck,
 * and test/http/openapi.test.ts checks real answers against the document.
 */
import { z } from 'zod';
import type { Counter } from '../counting/counter.js';
import type { CountsPayload } from '../counting/counts-payload.js';
import { SOURCE_DIMENSIONS } from '../counting/sources/dimensions.js';
import { siteSchema, type Site } from '../counting/site.js';
import { ERRORS, type ErrorCode } from '../errors.js';
import type { AuditTrail } from '../ops/audit-trail.js';
import type { HistoryImportResult } from '../ops/history-import.js';
import type { KeyAdmin, KeyInfo } from '../ops/keys.js';
import type { PageBaselineResult } from '../ops/page-baselines.js';

const count = z.number().int().min(0);
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const instant = z.iso.datetime();
const figures = z.object({ views: count, visitors: count });
const pageViews = z.object({ path: z.string(), views: count });

export const errorCodeSchema = z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]);

export const errorSchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string().meta({ description: 'What went wrong and what to do about it, for people.' }),
  }),
});

export const countsSchema = z.object({
  site: z.string(),
  at: instant.meta({ description: 'When the figures were read.' }),
  timezone: z.string().meta({ description: 'The IANA time zone of the site\'s days and weeks.' }),
  online: count.meta({ description: 'Distinct visitors seen within the online window.' }),
  today: z.object({ date: localDate, ...figures.shape }),
  yesterday: z.object({ date: localDate, ...figures.shape }),
  week: z.object({ label: z.string().meta({ description: '`2026-W48`, or the first date when weeks start on Sunday or Saturday.' }), start: localDate, ...figures.shape }),
  month: z.object({ label: z.string().meta({ description: '`2026-11`' }), ...figures.shape }),
  year: z.object({ label: z.string().meta({ description: '`2026`' }), ...figures.shape }),
  total: figures.meta({ description: 'All-time figures: the baseline and imported history included.' }),
  page: pageViews.optional().meta({ description: 'With one `path`: that page\'s all-time views, its baseline included.' }),
  pages: z.array(pageViews).optional().meta({ description: 'With several `path`s: each page\'s all-time views, in the order asked.' }),
});

export const hitAnswerSchema = z.union([
  z.object({ counted: z.literal(true) }),
  z.object({ counted: z.literal(false), reason: z.enum(['bot', 'prefetch']) }),
]);

export const healthSchema = z.object({ status: z.literal('ok') });

export const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  store: z.enum(['answering', 'not answering']),
  connection: z.enum(['connecting', 'ready', 'reconnecting', 'closed']),
  writer: z.enum(['ready', 'degraded', 'closed']),
  backlog: count.meta({ description: 'Entries accepted but not yet written to the store, and hits waiting for their salts.' }),
  bufferBytes: count.meta({ description: 'Their memory, estimated: what FOOTFALL_BUFFER_BYTES bounds.' }),
  draining: z.boolean().meta({ description: 'True once the server is stopping.' }),
  warnings: z.array(z.string()).meta({ description: 'Store settings that could lose counts, found at start.' }),
});

/** A site as saved: every setting, defaults filled in. */
export const siteAnswerSchema = siteSchema;

export const historyRowsSchema = z.array(
  z.object({ date: z.string().meta({ description: 'A local date `2026-11-27`; grouped, the month `2026-11` or the year `2026`.' }), ...figures.shape }),
);

export const topPagesSchema = z.array(pageViews);

const refused = z
  .object({ bot: count, origin: count, rate_limit: count, invalid: count })
  .meta({ description: 'Hits refused that day, by reason (crawlers, foreign origins, rate limit, invalid requests); left out on a public site\'s dashboard.' });

export const dayDetailSchema = z.object({
  date: localDate,
  hours: z.array(count).length(24).meta({ description: 'Views by local hour, 0 to 23.' }),
  refused: refused.optional(),
});

export const sourcesSchema = z.array(z.object({ name: z.string(), ...figures.shape }));

export const pathUsageSchema = z.object({
  today: count.meta({ description: 'Distinct paths of the local day, its `(other)` included.' }),
  earned: count.meta({ description: 'Paths with a permanent all-time slot.' }),
  candidates: count.meta({ description: 'Paths counted all-time while they wait to earn a slot.' }),
  limit: z.object({ day: count, total: count }),
  atCap: z.object({ day: z.boolean(), total: z.boolean() }),
});

export const historyImportSchema = z.object({
  site: z.string(),
  dryRun: z.boolean(),
  applied: z.boolean(),
  rows: count,
  changes: z.array(z.object({ date: localDate, before: figures, after: figures })),
  unchanged: count,
  total: figures.meta({ description: 'What all-time views and visitors move by.' }),
  overlapping: z.array(localDate).meta({ description: 'Days on which footfall itself counted views too: the imported figures add to those.' }),
});

export const pageImportSchema = z.object({
  site: z.string(),
  dryRun: z.boolean(),
  applied: z.boolean(),
  rows: count,
  changes: z.array(z.object({ path: z.string(), before: count, after: count })),
  unchanged: count,
});

export const keySchema = z.object({
  id: z.string(),
  sites: z.array(z.string()),
  scope: z.enum(['read', 'import']),
  label: z.string().nullable(),
  expiresAt: instant.nullable(),
  createdAt: instant,
});

export const createdKeySchema = keySchema.extend({
  key: z.string().meta({ description: 'The key itself, `ffk_<id>_<secret>`: shown this once; footfall keeps only a slow hash.' }),
});

export const auditEntrySchema = z.object({
  at: instant,
  actor: z.string().meta({ description: '`api:<address>`, `key:<id>`, `cli:<user>`, `sites-file` or `first-run`.' }),
  action: z.string().meta({ description: '`site.create`, `site.update`, `site.delete`, `history.import`, `pages.import`, `key.create`, `key.revoke`.' }),
  site: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

/** The dimensions `GET …/sources?dim=` takes, for the API document's examples. */
export const SOURCE_DIMENSION_NAMES = SOURCE_DIMENSIONS;

/** True only when A and B are the same type; a `false` here fails the typecheck. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Answer<T extends (...args: never[]) => unknown> = Awaited<ReturnType<T>>;

// Each schema against the type the server answers with.
const same: Record<string, true> = {
  counts: true satisfies Same<z.output<typeof countsSchema>, CountsPayload>,
  site: true satisfies Same<z.output<typeof siteAnswerSchema>, Site>,
  history: true satisfies Same<z.output<typeof historyRowsSchema>, Answer<Counter['history']>>,
  pages: true satisfies Same<z.output<typeof topPagesSchema>, Answer<Counter['readTopPages']>>,
  sources: true satisfies Same<z.output<typeof sourcesSchema>, Answer<Counter['readSources']>>,
  paths: true satisfies Same<z.output<typeof pathUsageSchema>, Answer<Counter['pathUsage']>>,
  dayRefused: true satisfies Same<NonNullable<z.output<typeof dayDetailSchema>['refused']>, Answer<Counter['readDayDetail']>['refused']>,
  health: true satisfies Same<z.output<typeof readinessSchema>['connection'] | z.output<typeof readinessSchema>['writer'], Answer<Counter['health']>['connection'] | Answer<Counter['health']>['writer']>,
  historyImport: true satisfies Same<z.output<typeof historyImportSchema>, HistoryImportResult>,
  pageImport: true satisfies Same<z.output<typeof pageImportSchema>, PageBaselineResult>,
  key: true satisfies Same<z.output<typeof keySchema>, KeyInfo>,
  createdKey: true satisfies Same<z.output<typeof createdKeySchema>, Answer<KeyAdmin['create']>>,
  audit: true satisfies Same<z.output<typeof auditEntrySchema>[], Answer<AuditTrail['read']>>,
};
void same;
