/**
 * Counts payloads per site (and per path), at most one push interval old, serialised once.
 * A thousand readers of one site cost the store one read per interval; concurrent misses
 * share one read. While the store does not answer, the last figures are served (a counter
 * showing slightly old numbers beats an error box); with none yet, `store_unavailable`.
 */
import { FootfallError } from '../errors.js';
import type { Counter } from './counter.js';
import type { CountsPayload } from './counts-payload.js';
import { withPage, type CountsRead } from './counts-reader.js';
import type { Site } from './site.js';

export interface CachedCounts {
  counts: CountsPayload;
  /** `counts` as JSON bytes, for responses. */
  body: Buffer;
}

interface Entry {
  at: number;
  value?: CachedCounts;
  pending?: Promise<CachedCounts>;
}

/** Past this many entries the oldest go: paths are the readers' choice. */
const MAX_ENTRIES = 10_000;

export class CountsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly counter: Counter,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The figures if they are fresh enough to serve, without waiting: the common case. */
  peek(site: Site, path?: string): CachedCounts | undefined {
    const entry = this.entries.get(path === undefined ? site.id : `${site.id}\n${path}`);
    return entry?.value && this.clock() - entry.at < this.maxAgeMs ? entry.value : undefined;
  }

  get(site: Site, path?: string): Promise<CachedCounts> {
    const key = path === undefined ? site.id : `${site.id}\n${path}`;
    const now = this.clock();
    const entry = this.entries.get(key);
    if (entry?.value && now - entry.at < this.maxAgeMs) return Promise.resolve(entry.value);
    if (entry?.pending) return entry.pending;
    const pending = this.counter.readCounts(site, path === undefined ? [] : [path]).then(
      (read) => this.store(key, now, pageCounts(read, path)),
      (error: unknown) => {
        const stale = this.entries.get(key)?.value;
        if (stale) {
          this.entries.set(key, { at: entry?.at ?? 0, value: stale });
          return stale;
        }
        this.entries.delete(key);
        throw new FootfallError('store_unavailable', 'The counter store is not answering; try again shortly.', { retryAfter: 5, cause: error });
      },
    );
    this.entries.set(key, { at: entry?.at ?? 0, value: entry?.value, pending });
    return pending;
  }

  /** Keeps figures read elsewhere (the live pushes) so readers reuse them. */
  put(site: Site, read: CountsRead, paths: string[]): void {
    const now = this.clock();
    this.store(site.id, now, read.counts);
    paths.forEach((path, i) => this.store(`${site.id}\n${path}`, now, withPage(read.counts, path, read.pages[i] ?? 0)));
  }

  /** Forgets a site, e.g. when it is removed. */
  forget(siteId: string): void {
    for (const key of this.entries.keys()) if (key === siteId || key.startsWith(`${siteId}\n`)) this.entries.delete(key);
  }

  private store(key: string, at: number, counts: CountsPayload): CachedCounts {
    const value = { counts, body: Buffer.from(JSON.stringify(counts)) };
    this.entries.delete(key);
    this.entries.set(key, { at, value });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}

function pageCounts(read: CountsRead, path: string | undefined): CountsPayload {
  return path === undefined ? read.counts : withPage(read.counts, path, read.pages[0] ?? 0);
}
