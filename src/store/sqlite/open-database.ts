/**
 * Opens footfall's SQLite file, or refuses it. A file that already holds something is first
 * inspected through a read-only connection: one that is not footfall's, is damaged, or comes
 * from a newer footfall is never written to, truncated or renamed; the start stops instead.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StartupError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { APPLICATION_ID, SCHEMA_VERSION, createSchema, migrateSchema } from './schema.js';

/** How long a connection waits for another's write lock (a CLI beside the server, the batch worker). */
export const BUSY_TIMEOUT_MS = 5_000;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const ELSEWHERE = 'point FOOTFALL_STORE at another file (sqlite:PATH)';

interface Identity {
  applicationId: number;
  version: number;
  /** Names of the file's tables, for the message that refuses a foreign file. */
  tables: string[];
}

/**
 * The open, checked database with its schema in place: WAL journal, `synchronous=NORMAL` (a
 * committed batch survives a killed process, as the OS keeps it), a busy timeout for neighbours.
 * @throws StartupError naming the file, what is wrong with it and what to do.
 */
export function openDatabase(path: string, log: Logger): Database.Database {
  const file = resolve(path);
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new StartupError(`cannot create the directory of the store ${file}: ${messageOf(error)}; ${ELSEWHERE}`, { cause: error });
  }
  if (sizeOf(file) > 0) inspect(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StartupError(`cannot open the store ${file}: ${messageOf(error)}; ${ELSEWHERE}`, { cause: error });
  }
  try {
    // Checked again under the write lock, before anything is written (WAL mode included):
    // another process may have created the file meanwhile.
    const { created, from } = db.transaction(() => {
      const identity = identify(db);
      if (identity.tables.length === 0 && identity.applicationId === 0) {
        createSchema(db);
        return { created: true, from: SCHEMA_VERSION };
      }
      refuseForeign(file, identity);
      // An older footfall's file gets the newer tables in the same transaction, or stays as it was.
      migrateSchema(db, identity.version);
      return { created: false, from: identity.version };
    }).immediate();
    db.pragma('journal_mode = WAL');
    configureConnection(db);
    if (from < SCHEMA_VERSION) log.info({ file, from, to: SCHEMA_VERSION }, 'sqlite store upgraded to the current schema');
    log.info({ file, created, schema: SCHEMA_VERSION }, 'sqlite store opened');
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StartupError) throw error;
    throw new StartupError(`cannot prepare the store ${file}: ${messageOf(error)}; ${ELSEWHERE}`, { cause: error });
  }
}

/**
 * What every connection that writes needs (these settings are per connection, not kept in the
 * file): a committed batch survives a killed process, and deleted salts do not stay readable in
 * free pages of the file.
 */
export function configureConnection(db: Database.Database): void {
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
}

/** Read-only checks of a file that already holds bytes. */
function inspect(file: string): void {
  if (!readHeader(file).equals(SQLITE_HEADER)) {
    throw new StartupError(
      `${file} is not a footfall database: it is not an SQLite file at all. Footfall leaves it untouched; ${ELSEWHERE} or move this file away.`,
    );
  }
  const absent = ['-wal', '-shm'].map((suffix) => file + suffix).filter((sidecar) => !existsSync(sidecar));
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const identity = identify(db);
    if (identity.tables.length === 0 && identity.applicationId === 0) return;
    refuseForeign(file, identity);
    const problems = db.prepare<[], string>('PRAGMA quick_check(3)').pluck().all();
    if (problems.length !== 1 || problems[0] !== 'ok') {
      const found = problems.flatMap((problem) => problem.split('\n')).filter((line) => !line.startsWith('***'));
      throw new StartupError(
        `${file} is a damaged footfall database (quick_check: ${found.join('; ')}). Footfall leaves it untouched; restore it from a backup, or ${ELSEWHERE}.`,
      );
    }
  } catch (error) {
    db?.close();
    db = undefined;
    removeEmpty(absent);
    if (error instanceof StartupError) throw error;
    throw new StartupError(
      `${file} cannot be read as a footfall database (${messageOf(error)}): it may be damaged. Footfall leaves it untouched; restore it from a backup, or ${ELSEWHERE}.`,
      { cause: error },
    );
  } finally {
    db?.close();
  }
}

/**
 * A read-only look at a WAL-mode file leaves an empty -wal and a -shm behind; a refused file
 * gets nothing added next to it. Only files that were absent before, and hold no log, go.
 */
function removeEmpty(created: string[]): void {
  for (const sidecar of created) {
    try {
      if (sidecar.endsWith('-shm') || statSync(sidecar).size === 0) rmSync(sidecar, { force: true });
    } catch {
      // Never created, or already gone: nothing to tidy.
    }
  }
}

/** Throws unless the identity is footfall's, at a schema version this code can use. */
function refuseForeign(file: string, { applicationId, version, tables }: Identity): void {
  if (applicationId !== APPLICATION_ID) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
    const whose =
      applicationId !== 0 ? `it belongs to another application, application_id ${applicationId}`
      : `it holds tables of another application: ${shown}`;
    throw new StartupError(`${file} is not a footfall database (${whose}). Footfall never writes to it; ${ELSEWHERE}.`);
  }
  if (version > SCHEMA_VERSION) {
    throw new StartupError(
      `${file} was written by a newer footfall (schema version ${version}; this version knows ${SCHEMA_VERSION}). Upgrade footfall, or ${ELSEWHERE}.`,
    );
  }
  // A footfall file always gets its schema and version in one transaction.
  if (version < 1 || tables.length === 0) {
    throw new StartupError(`${file} is marked as footfall's but has no footfall schema (version ${version}). Restore it from a backup, or ${ELSEWHERE}.`);
  }
}

function identify(db: Database.Database): Identity {
  return {
    applicationId: db.pragma('application_id', { simple: true }) as number,
    version: db.pragma('user_version', { simple: true }) as number,
    tables: db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all(),
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new StartupError(`cannot read the store ${file}: ${messageOf(error)}; ${ELSEWHERE}`, { cause: error });
  }
}

function readHeader(file: string): Buffer {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } catch (error) {
    throw new StartupError(`cannot read the store ${file}: ${messageOf(error)}; ${ELSEWHERE}`, { cause: error });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
