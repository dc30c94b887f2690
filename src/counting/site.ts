/**
 * A site and its settings, validated wherever they enter (admin API, sites file, CLI, store
 * dumps). An invalid value is refused with the field named.
 */
import { z } from 'zod';
import { isValidTimezone, type WeekStart } from './calendar.js';
import { SOURCE_DIMENSIONS, type SourceDimension } from './sources/dimensions.js';

export const SITE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A type, not an interface: a store keeps it as a JSON document (SiteRecord). */
export type Site = {
  id: string;
  /** Exact origins (`scheme://host[:port]`) allowed to send hits and open live connections. */
  origins: string[];
  /** IANA time zone name. */
  timezone: string;
  weekStart: WeekStart;
  /** Added to all-time figures, so a site moving from an old counter keeps its number. */
  baseline: { views: number; visitors: number };
  /** Query parameters that are part of a page's identity (`["id"]` for `/index.php?id=123`), in this order. */
  pageQuery: string[];
  /** Most distinct paths kept per local day and all-time; further paths count under `(other)`. */
  pathLimit: { day: number; total: number };
  /** The dimensions of where visitors come from that are kept; all of them unless switched off. */
  collect: SourceDimension[];
  /** Anyone may see the site's dashboard (`/s/<site>`) and reports, without a key. */
  public: boolean;
};

/** The path caps a site gets unless it says otherwise. */
export const DEFAULT_PATH_LIMIT = { day: 2_000, total: 10_000 } as const;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

// A check and an overwrite rather than a transform: the value stays a string, so the settings
// can be described as JSON Schema (docs/openapi.json) on the way in and out alike.
const origin = z
  .string()
  .refine((value) => normaliseOrigin(value) !== undefined, { error: (issue) => `"${String(issue.input)}" is not an origin like https://example.com` })
  .overwrite((value) => normaliseOrigin(value) ?? value);

const timezone = z
  .string()
  .refine(isValidTimezone, { message: 'is not an IANA time zone name such as Asia/Ho_Chi_Minh or UTC' });

const weekStart = z.union([z.literal(0), z.literal(1), z.literal(6)], {
  message: 'must be 1 (Monday), 0 (Sunday) or 6 (Saturday)',
});

const baseline = z.strictObject({ views: count.default(0), visitors: count.default(0) });

const origins = z.array(origin).max(100);

const pageQuery = z
  .array(z.string().regex(/^[A-Za-z0-9_.\-[\]]{1,64}$/, { message: 'must be query parameter names of 1–64 letters, digits, _ . - [ ]' }))
  .max(10)
  .refine((names) => new Set(names).size === names.length, { message: 'must not name a parameter twice' });

const pathLimit = z.strictObject({
  day: z.number().int().min(10).max(100_000).default(DEFAULT_PATH_LIMIT.day),
  total: z.number().int().min(10).max(1_000_000).default(DEFAULT_PATH_LIMIT.total),
});

const collect = z
  .array(z.enum(SOURCE_DIMENSIONS, { message: `must be dimensions among ${SOURCE_DIMENSIONS.join(', ')}` }))
  .refine((names) => new Set(names).size === names.length, { message: 'must not name a dimension twice' });

/** Settings as sent to `PUT /api/v1/admin/sites/:site` or listed in a sites file. */
export const siteSettingsSchema = z.strictObject({
  origins: origins.default([]),
  timezone: timezone.default('UTC'),
  weekStart: weekStart.default(1),
  baseline: baseline.default({ views: 0, visitors: 0 }),
  pageQuery: pageQuery.default([]),
  pathLimit: pathLimit.default({ ...DEFAULT_PATH_LIMIT }),
  collect: collect.default([...SOURCE_DIMENSIONS]),
  public: z.boolean({ message: 'must be true or false' }).default(false),
});

/** A change to a site's settings: fields left out keep their value. */
export const siteSettingsUpdateSchema = z
  .strictObject({ origins, timezone, weekStart, baseline, pageQuery, pathLimit, collect, public: z.boolean({ message: 'must be true or false' }) })
  .partial();

export const siteIdSchema = z
  .string()
  .regex(SITE_ID_PATTERN, { message: 'must be 1–63 lowercase letters, digits or dashes, not starting with a dash' });

export const siteSchema = siteSettingsSchema.extend({ id: siteIdSchema });

export type SiteSettingsInput = z.input<typeof siteSettingsSchema>;

/** `https://Example.com:443/path` → `https://example.com`; undefined when not an http(s) origin. */
export function normaliseOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  if (url.pathname !== '/' || url.search || url.hash) return undefined;
  return url.origin;
}

/** Turns a zod failure into one sentence that names the field, e.g. `timezone: is not …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
