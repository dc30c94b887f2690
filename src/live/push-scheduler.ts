/**
 * Pushes `counts` to open widgets: once per push interval at most, per site, and only when a
 * figure changed. One store read per site per interval whatever the number of sockets (all the
 * site's page paths in that one read), and none for sites without connections here.
 */
import type { Server } from 'socket.io';
import type { Counter } from '../counting/counter.js';
import type { CountsCache } from '../counting/counts-cache.js';
import type { CountsPayload } from '../counting/counts-payload.js';
import { withPage } from '../counting/counts-reader.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { broadcast } from './broadcast.js';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from './events.js';

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface SiteWatch {
  /** Connections without a path, in the site room. */
  plain: number;
  /** Path → connections in that page's room. */
  paths: Map<string, number>;
  /** A change notice arrived since the last read. */
  dirty: boolean;
  lastRead: number;
  /** Room → figures last pushed there. */
  pushed: Map<string, string>;
  /** A push due as soon as the interval since the last read allows. */
  timer?: NodeJS.Timeout;
}

/** Online figures fall without any hit, so a watched site is re-read at least this often. */
const MIN_REFRESH_MS = 2_000;

export function siteRoom(site: string): string {
  return `s:${site}`;
}

export function pageRoom(site: string, path: string): string {
  return `p:${site}\n${path}`;
}

/** The figures of a payload without its timestamp: equal when nothing a widget shows changed. */
function figuresOf(counts: CountsPayload): string {
  return JSON.stringify([counts.online, counts.today, counts.week, counts.total, counts.page]);
}

export interface PushSchedulerOptions {
  io: LiveServer;
  counter: Counter;
  cache: CountsCache;
  intervalMs: number;
  log: Logger;
  metrics: Metrics;
  clock?: () => number;
}

export class PushScheduler {
  private readonly watched = new Map<string, SiteWatch>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private failing = false;
  private readonly clock: () => number;
  private readonly refreshMs: number;

  constructor(private readonly options: PushSchedulerOptions) {
    this.clock = options.clock ?? Date.now;
    this.refreshMs = Math.max(MIN_REFRESH_MS, 5 * options.intervalMs);
  }

  join(site: string, path: string | undefined): void {
    let watch = this.watched.get(site);
    if (!watch) this.watched.set(site, (watch = { plain: 0, paths: new Map(), dirty: true, lastRead: 0, pushed: new Map() }));
    if (path === undefined) watch.plain += 1;
    else watch.paths.set(path, (watch.paths.get(path) ?? 0) + 1);
    watch.dirty = true;
  }

  leave(site: string, path: string | undefined): void {
    const watch = this.watched.get(site);
    if (!watch) return;
    if (path === undefined) watch.plain -= 1;
    else {
      const n = (watch.paths.get(path) ?? 0) - 1;
      if (n > 0) watch.paths.set(path, n);
      else {
        watch.paths.delete(path);
        watch.pushed.delete(pageRoom(site, path));
      }
    }
    if (watch.plain <= 0 && watch.paths.size === 0) {
      clearTimeout(watch.timer);
      this.watched.delete(site);
    } else watch.dirty = true;
  }

  /** Change notices from any instance. */
  changed(sites: readonly string[]): void {
    for (const site of sites) {
      const watch = this.watched.get(site);
      if (!watch) continue;
      watch.dirty = true;
      // Push as soon as the last read is one interval old, not at the next tick.
      watch.timer ??= setTimeout(() => {
        watch.timer = undefined;
        if (this.watched.get(site) === watch) void this.push(site, watch, this.clock());
      }, Math.max(0, watch.lastRead + this.options.intervalMs - this.clock()));
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    for (const watch of this.watched.values()) clearTimeout(watch.timer);
  }

  /** Reads every watched site that changed (or is due for a refresh) and pushes what differs. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.clock();
      const due = [...this.watched].filter(
        ([, watch]) =>
          watch.timer === undefined && now - watch.lastRead >= (watch.dirty ? this.options.intervalMs : this.refreshMs),
      );
      await Promise.all(due.map(([site, watch]) => this.push(site, watch, now)));
    } finally {
      this.ticking = false;
    }
  }

  private async push(siteId: string, watch: SiteWatch, now: number): Promise<void> {
    const site = this.options.counter.site(siteId);
    if (!site) return;
    watch.dirty = false;
    watch.lastRead = now;
    const paths = [...watch.paths.keys()];
    let read;
    try {
      read = await this.options.counter.readCounts(site, paths);
    } catch (error) {
      watch.dirty = true;
      // Once per outage, not once per site per tick.
      if (!this.failing) this.options.log.warn({ err: error, site: siteId }, 'could not read counts for live pushes');
      this.failing = true;
      return;
    }
    this.failing = false;
    this.options.cache.put(site, read, paths);
    if (watch.plain > 0) this.emit(watch, siteRoom(siteId), read.counts);
    paths.forEach((path, i) => this.emit(watch, pageRoom(siteId, path), withPage(read.counts, path, read.pages[i] ?? 0)));
  }

  private emit(watch: SiteWatch, room: string, counts: CountsPayload): void {
    const figures = figuresOf(counts);
    if (watch.pushed.get(room) === figures) return;
    watch.pushed.set(room, figures);
    void broadcast(this.options.io as unknown as Server, room, (target) => target.emit('counts', counts));
    this.options.metrics.pushes.inc();
  }
}
