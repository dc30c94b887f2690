/**
 * The sites every instance knows, read from the store and refreshed on a timer, so a site
 * added through another instance is served within one refresh. Lookups on the hot path are
 * synchronous map reads.
 */
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { Site } from './site.js';

export class SiteRegistry {
  private readonly store: Store;
  private readonly log: Logger;
  private sites = new Map<string, Site>();
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(sites: ReadonlyMap<string, Site>) => void>();

  constructor(store: Store, log: Logger) {
    this.store = store;
    this.log = log;
  }

  get(id: string): Site | undefined {
    return this.sites.get(id);
  }

  all(): Site[] {
    return [...this.sites.values()];
  }

  /** Calls `listener` after every refresh (e.g. to drop caches of removed sites). */
  onChange(listener: (sites: ReadonlyMap<string, Site>) => void): void {
    this.listeners.add(listener);
  }

  async refresh(): Promise<void> {
    const sites = await this.store.listSites();
    const next = new Map(sites.map((site) => [site.id, site]));
    const changed = next.size !== this.sites.size || sites.some((site) => JSON.stringify(site) !== JSON.stringify(this.sites.get(site.id)));
    if (!changed) return;
    this.sites = next;
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
}
