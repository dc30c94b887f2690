/**
 * The SiteDump as it arrives from a dump file: every field checked (zod at the edge), sketches
 * decoded once to prove they are Redis HyperLogLogs, so a bad line is refused before any store
 * is touched. A dump of footfall 0.1 (format version 1) has no months, years, candidate paths,
 * page baselines or sources: those fields default to none, and its all-time paths are earned ones.
 */
import { z } from 'zod';
import { siteSchema } from '../counting/site.js';
import { HyperLogLog } from '../store/hll/hyperloglog.js';
import type { SiteDump } from '../store/store.js';

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const time = z.number().finite();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' });
const figures = z.object({ views: count, visitors: count });
const paths = z.array(z.tuple([z.string(), count]));

const sketch = z.string().superRefine((value, ctx) => {
  try {
    HyperLogLog.fromBase64(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const day = z.object({
  date,
  views: count,
  visitors: count,
  hours: z.array(count).length(24),
  paths,
  sources: z.array(z.tuple([z.string().min(1).max(32), z.string().max(200), count, count])).default([]),
  refused: z.object({ bot: count, origin: count, rate_limit: count, invalid: count }),
  imported: figures,
  keepUntil: time,
  sketch: sketch.optional(),
  sketchUntil: time.optional(),
});

const none = { views: 0, visitors: 0 };

const period = z.object({
  kind: z.enum(['month', 'year']),
  label: z.string().regex(/^\d{4}(-\d{2})?$/, { message: 'must be a month YYYY-MM or a year YYYY' }),
  views: count,
  visitors: count,
  imported: figures.default(none),
  keepUntil: time,
  sketch: sketch.optional(),
  sketchUntil: time.optional(),
});

const candidate = z.object({ path: z.string(), views: count, earner: z.string().max(64), seen: time });

export const siteDumpSchema = z.object({
  site: siteSchema,
  days: z.array(day),
  weeks: z.array(z.object({ label: z.string().min(1), views: count, imported: figures.default(none), sketch, keepUntil: time })),
  periods: z.array(period).default([]),
  total: z.object({ views: count, sketch: sketch.optional(), paths, candidates: z.array(candidate).default([]), lastHit: time, imported: figures }),
  pageBaselines: paths.default([]),
  salts: z.array(z.object({ period: z.string().min(1), salt: z.string().min(1), expiresAt: time })),
}) satisfies z.ZodType<SiteDump, unknown>;
