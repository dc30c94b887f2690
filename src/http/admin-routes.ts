/**
 * The admin API (docs/operators.md): sites, history, top pages, a day's detail, history import
 * and the audit trail, behind `Authorization: Bearer $FOOTFALL_ADMIN_TOKEN`. Without a
 * configured token the routes answer 404, as if they did not exist.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { addDays } from '../counting/calendar.js';
import type { Counter } from '../counting/counter.js';
import { describeIssues, siteIdSchema, type Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import { tokenMatches } from '../ops/access.js';
import type { AuditTrail } from '../ops/audit-trail.js';
import type { HistoryImport } from '../ops/history-import.js';
import type { SiteAdmin } from '../ops/site-admin.js';

export interface AdminDependencies {
  counter: Counter;
  sites: SiteAdmin;
  historyImport: HistoryImport;
  audit: AuditTrail;
  adminToken?: string;
}

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' });
const MAX_HISTORY_DAYS = 3_660;
/** A history file of 40,000 days is about 1 MB. */
const MAX_CSV_BYTES = 2 * 1024 * 1024;

function query<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new FootfallError('invalid_query', `The query is not valid: ${describeIssues(result.error)}.`);
  return result.data;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

const flagSchema = z.enum(['1', '0', 'true', 'false']).transform((value) => value === '1' || value === 'true');

/** `text/csv` (or `text/plain`) up to MAX_CSV_BYTES, with errors that name this route's limits. */
function csvBody(): RequestHandler {
  const parse = express.text({ type: () => true, limit: MAX_CSV_BYTES });
  return (req, res, next) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/csv' && type !== 'text/plain') {
      return next(new FootfallError('unsupported_media_type', 'Send the history as text/csv: rows date,views[,visitors].'));
    }
    parse(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new FootfallError('body_too_large', `The history file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MiB; send it in parts.`));
      }
      next(error);
    });
  };
}

/** The admin routes, mounted at `/api/v1/admin`. */
export function adminRoutes(deps: AdminDependencies): Router {
  const router = express.Router();
  const { counter } = deps;

  router.use((req: Request, _res: Response, next: NextFunction) => {
    if (!deps.adminToken) return next(new FootfallError('not_found'));
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !tokenMatches(deps.adminToken, token)) return next(new FootfallError('unauthorized'));
    next();
  });

  const site = (req: Request): Site => counter.requireSite(String(req.params.site));
  const actor = (req: Request) => `api:${req.ip ?? 'unknown'}`;

  router.get('/sites', (_req, res) => {
    res.json(counter.listSites());
  });

  router.put('/sites/:site', express.json({ limit: '64kb' }), async (req, res) => {
    const id = siteIdSchema.safeParse(req.params.site);
    if (!id.success) throw new FootfallError('invalid_settings', `site: ${describeIssues(id.error)}.`);
    // `curl -d` without a JSON type would otherwise save the defaults and answer success.
    if (req.body === undefined && hasBody(req)) throw new FootfallError('unsupported_media_type', 'Send the settings as application/json.');
    const { site: saved, created } = await deps.sites.put(id.data, req.body, actor(req));
    res.status(created ? 201 : 200).json(saved);
  });

  router.delete('/sites/:site', async (req, res) => {
    await deps.sites.remove(site(req), actor(req));
    res.status(204).end();
  });

  router.get('/sites/:site/history', async (req, res) => {
    const found = site(req);
    const today = counter.today(found);
    const { from, to } = query(
      z.object({ from: dateSchema.optional(), to: dateSchema.optional() }),
      req.query,
    );
    const end = to ?? today;
    const start = from ?? addDays(end, -29);
    if (start > end) throw new FootfallError('invalid_query', 'from must not be after to.');
    if (start < addDays(end, -MAX_HISTORY_DAYS)) throw new FootfallError('invalid_query', `Ask for at most ${MAX_HISTORY_DAYS} days at once.`);
    res.json(await counter.history(found, start, end));
  });

  router.get('/sites/:site/pages', async (req, res) => {
    const found = site(req);
    const { date, limit } = query(
      z.object({ date: dateSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(20) }),
      req.query,
    );
    res.json(await counter.readTopPages(found, date ?? counter.today(found), limit));
  });

  router.get('/sites/:site/day', async (req, res) => {
    const found = site(req);
    const { date } = query(z.object({ date: dateSchema.optional() }), req.query);
    const day = date ?? counter.today(found);
    res.json({ date: day, ...(await counter.readDayDetail(found, day)) });
  });

  router.post('/sites/:site/history', csvBody(), async (req, res) => {
    const found = site(req);
    const { dryRun } = query(z.object({ dryRun: flagSchema.default(false) }), req.query);
    const csv = typeof req.body === 'string' ? req.body : '';
    res.json(await deps.historyImport.run(found, csv, { dryRun, actor: actor(req) }));
  });

  router.get('/audit', async (req, res) => {
    const { limit } = query(z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }), req.query);
    res.json(await deps.audit.read(limit));
  });

  return router;
}
