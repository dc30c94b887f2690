/**
 * The sites every instance knows, read from the store and refreshed on a timer, so a site
 * added through another instance is served within one refresh. Lookups on the hot path are
 * synchronous map reads. Stored settings are read through the site schema, so a setting added
 * after a site was saved gets its default.
 */
import type { Logger } from '../log.js';
import { compareText } from '../store/ordering.js';
import type { SiteRecord, Store } from '../store/store.js';
import { siteSchema, type Site } from './site.js';

export class SiteRegistry {
  private sites = new Map<string, Site>();
  /** Every origin of every site → the sites listing it: live handshakes from any other are refused at once. */
  private origins = new Map<string, Site[]>();
  /** The stored JSON of each site, to tell a change from a refresh that found the same. */
  private stored = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(sites: ReadonlyMap<string, Site>) => void>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  get(id: string): Site | undefined {
    return this.sites.get(id);
  }

  /** True when `origin` is one of some site's origins. */
  hasOrigin(origin: string): boolean {
    return this.origins.has(origin);
  }

  /** The sites that list `origin` (a page needing its site found from where it is: one, or it is ambiguous). */
  sitesOfOrigin(origin: string): readonly Site[] {
    return this.origins.get(origin) ?? [];
  }

  /** Every site, by id. */
  all(): Site[] {
    return [...this.sites.values()].sort((a, b) => compareText(a.id, b.id));
  }

  /** Calls `listener` after every refresh that changed something (e.g. to drop caches). */
  onChange(listener: (sites: ReadonlyMap<string, Site>) => void): void {
    this.listeners.add(listener);
  }

  async refresh(): Promise<void> {
    const records = await this.store.listSites();
    const stored = new Map(records.map((record) => [record.id, JSON.stringify(record)]));
    const changed = stored.size !== this.stored.size || [...stored].some(([id, json]) => this.stored.get(id) !== json);
    if (!changed) return;
    const sites = new Map<string, Site>();
    for (const record of records) {
      const site = this.read(record);
      if (site) sites.set(site.id, site);
    }
    this.stored = stored;
    this.sites = sites;
    this.origins = new Map();
    for (const site of sites.values()) {
      for (const origin of site.origins) this.origins.set(origin, [...(this.origins.get(origin) ?? []), site]);
    }
    for (const listener of this.listeners) listener(this.sites);
  }

  async put(site: Site): Promise<void> {
    await this.store.putSite(site);
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    await this.store.deleteSite(id);
    await this.refresh();
  }

  /** Refreshes every `intervalMs`; a failed refresh keeps the sites known so far. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.log.warn({ err: error }, 'could not refresh sites from the store'));
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** A stored site as its settings say; one that does not pass the schema is skipped, and said. */
  private read(record: SiteRecord): Site | undefined {
    const parsed = siteSchema.safeParse(record);
    if (parsed.success) return parsed.data;
    if (this.stored.get(record.id) === undefined || !this.sites.has(record.id)) {
      this.log.error({ site: record.id, issues: parsed.error.issues }, 'stored site settings are not valid; the site is not served');
    }
    return undefined;
  }
}
