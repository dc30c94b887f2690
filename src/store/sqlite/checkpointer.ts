/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses its threshold, and its writes and fsyncs hold every request behind that commit for as
 * long as the disk takes (a batch's commit of 1–2 ms took up to 33 ms here). A worker thread with
 * its own connection checkpoints instead, PASSIVE: it never waits for the writer, nor makes it
 * wait. Should the worker fail, the connection goes back to automatic checkpoints, so the WAL
 * never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../log.js';

/** How often the worker checkpoints; at 20 flushes a second the WAL stays within a few MB. */
export const CHECKPOINT_INTERVAL_MS = 1_000;
/** SQLite's own default, restored when the worker is gone. */
const AUTOMATIC_CHECKPOINT_PAGES = 1_000;

/**
 * CommonJS, evaluated in the worker: the driver is required by the path resolved here, so the
 * worker finds it wherever the process was started from.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    clearInterval(timer);
    db.close();
    throw error;
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker; the caller's connection then checkpoints as it closes. */
  close(): Promise<void>;
}

/** Checkpoints `db`'s file from a worker, every `intervalMs`; nothing to do for a database without a WAL. */
export function startCheckpointer(db: Database, log: Logger, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return { close: async () => undefined };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: db.name, intervalMs } });
  // A CLI run ends when its work does, with or without the worker.
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let closing = false;
  let fellBack = false;
  const fallBack = (reason: unknown) => {
    if (closing || fellBack || !db.open) return;
    fellBack = true;
    log.warn({ err: reason, file: db.name }, 'sqlite checkpoint worker stopped; checkpoints run in the writing connection again');
    db.pragma(`wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
  };
  worker.once('error', fallBack);
  worker.once('exit', (code) => fallBack(new Error(`the worker exited with code ${code}`)));
  return {
    async close() {
      closing = true;
      // Held until it has closed its connection: otherwise a process with nothing else to do
      // would end while waiting for it.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
