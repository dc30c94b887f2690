/**
 * The SQLite file's layout. One row per site and period, figures as columns so a batch adds to
 * them with UPSERTs; HyperLogLogs as Redis' dense bytes, so a dump or a move to Redis takes them
 * as they are.
 */
import type { Database } from 'better-sqlite3';

/** `PRAGMA application_id` of a footfall file ("Foot"), so another program's file is refused. */
export const APPLICATION_ID = 0x466f6f74;

/** `PRAGMA user_version` this code writes; a newer file is refused rather than misread. */
export const SCHEMA_VERSION = 4;

/** Hours of a day that has none yet, as stored in `days.hours`. */
export const ZERO_HOURS = JSON.stringify(new Array<number>(24).fill(0));

// Sketch columns come last: a read of the figures before them never loads their overflow pages.
// Tables with a 12 KiB sketch keep their rowid (WITHOUT ROWID suits small rows only).
const SCHEMA_SQL = `
CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  settings TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE salts (
  site TEXT NOT NULL,
  period TEXT NOT NULL,
  salt TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (site, period)
) WITHOUT ROWID;
CREATE INDEX salts_by_expiry ON salts (expires_at);

CREATE TABLE days (
  site TEXT NOT NULL,
  date TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  hours TEXT NOT NULL,
  refused_bot INTEGER NOT NULL DEFAULT 0,
  refused_origin INTEGER NOT NULL DEFAULT 0,
  refused_rate_limit INTEGER NOT NULL DEFAULT 0,
  refused_invalid INTEGER NOT NULL DEFAULT 0,
  imported_views INTEGER NOT NULL DEFAULT 0,
  imported_visitors INTEGER NOT NULL DEFAULT 0,
  keep_until INTEGER NOT NULL,
  sketch_until INTEGER NOT NULL DEFAULT 0,
  sketch BLOB,
  PRIMARY KEY (site, date)
);
CREATE INDEX days_by_keep_until ON days (keep_until);
CREATE INDEX days_by_sketch_until ON days (sketch_until) WHERE sketch IS NOT NULL;

CREATE TABLE day_paths (
  site TEXT NOT NULL,
  date TEXT NOT NULL,
  path TEXT NOT NULL,
  views INTEGER NOT NULL,
  PRIMARY KEY (site, date, path)
) WITHOUT ROWID;

CREATE TABLE weeks (
  site TEXT NOT NULL,
  label TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  keep_until INTEGER NOT NULL,
  sketch BLOB,
  PRIMARY KEY (site, label)
);
CREATE INDEX weeks_by_keep_until ON weeks (keep_until);

CREATE TABLE totals (
  site TEXT PRIMARY KEY,
  views INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  last_hit INTEGER NOT NULL DEFAULT 0,
  imported_views INTEGER NOT NULL DEFAULT 0,
  imported_visitors INTEGER NOT NULL DEFAULT 0,
  sketch BLOB
);

CREATE TABLE paths (
  site TEXT NOT NULL,
  path TEXT NOT NULL,
  views INTEGER NOT NULL,
  PRIMARY KEY (site, path)
) WITHOUT ROWID;

CREATE TABLE online (
  site TEXT NOT NULL,
  id TEXT NOT NULL,
  seen INTEGER NOT NULL,
  PRIMARY KEY (site, id)
) WITHOUT ROWID;
CREATE INDEX online_by_seen ON online (site, seen);

CREATE TABLE rate (
  minute INTEGER NOT NULL,
  site TEXT NOT NULL,
  visitor TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (minute, site, visitor)
) WITHOUT ROWID;

CREATE TABLE writers (
  site TEXT NOT NULL,
  writer TEXT NOT NULL,
  seq INTEGER NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (site, writer)
) WITHOUT ROWID;
CREATE INDEX writers_by_until ON writers (until);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  site TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT
);
`;

/**
 * What each schema version adds to the one before, applied in order to a file of an older
 * footfall (and after SCHEMA_SQL, version 1, to a new file).
 *
 * 2: month and year figures (`periods`, imported sums apart in `period_imports` for weeks,
 *    months and years); all-time `paths` are the earned ones, `candidate_paths` wait for a
 *    second earner; page baselines.
 * 3: where views came from, per day and dimension (`day_sources`).
 * 4: site owners' keys, their secrets as hashes only (`api_keys`).
 */
const MIGRATIONS: Record<number, string> = {
  2: `
CREATE TABLE periods (
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  keep_until INTEGER NOT NULL,
  sketch_until INTEGER NOT NULL DEFAULT 0,
  sketch BLOB,
  PRIMARY KEY (site, kind, label)
);
CREATE INDEX periods_by_keep_until ON periods (keep_until);
CREATE INDEX periods_by_sketch_until ON periods (sketch_until) WHERE sketch IS NOT NULL;

CREATE TABLE period_imports (
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  keep_until INTEGER NOT NULL,
  PRIMARY KEY (site, kind, label)
) WITHOUT ROWID;
CREATE INDEX period_imports_by_keep_until ON period_imports (keep_until);

CREATE TABLE candidate_paths (
  site TEXT NOT NULL,
  path TEXT NOT NULL,
  earner TEXT NOT NULL,
  views INTEGER NOT NULL,
  seen INTEGER NOT NULL,
  PRIMARY KEY (site, path)
) WITHOUT ROWID;
CREATE INDEX candidate_paths_by_seen ON candidate_paths (site, seen);

CREATE TABLE page_baselines (
  site TEXT NOT NULL,
  path TEXT NOT NULL,
  views INTEGER NOT NULL,
  PRIMARY KEY (site, path)
) WITHOUT ROWID;
`,
  3: `
CREATE TABLE day_sources (
  site TEXT NOT NULL,
  date TEXT NOT NULL,
  dimension TEXT NOT NULL,
  name TEXT NOT NULL,
  views INTEGER NOT NULL,
  visitors INTEGER NOT NULL,
  PRIMARY KEY (site, date, dimension, name)
) WITHOUT ROWID;
`,
  4: `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
`,
};

/**
 * Creates the tables and marks the file as footfall's, in the caller's write transaction, so a
 * file is either untouched or complete.
 */
export function createSchema(db: Database): void {
  db.exec(SCHEMA_SQL);
  migrateSchema(db, 1);
  db.pragma(`application_id = ${APPLICATION_ID}`);
}

/** Brings a file from `version` to SCHEMA_VERSION, in the caller's write transaction. */
export function migrateSchema(db: Database, version: number): void {
  for (let next = version + 1; next <= SCHEMA_VERSION; next++) {
    const sql = MIGRATIONS[next];
    if (sql === undefined) throw new Error(`no migration to schema version ${next}`);
    db.exec(sql);
  }
  if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
