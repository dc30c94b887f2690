/**
 * Creating, changing and removing sites, with every change written to the audit trail
 * (who, what, before → after). The admin API and the CLI both go through here.
 */
import type { Counter } from '../counting/counter.js';
import { describeIssues, siteSchema, siteSettingsUpdateSchema, type Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { AuditTrail } from './audit-trail.js';

export class SiteAdmin {
  constructor(
    private readonly counter: Counter,
    private readonly trail: AuditTrail,
  ) {}

  /** Creates or updates a site; throws `invalid_settings` naming the field. */
  async put(id: string, input: unknown, actor: string): Promise<{ site: Site; created: boolean }> {
    const update = siteSettingsUpdateSchema.safeParse(input ?? {});
    if (!update.success) throw new FootfallError('invalid_settings', `The site settings are not valid: ${describeIssues(update.error)}.`);
    const before = await this.counter.storedSite(id);
    // Fields left out keep their value; a new site gets the defaults.
    const site = siteSchema.parse({ ...(before ?? {}), ...update.data, id });
    await this.counter.putSite(site);
    await this.audit(actor, before ? 'site.update' : 'site.create', id, before ?? null, site);
    return { site, created: before === undefined };
  }

  async remove(site: Site, actor: string): Promise<void> {
    await this.counter.removeSite(site.id);
    await this.audit(actor, 'site.delete', site.id, site, null);
  }

  private async audit(actor: string, action: string, site: string, before: unknown, after: unknown): Promise<void> {
    await this.trail.record(actor, action, site, before, after);
  }
}
