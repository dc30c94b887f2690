/**
 * Counts per name in one table — a day's paths, a day's sources of one dimension — with the
 * cap of capped-key.ts. A known name costs one UPDATE; the number of stored names is counted
 * only when a batch meets its first new one.
 */
import type { Database, Statement } from 'better-sqlite3';
import { cappedKey } from '../capped-key.js';

type Key = Record<string, string>;
type Row = Record<string, string | number>;

export class CappedCounts<V extends string> {
  private readonly update: Statement<[Row]>;
  private readonly insert: Statement<[Row]>;
  private readonly count: Statement<[Key], number>;

  /**
   * `keyColumns` pick the set of names (e.g. site and date), `nameColumn` is the counted name,
   * `valueColumns` the counts added; all are bound by name.
   */
  constructor(
    db: Database,
    table: string,
    keyColumns: readonly string[],
    private readonly nameColumn: string,
    valueColumns: readonly V[],
  ) {
    const where = keyColumns.map((column) => `${column} = @${column}`).join(' AND ');
    const columns = [...keyColumns, nameColumn, ...valueColumns];
    const added = valueColumns.map((column) => `${column} = ${column} + @${column}`).join(', ');
    this.update = db.prepare(`UPDATE ${table} SET ${added} WHERE ${where} AND ${nameColumn} = @${nameColumn}`);
    this.insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    this.count = db.prepare<[Key], number>(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck();
  }

  /** Counting into the set of names that `key` names, at most `max`, within the caller's write transaction. */
  start(key: Key, max: number): { add(name: string, values: Record<V, number>): void } {
    let size: number | undefined;
    return {
      add: (name, values) => {
        if (this.update.run({ ...key, [this.nameColumn]: name, ...values }).changes > 0) return;
        size ??= this.count.get(key) ?? 0;
        const bucket = cappedKey(name, false, size, max);
        if (bucket !== name && this.update.run({ ...key, [this.nameColumn]: bucket, ...values }).changes > 0) return;
        this.insert.run({ ...key, [this.nameColumn]: bucket, ...values });
        size += 1;
      },
    };
  }
}
