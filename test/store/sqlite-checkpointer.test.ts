/**
 * WAL checkpoints run in a worker thread, not in the commit that writes a batch: the writing
 * connection never checkpoints, and the WAL still stays bounded however much is written.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/log.js';
import { startCheckpointer } from '../../src/store/sqlite/checkpointer.js';

const BLOB = 12_304;

describe('sqlite checkpoints', function () {
  this.timeout(30_000);
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-checkpoint-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keep the WAL within a few MB while 24 MB of sketches are written, and never run in the writing connection', async () => {
    const file = path.join(dir, 'footfall.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE sketches (id INTEGER PRIMARY KEY, sketch BLOB)');
    const checkpointer = startCheckpointer(db, createLogger('silent'), 50);
    try {
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'the writing connection checkpoints nothing itself');
      const write = db.prepare('INSERT INTO sketches (id, sketch) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET sketch = excluded.sketch');
      const batch = db.transaction(() => {
        for (let id = 0; id < 5; id++) write.run(id, randomBytes(BLOB));
      });
      let largestWal = 0;
      // 400 batches of five sketches, at about 100 a second: 24 MB through the WAL.
      for (let i = 0; i < 400; i++) {
        batch();
        if (i % 20 === 0) largestWal = Math.max(largestWal, (await stat(`${file}-wal`)).size);
        await sleep(10);
      }
      largestWal = Math.max(largestWal, (await stat(`${file}-wal`)).size);
      assert.ok(largestWal < 8 * 1024 * 1024, `the WAL reached ${largestWal} bytes`);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('hand checkpoints back to the writing connection, with a warning, when the worker fails', async () => {
    const file = path.join(dir, 'footfall.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const lines: string[] = [];
    const checkpointer = startCheckpointer(db, createLogger('warn', { write: (line: string) => lines.push(line) }), 50);
    // The worker opens the file by name once it has booted; moved away first, it cannot.
    await rename(file, path.join(dir, 'moved.db'));
    try {
      for (let i = 0; i < 100 && db.pragma('wal_autocheckpoint', { simple: true }) === 0; i++) await sleep(50);
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'the connection checkpoints automatically again');
      const warning = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).find((entry) => entry.level === 40);
      assert.match(warning?.msg ?? '', /checkpoint worker stopped/);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('do nothing for a database without a WAL', async () => {
    const db = new Database(':memory:');
    const checkpointer = startCheckpointer(db, createLogger('silent'), 50);
    await checkpointer.close();
    assert.notEqual(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    db.close();
  });
});
