/**
 * The store a CLI command works on — `--store URL`, else `FOOTFALL_STORE`, else the server's
 * default — with a counter over it for the rules that live above the store (calendar, baseline,
 * imported history) and the audited operator use-cases. The CLI is a composition root of its
 * own, so it builds them here as src/server.ts does for the server. The counter's timers are
 * never started: the CLI writes no hits.
 */
import { loadConfig, type Config } from '../config/config.js';
import type { Counter } from '../counting/counter.js';
import { createCounter } from '../counting/create-counter.js';
import { StartupError } from '../errors.js';
import type { Logger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { AuditTrail } from '../ops/audit-trail.js';
import { HistoryImport } from '../ops/history-import.js';
import { KeyAdmin } from '../ops/keys.js';
import { PageBaselines } from '../ops/page-baselines.js';
import { SiteAdmin } from '../ops/site-admin.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { CliError, EXIT, usageError, type CliIo } from './cli-io.js';

export interface OpenedStore {
  /** For whole-store moves (export, import), which work on the store as it is. */
  store: Store;
  counter: Counter;
  /** The operator use-cases, audited as `cli:<user>`. */
  sites: SiteAdmin;
  historyImport: HistoryImport;
  pageBaselines: PageBaselines;
  keys: KeyAdmin;
  config: Readonly<Config>;
  close(): Promise<void>;
}

/** The configuration with `--store` applied; an invalid variable is a usage error. */
export function cliConfig(io: CliIo, storeFlag: string | undefined): Readonly<Config> {
  try {
    return loadConfig({ ...io.env, ...(storeFlag === undefined ? {} : { FOOTFALL_STORE: storeFlag }) });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    throw usageError(storeFlag === undefined ? error.message : error.message.replace('FOOTFALL_STORE=', '--store '));
  }
}

/**
 * Opens the store for a command, with a counter whose site registry is loaded. Throws a
 * CliError (exit 1) naming the store when it cannot be opened or does not answer.
 */
export async function openStore(io: CliIo, storeFlag: string | undefined, log: Logger): Promise<OpenedStore> {
  const config = cliConfig(io, storeFlag);
  let store: Store;
  try {
    store = await createStore(config.store, { log });
  } catch (error) {
    throw new CliError(EXIT.failure, `could not open the store ${config.storeLabel}: ${(error as Error).message}`);
  }
  const counter = createCounter(config, store, log, createMetrics());
  try {
    await counter.refreshSites();
  } catch (error) {
    await store.close();
    throw new CliError(EXIT.failure, `the store ${config.storeLabel} did not answer: ${(error as Error).message}`);
  }
  const audit = new AuditTrail(store, Date.now, log.child({ module: 'admin' }));
  return {
    store,
    counter,
    sites: new SiteAdmin(counter, audit),
    historyImport: new HistoryImport(counter, audit),
    pageBaselines: new PageBaselines(counter, audit),
    keys: new KeyAdmin(store, audit, (id) => counter.site(id) !== undefined),
    config,
    async close() {
      await counter.close(Date.now());
      await store.close();
    },
  };
}

/** Runs `work` with the store open and closes it afterwards, whatever happens. */
export async function withStore<T>(io: CliIo, storeFlag: string | undefined, log: Logger, work: (opened: OpenedStore) => Promise<T>): Promise<T> {
  const opened = await openStore(io, storeFlag, log);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
