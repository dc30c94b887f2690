/**
 * The SQLite store writes hit batches in a worker thread: the event loop goes on while a batch is
 * written, writes land in the order they were asked, and a worker that dies loses nothing.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { siteSchema } from '../../src/counting/site.js';
import { createLogger } from '../../src/log.js';
import { BatchApplier } from '../../src/store/sqlite/batch-applier.js';
import { openDatabase } from '../../src/store/sqlite/open-database.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { SiteBatch, Store } from '../../src/store/store.js';
import { countsQuery, emptyBatch, pathViews } from '../support/store-shapes.js';

const log = createLogger('silent');
const DATE = '2031-03-04';
const DAY = 86_400_000;

function batchOf(site: string, ids: string[], views = ids.length): SiteBatch {
  const keepUntil = Date.now() + 400 * DAY;
  return emptyBatch(site, {
    writer: 'worker-test',
    days: [{ date: DATE, views, hours: [views], paths: pathViews({ '/': views }), sources: new Map(), ids: new Set(ids), refused: new Map(), keepUntil, sketchUntil: keepUntil }],
    weeks: [{ label: '2031-W10', views, ids: new Set(ids.map((id) => `w${id}`)), keepUntil }],
    lastHit: Date.now(),
  });
}

async function today(store: Store, site: string) {
  return (await store.readFigures(countsQuery(site, DATE, { week: '2031-W10' }))).today;
}

describe('sqlite batch worker', function () {
  this.timeout(30_000);
  let dir = '';

  /** Runs `body` with a batch applier on a new database file, then closes both. */
  async function withApplier(body: (batches: BatchApplier, db: Database) => Promise<void>, entry?: string): Promise<void> {
    const db = openDatabase(path.join(dir, 'footfall.db'), log);
    const batches = new BatchApplier(db, log, entry);
    try {
      await body(batches, db);
    } finally {
      await batches.close();
      db.close();
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-batch-worker-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets the event loop run while a large batch is written', async () => {
    await withApplier(async (batches, db) => {
      assert.equal(await batches.started(), true);
      const ids = Array.from({ length: 60_000 }, (_, n) => `visitor-${n}`);
      let turns = 0;
      const spin = setInterval(() => turns++, 0);
      await batches.apply(batchOf('big', ids), Date.now());
      clearInterval(spin);
      assert.ok(turns >= 3, `the event loop ran ${turns} times while the batch was written`);
      const { views, visitors } = db.prepare('SELECT views, visitors FROM days WHERE site = ? AND date = ?').get('big', DATE) as { views: number; visitors: number };
      assert.equal(views, 60_000);
      assert.ok(Math.abs(visitors - 60_000) < 60_000 * 0.03, `visitors ${visitors}`);
    });
  });

  it('writes a batch at once while the worker starts', async () => {
    await withApplier(async (batches) => {
      const starting = batches.started();
      let landed = false;
      void batches.apply(batchOf('early', ['a']), Date.now()).then(() => (landed = true));
      await Promise.resolve();
      assert.equal(landed, true, 'the first batch did not wait for the worker');
      assert.equal(await starting, true);
    });
  });

  it('writes a batch that cannot be copied to the worker on the main thread, after those in flight', async () => {
    await withApplier(async (batches, db) => {
      assert.equal(await batches.started(), true);
      const before = batches.apply(batchOf('odd', ['a']), Date.now());
      // A function cannot cross to another thread (DataCloneError).
      const odd = Object.assign(batchOf('odd', ['b']), { note: () => 'not data' });
      await batches.apply(odd, Date.now());
      await before;
      assert.equal(db.prepare('SELECT views FROM days WHERE site = ? AND date = ?').pluck().get('odd', DATE), 2);
      await batches.apply(batchOf('odd', ['c']), Date.now());
      assert.equal(db.prepare('SELECT views FROM days WHERE site = ? AND date = ?').pluck().get('odd', DATE), 3);
    });
  });

  it('keeps a site deleted after its last batch deleted', async () => {
    const store = await openSqliteStore(path.join(dir, 'footfall.db'), { log });
    try {
      // Long enough for the worker to have started: the first batches are written in this thread.
      const until = Date.now() + 1_500;
      for (let round = 0; round < 20 || (Date.now() < until && round < 200); round++) {
        const site = `gone-${round}`;
        await store.putSite(siteSchema.parse({ id: site }));
        const landed = store.applyBatch(batchOf(site, ['a', 'b', 'c']));
        await store.deleteSite(site);
        await landed;
        assert.equal(await store.getSite(site), undefined);
        assert.deepEqual(await today(store, site), { views: 0, visitors: 0 }, `round ${round}`);
        // Lets the worker's messages in, as the batch writer's timer does.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await store.close();
    }
  });

  for (const when of ['before', 'after'] as const) {
    it(`loses nothing and counts nothing twice when the worker dies ${when} committing a batch`, async () => {
      const entry = new URL(`./fixtures/dying-batch-worker.ts?when=${when}`, import.meta.url).href;
      await withApplier(async (batches, db) => {
        assert.equal(await batches.started(), true);
        const first = batchOf('site', ['a', 'b'], 5);
        await assert.rejects(batches.apply(first, Date.now()), /worker stopped/);
        const views = db.prepare('SELECT views FROM days WHERE site = ? AND date = ?').pluck();
        assert.equal(views.get('site', DATE), when === 'before' ? undefined : 5);
        // As the batch writer does: the same batch again, under the same id, then the next.
        await batches.apply(first, Date.now());
        await batches.apply(batchOf('site', ['c'], 2), Date.now());
        assert.equal(views.get('site', DATE), 7);
      }, entry);
    });
  }
});
