/**
 * A day's views per path, with the cap of path-cap.ts. A known path costs one UPDATE; the
 * number of stored paths is counted only when a batch meets its first new path.
 */
import type { Database, Statement } from 'better-sqlite3';
import { cappedPath } from '../path-cap.js';

type Key = Record<string, string>;
type Row = Record<string, string | number>;

export class CappedPaths {
  private readonly update: Statement<[Row]>;
  private readonly insert: Statement<[Row]>;
  private readonly count: Statement<[Key], number>;

  /** `keyColumns` pick the set of paths (e.g. site and date); all are bound by name. */
  constructor(db: Database, table: string, keyColumns: readonly string[]) {
    const where = keyColumns.map((column) => `${column} = @${column}`).join(' AND ');
    const columns = [...keyColumns, 'path', 'views'];
    this.update = db.prepare(`UPDATE ${table} SET views = views + @views WHERE ${where} AND path = @path`);
    this.insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    this.count = db.prepare<[Key], number>(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck();
  }

  /** Counting into the set of paths that `key` names, at most `max`, within the caller's write transaction. */
  start(key: Key, max: number): { add(path: string, views: number): void } {
    let size: number | undefined;
    return {
      add: (path, views) => {
        if (this.update.run({ ...key, path, views }).changes > 0) return;
        size ??= this.count.get(key) ?? 0;
        const bucket = cappedPath(path, false, size, max);
        if (bucket !== path && this.update.run({ ...key, path: bucket, views }).changes > 0) return;
        this.insert.run({ ...key, path: bucket, views });
        size += 1;
      },
    };
  }
}
