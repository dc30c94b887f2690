/**
 * Change notices: after a flush, the sites whose figures changed. Every instance listens, so a
 * hit taken by one instance reaches the widgets of all. Local for single-machine stores; Redis
 * pub/sub when the store is Redis.
 */
import { EventEmitter } from 'node:events';

export interface ChangeFeed {
  publish(sites: string[]): void;
  subscribe(listener: (sites: string[]) => void): void;
  close(): Promise<void>;
}

/** For `memory:` and `sqlite:` — one process holds every widget. */
export class LocalChangeFeed implements ChangeFeed {
  private readonly emitter = new EventEmitter();

  publish(sites: string[]): void {
    if (sites.length > 0) this.emitter.emit('changed', sites);
  }

  subscribe(listener: (sites: string[]) => void): void {
    this.emitter.on('changed', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
