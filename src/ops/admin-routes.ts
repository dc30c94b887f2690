/**
 * The admin API (SPEC, admin endpoints): sites, history, top pages and the audit trail,
 * behind `Authorization: Bearer $FOOTFALL_ADMIN_TOKEN`. Without a configured token the routes
 * answer 404, as if they did not exist.
 */
import { compareText } from '../store/figures.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { addDays, localInstant } from '../counting/calendar.js';
import type { Counter } from '../counting/counter.js';
import { describeIssues, siteIdSchema, type Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { Store } from '../store/store.js';
import { SiteAdmin } from './site-admin.js';

export interface AdminDependencies {
  counter: Counter;
  store: Store;
  adminToken?: string;
  clock?: () => number;
}

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' });
const MAX_HISTORY_DAYS = 3_660;

/** Compares digests so the time taken says nothing about the token. */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function query<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new FootfallError('invalid_query', `The query is not valid: ${describeIssues(result.error)}.`);
  return result.data;
}

export function adminRoutes(deps: AdminDependencies): Router {
  const router = express.Router();
  const clock = deps.clock ?? Date.now;
  const admin = new SiteAdmin(deps.counter, deps.store, clock);

  router.use((req: Request, _res: Response, next: NextFunction) => {
    if (!deps.adminToken) return next(new FootfallError('not_found'));
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !tokenMatches(deps.adminToken, token)) return next(new FootfallError('unauthorized'));
    next();
  });

  const site = (req: Request): Site => {
    const id = String(req.params.site);
    const found = deps.counter.sites.get(id);
    if (!found) throw new FootfallError('unknown_site', `There is no site "${id}".`);
    return found;
  };
  const actor = (req: Request) => `api:${req.ip ?? 'unknown'}`;

  router.get('/sites', (_req, res) => {
    res.json(deps.counter.sites.all().sort((a, b) => compareText(a.id, b.id)));
  });

  router.put('/sites/:site', express.json({ limit: '64kb' }), async (req, res) => {
    const id = siteIdSchema.safeParse(req.params.site);
    if (!id.success) throw new FootfallError('invalid_settings', `site: ${describeIssues(id.error)}.`);
    const { site: saved, created } = await admin.put(id.data, req.body, actor(req));
    res.status(created ? 201 : 200).json(saved);
  });

  router.delete('/sites/:site', async (req, res) => {
    await admin.remove(site(req), actor(req));
    res.status(204).end();
  });

  router.get('/sites/:site/history', async (req, res) => {
    const found = site(req);
    const today = localInstant(clock(), found.timezone).date;
    const { from, to } = query(
      z.object({ from: dateSchema.optional(), to: dateSchema.optional() }),
      req.query,
    );
    const end = to ?? today;
    const start = from ?? addDays(end, -29);
    if (start > end) throw new FootfallError('invalid_query', 'from must not be after to.');
    if (start < addDays(end, -MAX_HISTORY_DAYS)) throw new FootfallError('invalid_query', `Ask for at most ${MAX_HISTORY_DAYS} days at once.`);
    res.json(await deps.counter.history(found, start, end));
  });

  router.get('/sites/:site/pages', async (req, res) => {
    const found = site(req);
    const { date, limit } = query(
      z.object({ date: dateSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(20) }),
      req.query,
    );
    res.json(await deps.store.readTopPages(found.id, date ?? localInstant(clock(), found.timezone).date, limit));
  });

  router.get('/audit', async (req, res) => {
    const { limit } = query(z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) }), req.query);
    res.json(await deps.store.readAudit(limit));
  });

  return router;
}
