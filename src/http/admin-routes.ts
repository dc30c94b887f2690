/**
 * The admin API (docs/operators.md): sites, history, top pages, a day's detail, history import
 * and the audit trail, behind `Authorization: Bearer $FOOTFALL_ADMIN_TOKEN`. Without a
 * configured token the routes answer 404, as if they did not exist.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Counter } from '../counting/counter.js';
import { describeIssues, siteIdSchema, type Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { Access } from '../ops/access.js';
import type { AuditTrail } from '../ops/audit-trail.js';
import type { HistoryImport } from '../ops/history-import.js';
import type { KeyAdmin } from '../ops/keys.js';
import type { PageBaselines } from '../ops/page-baselines.js';
import type { SiteAdmin } from '../ops/site-admin.js';
import { hasBody, query } from './request-input.js';
import { siteRoutes } from './site-routes.js';

export interface AdminDependencies {
  counter: Counter;
  sites: SiteAdmin;
  historyImport: HistoryImport;
  pageBaselines: PageBaselines;
  audit: AuditTrail;
  keys: KeyAdmin;
  access: Access;
}

/** `GET /audit?limit=`: the newest entries, as many as the trail keeps at most. */
export const auditQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) });

/** The bodies these routes take as JSON; larger ones are refused `body_too_large`. */
export const ADMIN_JSON_LIMIT = '64kb';

/** The admin routes, mounted at `/api/v1/admin`. */
export function adminRoutes(deps: AdminDependencies): Router {
  const router = express.Router();
  const { counter } = deps;

  // Admin routes never take a site owner's key.
  router.use((req: Request, _res: Response, next: NextFunction) => {
    deps.access.admin(req.headers.authorization, req.ip ?? '');
    next();
  });

  const site = (req: Request): Site => counter.requireSite(String(req.params.site));
  const actor = (req: Request) => `api:${req.ip ?? 'unknown'}`;

  router.get('/sites', (_req, res) => {
    res.json(counter.listSites());
  });

  router.put('/sites/:site', express.json({ limit: ADMIN_JSON_LIMIT }), async (req, res) => {
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

  router.use('/sites/:site', siteRoutes({ counter, historyImport: deps.historyImport, pageBaselines: deps.pageBaselines, grant: async () => ({ by: 'admin' }) }));

  router.post('/keys', express.json({ limit: ADMIN_JSON_LIMIT }), async (req, res) => {
    if (req.body === undefined && hasBody(req)) throw new FootfallError('unsupported_media_type', 'Send the key as application/json: {"sites": [...], "scope": "read"}.');
    res.status(201).json(await deps.keys.create(req.body, actor(req)));
  });

  router.get('/keys', async (_req, res) => {
    res.json(await deps.keys.list());
  });

  router.delete('/keys/:id', async (req, res) => {
    await deps.keys.revoke(String(req.params.id), actor(req));
    res.status(204).end();
  });

  router.get('/audit', async (req, res) => {
    const { limit } = query(auditQuerySchema, req.query);
    res.json(await deps.audit.read(limit));
  });

  return router;
}
