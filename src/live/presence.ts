/**
 * Presence of open live connections: each keeps its visitor online through heartbeats, sent
 * for all connections of a site at once. A closed connection simply stops being refreshed and
 * its visitor drops out within the online window.
 */
import type { Counter } from '../counting/counter.js';

export class Presence {
  /** site → online id → open connections with that id. */
  private readonly open = new Map<string, Map<string, number>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly counter: Counter,
    private readonly onlineWindowMs: number,
  ) {}

  /** Heartbeats often enough that an open connection never falls out of the window. */
  get heartbeatMs(): number {
    return Math.max(250, Math.min(Math.floor(this.onlineWindowMs / 3), 20_000));
  }

  add(site: string, onlineId: string): void {
    let ids = this.open.get(site);
    if (!ids) this.open.set(site, (ids = new Map()));
    ids.set(onlineId, (ids.get(onlineId) ?? 0) + 1);
    this.counter.touchOnline(site, [onlineId]);
  }

  remove(site: string, onlineId: string): void {
    const ids = this.open.get(site);
    const n = ids?.get(onlineId) ?? 0;
    if (n > 1) ids?.set(onlineId, n - 1);
    else ids?.delete(onlineId);
    if (ids?.size === 0) this.open.delete(site);
  }

  start(): void {
    this.timer = setInterval(() => {
      for (const [site, ids] of this.open) this.counter.touchOnline(site, ids.keys());
    }, this.heartbeatMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
