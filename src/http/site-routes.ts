/**
 * One site's reports and imports: history (by day, month or year), top pages, a day in detail,
 * where views came from, path usage against the caps, history and page-baseline imports.
 * Mounted twice: at `/api/v1/admin/sites/:site` behind the admin token, and at
 * `/api/v1/sites/:site` for the admin token or the site owner's key (or nothing, for a public
 * site's reads). `req.params.site` names the site.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { addDays } from '../counting/calendar.js';
import type { Counter } from '../counting/counter.js';
import type { Site } from '../counting/site.js';
import { SOURCE_DIMENSIONS } from '../counting/sources/dimensions.js';
import { FootfallError } from '../errors.js';
import type { Grant, Need } from '../ops/access.js';
import type { HistoryImport } from '../ops/history-import.js';
import { parsePageCsv, parsePageJson, type PageBaselines } from '../ops/page-baselines.js';
import { dateSchema, fileBody, flagSchema, query } from './request-input.js';

export interface SiteRoutesDependencies {
  counter: Counter;
  historyImport: HistoryImport;
  pageBaselines: PageBaselines;
  /** What the request may do on `site`; throws the catalogue's refusal. */
  grant(req: Request, site: Site, need: Need): Promise<Grant>;
}

const MAX_HISTORY_DAYS = 3_660;
/** Grouped, the range may span what footfall keeps: a century. */
const MAX_GROUPED_DAYS = 36_600;

/** `limit=`: how many rows, from 1 to `most`. */
const limitSchema = (most: number, fallback: number) => z.coerce.number().int().min(1).max(most).default(fallback);

// The queries of these routes, exported so that docs/openapi.json describes what is checked here.
export const historyQuerySchema = z.object({ from: dateSchema.optional(), to: dateSchema.optional(), group: z.enum(['day', 'month', 'year']).default('day') });
export const pagesQuerySchema = z.object({ date: dateSchema.optional(), limit: limitSchema(1000, 20) });
export const dayQuerySchema = z.object({ date: dateSchema.optional() });
export const sourcesQuerySchema = z.object({
  dim: z.enum(SOURCE_DIMENSIONS, { message: `must be one of ${SOURCE_DIMENSIONS.join(', ')}` }),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  limit: limitSchema(1000, 20),
});
export const importQuerySchema = z.object({ dryRun: flagSchema.default(false) });

export function siteRoutes(deps: SiteRoutesDependencies): Router {
  const router = express.Router({ mergeParams: true });
  const { counter } = deps;
  /** The site asked about, once the request may do `need` there (the grant kept in `res.locals`). */
  const site = async (req: Request, res: Response, need: Need = 'read'): Promise<Site> => {
    const found = counter.requireSite(String(req.params.site));
    res.locals.grant = await deps.grant(req, found, need);
    return found;
  };
  const grantOf = (res: Response) => res.locals.grant as Grant | undefined;
  /** Who asked, for the audit trail: `key:<id>` or `api:<address>`. */
  const actor = (req: Request, res: Response) => {
    const grant = grantOf(res);
    return grant?.by === 'key' ? `key:${grant.key.id}` : `api:${req.ip ?? 'unknown'}`;
  };

  router.get('/history', async (req, res) => {
    const found = await site(req, res);
    const { from, to, group } = query(historyQuerySchema, req.query);
    const end = to ?? counter.today(found);
    const start = from ?? addDays(end, -29);
    const most = group === 'day' ? MAX_HISTORY_DAYS : MAX_GROUPED_DAYS;
    if (start > end) throw new FootfallError('invalid_query', 'from must not be after to.');
    if (start < addDays(end, -most)) throw new FootfallError('invalid_query', `Ask for at most ${most} days at once.`);
    res.json(await counter.history(found, start, end, group));
  });

  router.get('/pages', async (req, res) => {
    const found = await site(req, res);
    const { date, limit } = query(pagesQuerySchema, req.query);
    res.json(await counter.readTopPages(found, date ?? counter.today(found), limit));
  });

  router.get('/day', async (req, res) => {
    const found = await site(req, res);
    const { date } = query(dayQuerySchema, req.query);
    const day = date ?? counter.today(found);
    const { hours, refused } = await counter.readDayDetail(found, day);
    // A public dashboard shows figures, not what was refused and why.
    res.json(grantOf(res)?.by === 'public' ? { date: day, hours } : { date: day, hours, refused });
  });

  router.get('/sources', async (req, res) => {
    const found = await site(req, res);
    const { dim, from, to, limit } = query(sourcesQuerySchema, req.query);
    const end = to ?? counter.today(found);
    const start = from ?? end;
    if (start > end) throw new FootfallError('invalid_query', 'from must not be after to.');
    if (start < addDays(end, -MAX_HISTORY_DAYS)) throw new FootfallError('invalid_query', `Ask for at most ${MAX_HISTORY_DAYS} days at once.`);
    res.json(await counter.readSources(found, dim, start, end, limit));
  });

  router.get('/paths', async (req, res) => {
    res.json(await counter.pathUsage(await site(req, res)));
  });

  router.post('/history', fileBody('history', 'date,views[,visitors]'), async (req, res) => {
    const found = await site(req, res, 'import');
    const { dryRun } = query(importQuerySchema, req.query);
    const csv = typeof req.body === 'string' ? req.body : '';
    res.json(await deps.historyImport.run(found, csv, { dryRun, actor: actor(req, res) }));
  });

  router.put('/pages', fileBody('page file', 'path,views', { json: true }), async (req, res) => {
    const found = await site(req, res, 'import');
    const { dryRun } = query(importQuerySchema, req.query);
    const parsed = typeof req.body === 'string' ? parsePageCsv(req.body, found.pageQuery) : parsePageJson(req.body, found.pageQuery);
    res.json(await deps.pageBaselines.run(found, parsed, { dryRun, actor: actor(req, res) }));
  });

  return router;
}
