/**
 * footfall killed with SIGKILL, fifty times, while writing to one SQLite file: the file stays
 * intact (`integrity_check`), nothing is counted that was not recorded, and each kill loses
 * at most the hits of the last few flush intervals (50 ms each).
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { onOutputLines, spawnTracked, stopChild } from '../support/child-processes.js';

const WRITER = path.join(PACKAGE_ROOT, 'test', 'store', 'fixtures', 'sqlite-writer.ts');
const CHUNK = 10;
const KILLS = 50;
/** What a kill may lose: the batch being gathered plus scheduling slack on a busy machine. */
const LOSS_WINDOW_MS = 250;

function storedViews(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT views FROM totals WHERE site = ?').get('kill-test') as { views: number } | undefined;
    return row?.views ?? 0;
  } finally {
    db.close();
  }
}

describe('SQLite under repeated kill -9', function () {
  this.timeout(240_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-kill-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it(`keeps the file intact and loses at most ${LOSS_WINDOW_MS} ms of hits per kill, ${KILLS} times`, async () => {
    const file = path.join(dir, 'footfall.db');
    let expectedAtLeast = 0;
    let expectedAtMost = 0;
    const losses: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawnTracked(process.execPath, ['--import', 'tsx', WRITER, file, 'kill-test', String(CHUNK)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const progress: Array<{ at: number; recorded: number }> = [];
      onOutputLines(child, (line) => progress.push({ at: Date.now(), recorded: Number(line.split(' ')[1]) }), ['stdout']);
      try {
        const started = Date.now();
        while (progress.length === 0 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.ok(progress.length > 0, 'the writer started recording');
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
        const killedAt = Date.now();
        await stopChild(child, { signal: 'SIGKILL' });
        const recorded = (progress.at(-1)?.recorded ?? 0) + CHUNK;
        const safe = progress.filter((p) => p.at <= killedAt - LOSS_WINDOW_MS).at(-1)?.recorded ?? 0;
        expectedAtLeast += safe;
        expectedAtMost += recorded;
        const stored = storedViews(file);
        assert.ok(stored >= expectedAtLeast, `kill ${kill}: stored ${stored} < ${expectedAtLeast} recorded ${LOSS_WINDOW_MS} ms before the kills`);
        assert.ok(stored <= expectedAtMost, `kill ${kill}: stored ${stored} > ${expectedAtMost} ever recorded`);
        losses.push(recorded - CHUNK - (stored - (expectedAtMost - recorded)));
        // What was stored is the base of the next round's bounds.
        expectedAtLeast = stored;
        expectedAtMost = stored;
      } finally {
        await stopChild(child, { signal: 'SIGKILL' });
      }
    }
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    losses.sort((a, b) => a - b);
    console.log(`      hits lost per kill (printed but not stored): median ${losses[losses.length >> 1]}, max ${losses.at(-1)}`);
  });
});
