/**
 * Pushes `counts` to open widgets: once per push interval at most, per site, and only when a
 * figure changed. One store read per site per interval whatever the number of sockets — every
 * page any of its sockets follows is in that one read — and none for sites without
 * connections here. Sockets asking the same question share a room.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'socket.io';
import type { Counter } from '../counting/counter.js';
import { answer, pathsOf, type CountsCache, type PageAsk } from '../counting/counts-cache.js';
import type { CountsPayload } from '../counting/counts-payload.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { broadcast } from './broadcast.js';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from './events.js';

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface RoomWatch {
  ask: PageAsk;
  sockets: number;
  /** Figures last pushed there. */
  pushed?: string;
}

interface SiteWatch {
  /** Room → the question its sockets ask. */
  rooms: Map<string, RoomWatch>;
  /** A change notice arrived since the last read. */
  dirty: boolean;
  lastRead: number;
  /** A push due as soon as the interval since the last read allows. */
  timer?: NodeJS.Timeout;
}

/** Online figures fall without any hit, so a watched site is re-read at least this often. */
const MIN_REFRESH_MS = 2_000;

/** The room of the sockets of `site` that ask `ask`. */
export function roomOf(site: string, ask: PageAsk): string {
  if (ask === undefined) return `s:${site}`;
  if (typeof ask === 'string') return `p:${site}\n${ask}`;
  // A list of 50 paths would make a long name: its digest stands for it.
  return `q:${site}\n${createHash('sha256').update(ask.join('\n')).digest('base64url')}`;
}

/** The figures of a payload without its timestamp: equal when nothing a widget shows changed. */
function figuresOf(counts: CountsPayload): string {
  const { at: _at, ...figures } = counts;
  return JSON.stringify(figures);
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

  /** A socket of `site` asking `ask` joined `room`. */
  join(site: string, room: string, ask: PageAsk): void {
    let watch = this.watched.get(site);
    if (!watch) {
      this.watched.set(site, (watch = { rooms: new Map(), dirty: true, lastRead: 0 }));
      // Notices of other instances' writes come only for watched sites; the first read is due
      // at once (dirty), so a notice missed while the watch starts costs nothing.
      this.options.counter.watchSite(site);
    }
    let members = watch.rooms.get(room);
    if (!members) watch.rooms.set(room, (members = { ask, sockets: 0 }));
    members.sockets += 1;
    watch.dirty = true;
  }

  leave(site: string, room: string): void {
    const watch = this.watched.get(site);
    const members = watch?.rooms.get(room);
    if (!watch || !members) return;
    members.sockets -= 1;
    if (members.sockets <= 0) watch.rooms.delete(room);
    if (watch.rooms.size === 0) {
      clearTimeout(watch.timer);
      this.watched.delete(site);
      this.options.counter.unwatchSite(site);
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
    for (const [site, watch] of this.watched) {
      clearTimeout(watch.timer);
      this.options.counter.unwatchSite(site);
    }
    this.watched.clear();
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
    const rooms = [...watch.rooms];
    const paths = [...new Set(rooms.flatMap(([, room]) => pathsOf(room.ask)))];
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
    const asks = rooms.map(([, room]) => room.ask);
    this.options.cache.put(site, read, paths, asks);
    const views = new Map(paths.map((path, i) => [path, read.pages[i] ?? 0]));
    for (const [name, room] of rooms) {
      this.emit(room, name, answer(read.counts, room.ask, pathsOf(room.ask).map((path) => views.get(path) ?? 0)));
    }
  }

  private emit(room: RoomWatch, name: string, counts: CountsPayload): void {
    const figures = figuresOf(counts);
    if (room.pushed === figures) return;
    room.pushed = figures;
    void broadcast(this.options.io as unknown as Server, name, (target) => target.emit('counts', counts));
    this.options.metrics.pushes.inc();
  }
}
