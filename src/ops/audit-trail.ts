/**
 * The audit trail: every change made through the admin API or the CLI is appended to the
 * store (readable back through `GET /api/v1/admin/audit`) and written to the log, so an
 * operator sees who changed what, before → after, in either place. It holds no counting rule,
 * so it is kept by the store directly, like whole-site dumps (store-dump.ts).
 */
import type { Logger } from '../log.js';
import type { AuditEntry, Store } from '../store/store.js';

export class AuditTrail {
  /** `log`, when given, also receives every entry (who, what, before → after). */
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    private readonly log?: Logger,
  ) {}

  /** The newest `limit` entries, newest first. */
  read(limit: number): Promise<AuditEntry[]> {
    return this.store.readAudit(limit);
  }

  /** Appends one entry; the log line is written only once the store has it. */
  async record(actor: string, action: string, site: string, before: unknown, after: unknown): Promise<AuditEntry> {
    const entry: AuditEntry = { at: new Date(this.clock()).toISOString(), actor, action, site, before, after };
    await this.store.appendAudit(entry);
    this.log?.info({ audit: entry }, `${action} ${site} by ${actor}`);
    return entry;
  }
}
