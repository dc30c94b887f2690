/**
 * Change notices within one process, for the stores that one process owns (`memory:`,
 * `sqlite:`): every widget of such a store is held by the process that writes its hits. Every
 * notice reaches every listener, watched or not: an in-process notice costs next to nothing.
 */
import { EventEmitter } from 'node:events';
import type { ChangeFeed } from './store.js';

export class LocalChangeFeed implements ChangeFeed {
  private readonly emitter = new EventEmitter();

  publish(sites: readonly string[]): void {
    if (sites.length > 0) this.emitter.emit('changed', sites);
  }

  async subscribe(listener: (sites: readonly string[]) => void): Promise<void> {
    this.emitter.on('changed', listener);
  }

  watch(): void {}

  unwatch(): void {}

  close(): void {
    this.emitter.removeAllListeners();
  }
}
