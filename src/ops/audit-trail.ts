/**
 * The audit trail: every change made through the admin API or the CLI is appended to the
 * store (readable back through `GET /api/v1/admin/audit`) and written to the log, so an
 * operator sees who changed what, before → after, in either place.
 */
import type { Logger } from '../log.js';
import type { AuditEntry, Store } from '../store/store.js';

export class AuditTrail {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    private readonly log?: Logger,
  ) {}

  /** Appends one entry; the log line is written only once the store has it. */
  async record(actor: string, action: string, site: string, before: unknown, after: unknown): Promise<AuditEntry> {
    const entry: AuditEntry = { at: new Date(this.clock()).toISOString(), actor, action, site, before, after };
    await this.store.appendAudit(entry);
    this.log?.info({ audit: entry }, `${action} ${site} by ${actor}`);
    return entry;
  }
}
