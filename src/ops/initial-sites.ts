/**
 * Sites that exist from the start: those listed in `FOOTFALL_SITES_FILE`, and the `demo` site
 * a first run gets so that the demo page at `/` shows the counter working.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Counter } from '../counting/counter.js';
import { describeIssues, siteSchema } from '../counting/site.js';
import { StartupError } from '../errors.js';
import type { SiteAdmin } from './site-admin.js';

const DEMO_SITE = 'demo';

/** Creates or updates every site of the file; a bad file stops the start, naming the entry. */
export async function applySitesFile(file: string, counter: Counter, admin: SiteAdmin): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new StartupError(`FOOTFALL_SITES_FILE="${file}" could not be read as JSON: ${(error as Error).message}`);
  }
  const parsed = z.array(siteSchema).safeParse(json);
  if (!parsed.success) {
    throw new StartupError(`FOOTFALL_SITES_FILE="${file}" is not a JSON array of sites: ${describeIssues(parsed.error)}.`);
  }
  for (const { id, ...settings } of parsed.data) {
    const known = counter.site(id);
    if (known && JSON.stringify(known) === JSON.stringify({ ...known, ...settings })) continue;
    await admin.put(id, settings, 'sites-file');
  }
}

/**
 * With no site at all, creates `demo` for this server's own origins; a demo-only store gets
 * this port's origins added, so the demo page keeps counting after a port change.
 */
export async function ensureDemoSite(counter: Counter, admin: SiteAdmin, port: number): Promise<void> {
  const sites = counter.listSites();
  if (sites.length > 1 || (sites.length === 1 && sites[0]?.id !== DEMO_SITE)) return;
  const own = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const origins = [...new Set([...(sites[0]?.origins ?? []), ...own])];
  if (sites[0] && origins.length === sites[0].origins.length) return;
  await admin.put(DEMO_SITE, { origins }, 'first-run');
}
