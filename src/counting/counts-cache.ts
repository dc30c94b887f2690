/**
 * Counts payloads per site and per page question, at most one push interval old, serialised
 * once. A thousand readers of one site cost the store one read per interval; concurrent misses
 * share one read. While the store does not answer, the last figures are served (a counter
 * showing slightly old numbers beats an error box); with none yet, `store_unavailable`.
 */
import { FootfallError } from '../errors.js';
import type { Counter } from './counter.js';
import type { CountsPayload } from './counts-payload.js';
import { withPage, withPages, type CountsRead } from './counts-reader.js';
import type { Site } from './site.js';

export interface CachedCounts {
  counts: CountsPayload;
  /** `counts` as JSON bytes, for responses. */
  body: Buffer;
}

/**
 * Which pages a reader asks about besides the site: none, one path (the payload gets `page`),
 * or a list of paths (it gets `pages`, in that order). Paths are page keys.
 */
export type PageAsk = undefined | string | readonly string[];

interface Entry {
  at: number;
  value?: CachedCounts;
  pending?: Promise<CachedCounts>;
}

/** Past this many entries the oldest go: paths are the readers' choice. */
const MAX_ENTRIES = 10_000;

/** The paths a question needs read, in its order. */
export function pathsOf(ask: PageAsk): readonly string[] {
  return ask === undefined ? [] : typeof ask === 'string' ? [ask] : ask;
}

/** The payload a question gets from one read of its paths (`views` in the order of `pathsOf(ask)`). */
export function answer(counts: CountsPayload, ask: PageAsk, views: readonly number[]): CountsPayload {
  if (ask === undefined) return counts;
  return typeof ask === 'string' ? withPage(counts, ask, views[0] ?? 0) : withPages(counts, ask, views);
}

function keyOf(site: Site, ask: PageAsk): string {
  if (ask === undefined) return site.id;
  return typeof ask === 'string' ? `${site.id}\n${ask}` : `${site.id}\n*\n${ask.join('\n')}`;
}

export class CountsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly counter: Counter,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The figures if they are fresh enough to serve, without waiting: the common case. */
  peek(site: Site, ask?: PageAsk): CachedCounts | undefined {
    const entry = this.entries.get(keyOf(site, ask));
    return entry?.value && this.clock() - entry.at < this.maxAgeMs ? entry.value : undefined;
  }

  get(site: Site, ask?: PageAsk): Promise<CachedCounts> {
    const key = keyOf(site, ask);
    const now = this.clock();
    const entry = this.entries.get(key);
    if (entry?.value && now - entry.at < this.maxAgeMs) return Promise.resolve(entry.value);
    if (entry?.pending) return entry.pending;
    const pending = this.counter.readCounts(site, [...pathsOf(ask)]).then(
      (read) => this.store(key, now, answer(read.counts, ask, read.pages)),
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

  /**
   * Keeps figures read elsewhere (the live pushes) so readers reuse them: the site's payload,
   * and each question of `asks` answered from `read`, whose pages are those of `paths`.
   */
  put(site: Site, read: CountsRead, paths: readonly string[], asks: Iterable<PageAsk> = []): void {
    const now = this.clock();
    this.store(site.id, now, read.counts);
    const views = new Map(paths.map((path, i) => [path, read.pages[i] ?? 0]));
    for (const ask of asks) {
      if (ask !== undefined) this.store(keyOf(site, ask), now, answer(read.counts, ask, pathsOf(ask).map((path) => views.get(path) ?? 0)));
    }
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
