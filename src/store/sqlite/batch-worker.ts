/**
 * The thread that writes hit batches (see batch-applier.ts): its own connection to the file,
 * one BEGIN IMMEDIATE transaction per batch, as the store's own connection would run it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { RateTotals, SiteBatch } from '../store.js';
import { BatchWrites } from './batch-writes.js';
import { BUSY_TIMEOUT_MS, configureConnection } from './open-database.js';

export interface BatchRequest {
  id: number;
  batch: SiteBatch;
  now: number;
}

export type BatchReply = { id: number; totals: RateTotals } | { id: number; error: { message: string; code?: string } };

const port = parentPort;
if (!port) throw new Error('batch-worker.ts runs as a worker thread');
const db = new Database((workerData as { file: string }).file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
configureConnection(db);
// Its commits keep SQLite's automatic checkpoints, off the event loop here: the WAL stays bounded
// even should the checkpoint worker (checkpointer.ts) stop.
const writes = new BatchWrites(db);
const applyOnce = db.transaction((batch: SiteBatch, now: number) => writes.apply(batch, now));

// Until this arrives the store writes its batches itself.
port.postMessage('ready');
port.on('message', (message: BatchRequest | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: BatchReply;
  try {
    reply = { id: message.id, totals: applyOnce.immediate(message.batch, message.now) };
  } catch (error) {
    const { message: text, code } = error as Error & { code?: string };
    reply = { id: message.id, error: { message: String(text), code } };
  }
  port.postMessage(reply);
});
