/**
 * One site's reports and imports: history (by day, month or year), top pages, a day in detail,
 * path usage against the caps, history and page-baseline imports. Mounted behind the admin
 * token at `/api/v1/admin/sites/:site`; `req.params.site` names the site.
 */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { addDays } from '../counting/calendar.js';
import type { Counter } from '../counting/counter.js';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { HistoryImport } from '../ops/history-import.js';
import { parsePageCsv, parsePageJson, type PageBaselines } from '../ops/page-baselines.js';
import { dateSchema, fileBody, flagSchema, query } from './request-input.js';

export interface SiteRoutesDependencies {
  counter: Counter;
  historyImport: HistoryImport;
  pageBaselines: PageBaselines;
  /** Who asks, for the audit trail. */
  actor(req: Request): string;
}

const MAX_HISTORY_DAYS = 3_660;
/** Grouped, the range may span what footfall keeps: a century. */
const MAX_GROUPED_DAYS = 36_600;

export function siteRoutes(deps: SiteRoutesDependencies): Router {
  const router = express.Router({ mergeParams: true });
  const { counter } = deps;
  const site = (req: Request): Site => counter.requireSite(String(req.params.site));

  router.get('/history', async (req, res) => {
    const found = site(req);
    const { from, to, group } = query(
      z.object({ from: dateSchema.optional(), to: dateSchema.optional(), group: z.enum(['day', 'month', 'year']).default('day') }),
      req.query,
    );
    const end = to ?? counter.today(found);
    const start = from ?? addDays(end, -29);
    const most = group === 'day' ? MAX_HISTORY_DAYS : MAX_GROUPED_DAYS;
    if (start > end) throw new FootfallError('invalid_query', 'from must not be after to.');
    if (start < addDays(end, -most)) throw new FootfallError('invalid_query', `Ask for at most ${most} days at once.`);
    res.json(await counter.history(found, start, end, group));
  });

  router.get('/pages', async (req, res) => {
    const found = site(req);
    const { date, limit } = query(
      z.object({ date: dateSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(20) }),
      req.query,
    );
    res.json(await counter.readTopPages(found, date ?? counter.today(found), limit));
  });

  router.get('/day', async (req, res) => {
    const found = site(req);
    const { date } = query(z.object({ date: dateSchema.optional() }), req.query);
    const day = date ?? counter.today(found);
    res.json({ date: day, ...(await counter.readDayDetail(found, day)) });
  });

  router.get('/paths', async (req, res) => {
    res.json(await counter.pathUsage(site(req)));
  });

  router.post('/history', fileBody('history', 'date,views[,visitors]'), async (req, res) => {
    const found = site(req);
    const { dryRun } = query(z.object({ dryRun: flagSchema.default(false) }), req.query);
    const csv = typeof req.body === 'string' ? req.body : '';
    res.json(await deps.historyImport.run(found, csv, { dryRun, actor: deps.actor(req) }));
  });

  router.put('/pages', fileBody('page file', 'path,views', { json: true }), async (req, res) => {
    const found = site(req);
    const { dryRun } = query(z.object({ dryRun: flagSchema.default(false) }), req.query);
    const parsed = typeof req.body === 'string' ? parsePageCsv(req.body, found.pageQuery) : parsePageJson(req.body, found.pageQuery);
    res.json(await deps.pageBaselines.run(found, parsed, { dryRun, actor: deps.actor(req) }));
  });

  return router;
}
