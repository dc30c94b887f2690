/**
 * The store conformance suite: the same tests, unchanged, against every backend. Figures are
 * checked the way a user sees them — through the counter, as counts payloads and history —
 * plus the store-level promises (idempotent batches, shared salts, dumps, audit, expiry).
 */
import { strict as assert } from 'node:assert';
import { addDays, startOfDate } from '../../src/counting/calendar.js';
import type { Counter } from '../../src/counting/counter.js';
import { siteSchema } from '../../src/counting/site.js';
import { HyperLogLog } from '../../src/store/hll/hyperloglog.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { OTHER_PATH, type SiteBatch, type Store } from '../../src/store/store.js';
import { ManualClock, addSite, siteId, testCounter, visitor } from '../support/counting.js';
import { countsQuery, emptyBatch, importedDays, pathViews } from '../support/store-shapes.js';
import { cmsConformance, sourcesConformance } from './conformance-cms.js';
import type { BackendUnderTest } from './backends.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Noon UTC three days from now: in the future, so Redis TTLs derived from it are too. */
function futureNoon(): number {
  const today = new Date().toISOString().slice(0, 10);
  return startOfDate(addDays(today, 3), 'UTC') + 12 * HOUR;
}

/** The next instant at `hourOfDay` UTC on a given weekday (0 Sunday) at least 2 days ahead. */
function nextWeekday(weekday: number, hourOfDay: number, minute = 0): number {
  let t = futureNoon();
  while (new Date(t).getUTCDay() !== weekday) t += DAY;
  return t - 12 * HOUR + hourOfDay * HOUR + minute * 60_000;
}


export function storeConformance(backend: BackendUnderTest): void {
  describe(`store conformance: ${backend.name}`, function () {
    this.timeout(60_000);
    let store: Store;
    let clock: ManualClock;
    let counter: Counter;

    before(async () => {
      await backend.setup();
    });
    after(async () => {
      await backend.teardown();
    });
    beforeEach(async () => {
      store = await backend.open();
      clock = new ManualClock(futureNoon());
      counter = testCounter(store, clock);
    });

    async function counts(site: Parameters<Counter['readCounts']>[0], paths?: string[]) {
      return counter.readCounts(site, paths);
    }

    it('counts views exactly and visitors as distinct ids, for today, this week and all-time', async () => {
      const site = await addSite(counter, siteId());
      for (let i = 0; i < 10; i++) await counter.recordHit(site, '/', visitor(i % 4));
      await counter.flush();
      const { counts: c } = await counts(site);
      assert.deepEqual(c.today.views, 10);
      assert.equal(c.today.visitors, 4);
      assert.equal(c.week.views, 10);
      assert.equal(c.week.visitors, 4);
      assert.deepEqual(c.total, { views: 10, visitors: 4 });
      assert.equal(c.online, 4);
      assert.equal(c.site, site.id);
      assert.equal(c.today.date, new Date(clock.now).toISOString().slice(0, 10));
    });

    it('adds the baseline to all-time figures only', async () => {
      const site = await addSite(counter, siteId(), { baseline: { views: 4_288_000, visitors: 1_200_000 } });
      await counter.recordHit(site, '/', visitor(1));
      await counter.flush();
      const { counts: c } = await counts(site);
      assert.deepEqual(c.total, { views: 4_288_001, visitors: 1_200_001 });
      assert.deepEqual([c.today.views, c.week.views], [1, 1]);
    });

    it('counts an untracked (DNT) visit as a view with no visitor and no online presence', async () => {
      const site = await addSite(counter, siteId());
      await counter.recordHit(site, '/', visitor(1, false));
      await counter.recordPing(site, visitor(1, false));
      await counter.flush();
      const { counts: c } = await counts(site);
      assert.deepEqual([c.today.views, c.today.visitors, c.online, c.total.visitors], [1, 0, 0, 0]);
    });

    it('rolls over at local midnight and keeps week and all-time figures', async () => {
      const site = await addSite(counter, siteId(), { timezone: 'Asia/Ho_Chi_Minh' });
      // Wednesday 23:59 in Ho Chi Minh City is 16:59 UTC.
      clock.now = nextWeekday(3, 16, 59);
      await counter.recordHit(site, '/', visitor(1));
      const before = (await counts(site)).counts.today.date;
      clock.advance(2 * 60_000);
      await counter.recordHit(site, '/', visitor(1));
      await counter.recordHit(site, '/', visitor(2));
      await counter.flush();
      const { counts: c } = await counts(site);
      assert.equal(c.today.date, addDays(before, 1));
      assert.deepEqual([c.today.views, c.today.visitors], [2, 2]);
      assert.deepEqual([c.week.views, c.week.visitors], [3, 2], 'one visitor on two days of a week is one weekly visitor');
      assert.deepEqual(c.total, { views: 3, visitors: 3 }, 'all-time visitors count a person once per day');
      const history = await counter.history(site, addDays(before, -1), c.today.date);
      assert.deepEqual(history, [
        { date: addDays(before, -1), views: 0, visitors: 0 },
        { date: before, views: 1, visitors: 1 },
        { date: c.today.date, views: 2, visitors: 2 },
      ]);
    });

    for (const [weekStart, lastDay, firstDay] of [
      [1, 0, 1],
      [0, 6, 0],
      [6, 5, 6],
    ] as const) {
      it(`starts a new week on weekday ${firstDay} when weekStart is ${weekStart}`, async () => {
        const site = await addSite(counter, siteId(), { weekStart });
        clock.now = nextWeekday(lastDay, 23, 59);
        await counter.recordHit(site, '/', visitor(1));
        await counter.flush();
        const old = (await counts(site)).counts.week;
        clock.advance(2 * 60_000);
        assert.equal(new Date(clock.now).getUTCDay(), firstDay);
        await counter.recordHit(site, '/', visitor(1));
        await counter.flush();
        const { counts: c } = await counts(site);
        assert.notEqual(c.week.label, old.label);
        assert.equal(c.week.start, c.today.date);
        assert.equal(c.week.label, weekStart === 1 ? c.week.label : c.today.date);
        if (weekStart === 1) assert.match(c.week.label, /^\d{4}-W\d{2}$/);
        assert.deepEqual([old.views, c.week.views, c.week.visitors, c.total.views], [1, 1, 1, 2]);
      });
    }

    it('counts a visitor online within the window, through hits, pings and heartbeats', async () => {
      counter = testCounter(store, clock, { onlineWindowMs: 60_000 });
      const site = await addSite(counter, siteId());
      await counter.recordHit(site, '/', visitor(1));
      await counter.recordPing(site, visitor(2));
      const live = await counter.onlineId(site, visitor(3));
      assert.ok(live);
      counter.touchOnline(site.id, [live]);
      await counter.flush();
      assert.equal((await counts(site)).counts.online, 3);
      clock.advance(45_000);
      counter.touchOnline(site.id, [live]);
      await counter.flush();
      assert.equal((await counts(site)).counts.online, 3);
      clock.advance(30_000);
      await counter.flush();
      assert.equal((await counts(site)).counts.online, 1, 'only the heartbeat visitor is still online');
      clock.advance(61_000);
      assert.equal((await counts(site)).counts.online, 0);
    });

    it('keeps all-time views per path and the top paths of each day', async () => {
      const site = await addSite(counter, siteId());
      const plan: Array<[string, number]> = [['/tin-tuc/le-hoi', 5], ['/', 3], ['/lien-he', 1]];
      for (const [path, n] of plan) for (let i = 0; i < n; i++) await counter.recordHit(site, path, visitor(i));
      await counter.flush();
      const today = (await counts(site)).counts.today.date;
      clock.advance(DAY);
      await counter.recordHit(site, '/', visitor(9));
      await counter.flush();
      const { pages } = await counts(site, ['/', '/tin-tuc/le-hoi', '/never']);
      assert.deepEqual(pages, [4, 5, 0]);
      assert.deepEqual(await store.readTopPages(site.id, today, 2), [
        { path: '/tin-tuc/le-hoi', views: 5 },
        { path: '/', views: 3 },
      ]);
      assert.deepEqual(await store.readTopPages(site.id, '1999-01-01', 5), []);
    });

    it('keeps views by hour and refused hits by reason for each day', async () => {
      const site = await addSite(counter, siteId());
      clock.now = nextWeekday(2, 9, 10);
      await counter.recordHit(site, '/', visitor(1));
      clock.advance(2 * HOUR);
      await counter.recordHit(site, '/', visitor(1));
      await counter.recordHit(site, '/', visitor(2));
      counter.recordRefusal(site, 'bot');
      counter.recordRefusal(site, 'bot');
      counter.recordRefusal(site, 'origin');
      await counter.flush();
      const date = (await counts(site)).counts.today.date;
      const detail = await store.readDayDetail(site.id, date);
      assert.equal(detail.hours.length, 24);
      assert.deepEqual([detail.hours[9], detail.hours[11], detail.hours.reduce((a, b) => a + b)], [1, 2, 3]);
      assert.deepEqual(detail.refused, { bot: 2, origin: 1, rate_limit: 0, invalid: 0 });
      assert.deepEqual((await store.readDayDetail(site.id, '1999-01-01')).hours, new Array(24).fill(0));
    });

    it('applies a batch once, however often it is retried', async () => {
      const site = await addSite(counter, siteId());
      const date = (await counts(site)).counts.today.date;
      const batch = emptyBatch(site.id, {
        days: [{ date, views: 3, hours: [3], paths: pathViews({ '/': 3 }), sources: new Map(), ids: new Set(['a', 'b']), refused: new Map(), keepUntil: clock.now + 400 * DAY, sketchUntil: clock.now + 3 * DAY }],
        lastHit: clock.now,
      });
      await store.applyBatch(batch);
      await store.applyBatch(batch);
      const { counts: c } = await counts(site);
      assert.deepEqual([c.today.views, c.today.visitors, c.total.views], [3, 2, 3]);
    });

    it('returns per-visitor totals of the minute with every batch', async () => {
      const site = siteId();
      const minute = Math.floor(Date.now() / 60_000);
      await store.applyBatch(emptyBatch(site, { rate: [{ minute, counts: new Map([['v1', 2], ['v2', 1]]) }] }));
      const totals = await store.applyBatch(emptyBatch(site, { rate: [{ minute, counts: new Map([['v1', 3]]) }] }));
      assert.deepEqual(totals.map(({ minute: m, totals: t }) => [m, [...t]]), [[minute, [['v1', 5]]]]);
    });

    it('gives racing instances the same salt', async () => {
      const other = await backend.open();
      const site = siteId();
      const expires = Date.now() + DAY;
      const salts = await Promise.all([
        store.getOrCreateSalt(site, 'd:2030-01-01', 'salt-a', expires),
        other.getOrCreateSalt(site, 'd:2030-01-01', 'salt-b', expires),
        store.getOrCreateSalt(site, 'd:2030-01-01', 'salt-c', expires),
      ]);
      assert.equal(new Set(salts).size, 1);
      assert.ok(['salt-a', 'salt-b', 'salt-c'].includes(salts[0] ?? ''));
      assert.equal(await other.getOrCreateSalt(site, 'w:2030-W01', 'salt-w', expires), 'salt-w');
    });

    it('sums hits written concurrently by two instances, with visitors shared', async () => {
      const other = testCounter(await backend.open(), clock);
      const site = await addSite(counter, siteId());
      await other.refreshSites();
      const otherSite = other.site(site.id);
      assert.ok(otherSite, 'the second instance sees the site');
      const rounds = 20;
      for (let round = 0; round < rounds; round++) {
        const work: Promise<void>[] = [];
        for (let v = 0; v < 10; v++) {
          work.push(counter.recordHit(site, '/', visitor(v)), other.recordHit(otherSite, '/', visitor(v + 5)));
        }
        await Promise.all(work);
        await Promise.all([counter.flush(), other.flush()]);
      }
      const { counts: c } = await counts(site);
      assert.deepEqual([c.today.views, c.today.visitors, c.total.visitors], [rounds * 20, 15, 15]);
    });

    it('stores sites for every instance and deletes a site with its figures', async () => {
      const id = siteId();
      const site = siteSchema.parse({ id, origins: ['https://longhuu.example.vn'], timezone: 'Asia/Ho_Chi_Minh', weekStart: 1, baseline: { views: 7, visitors: 3 } });
      await store.putSite(site);
      const other = await backend.open();
      assert.deepEqual(await other.getSite(id), site);
      assert.ok((await other.listSites()).some((s) => s.id === id));
      await counter.refreshSites();
      await counter.recordHit(site, '/', visitor(1));
      await counter.flush();
      await other.deleteSite(id);
      assert.equal(await store.getSite(id), undefined);
      assert.ok(!(await store.listSites()).some((s) => s.id === id));
      const { counts: c } = await counter.readCounts(site);
      assert.deepEqual([c.today.views, c.total.views - 7], [0, 0]);
    });

    it('imports history idempotently: the same days twice change nothing', async () => {
      const site = await addSite(counter, siteId());
      await counter.recordHit(site, '/', visitor(1));
      await counter.flush();
      const keepUntil = clock.now + 400 * DAY;
      const days = importedDays([
        { date: '2025-01-01', views: 100, visitors: 40, keepUntil },
        { date: '2025-01-02', views: 50, visitors: 20, keepUntil },
      ]);
      await store.importHistory(site.id, days);
      await store.importHistory(site.id, days);
      assert.deepEqual((await counts(site)).counts.total, { views: 151, visitors: 61 });
      await store.importHistory(site.id, importedDays([{ date: '2025-01-02', views: 60, visitors: 25, keepUntil }]));
      assert.deepEqual((await counts(site)).counts.total, { views: 161, visitors: 66 });
      assert.deepEqual(await counter.history(site, '2025-01-01', '2025-01-03'), [
        { date: '2025-01-01', views: 100, visitors: 40 },
        { date: '2025-01-02', views: 60, visitors: 25 },
        { date: '2025-01-03', views: 0, visitors: 0 },
      ]);
    });

    it('exports a site and imports it elsewhere with identical counts, visitors included', async () => {
      const site = await addSite(counter, siteId(), { baseline: { views: 10, visitors: 5 } });
      for (let i = 0; i < 300; i++) await counter.recordHit(site, i % 2 ? '/a' : '/b', visitor(i));
      await counter.flush();
      await store.importHistory(site.id, importedDays([{ date: '2025-02-01', views: 9, visitors: 4, keepUntil: clock.now + 400 * DAY }]));
      const dump = await store.exportSite(site.id);
      assert.ok(dump);
      assert.equal(await store.exportSite('no-such-site'), undefined);
      const elsewhere = new MemoryStore();
      await elsewhere.importSite(JSON.parse(JSON.stringify(dump)));
      const moved = testCounter(elsewhere, clock);
      await moved.refreshSites();
      const original = await counter.readCounts(site, ['/a']);
      const copy = await moved.readCounts(site, ['/a']);
      // Online entries are presence, not figures: a dump does not carry them.
      assert.deepEqual({ ...copy.counts, online: 300 }, original.counts);
      assert.deepEqual(copy.pages, original.pages);
      // And back: a dump of the copy imported over the original changes nothing.
      await store.importSite(JSON.parse(JSON.stringify(await elsewhere.exportSite(site.id))));
      assert.deepEqual({ ...(await counter.readCounts(site, ['/a'])).counts, online: 300 }, original.counts);
      const date = original.counts.today.date;
      assert.deepEqual(await store.readTopPages(site.id, date, 5), await elsewhere.readTopPages(site.id, date, 5));
      assert.deepEqual(await counter.history(site, '2025-02-01', '2025-02-01'), [{ date: '2025-02-01', views: 9, visitors: 4 }]);
    });

    it('keeps sketches that Redis can read', async () => {
      const site = await addSite(counter, siteId());
      for (let i = 0; i < 50; i++) await counter.recordHit(site, '/', visitor(i));
      await counter.flush();
      const dump = await store.exportSite(site.id);
      assert.ok(dump?.total.sketch);
      assert.equal(HyperLogLog.fromBase64(dump.total.sketch).count(), (await counts(site)).counts.total.visitors);
    });

    it('counts distinct paths past the cap under one bucket', async () => {
      const site = await addSite(counter, siteId());
      const date = (await counts(site)).counts.today.date;
      const paths = pathViews(Array.from({ length: 2_100 }, (_, i): [string, number] => [`/p/${i}`, 1]));
      await store.applyBatch(
        emptyBatch(site.id, {
          days: [{ date, views: 2_100, hours: [], paths, sources: new Map(), ids: new Set(), refused: new Map(), keepUntil: clock.now + 400 * DAY, sketchUntil: clock.now + 3 * DAY }],
        }),
      );
      const top = await store.readTopPages(site.id, date, 1);
      assert.deepEqual(top, [{ path: OTHER_PATH, views: 100 }]);
      const { pages } = await counts(site, ['/p/0', '/p/2099']);
      assert.deepEqual(pages, [1, 1], 'all-time keeps up to 10,000 paths');
    });

    it('keeps an audit trail, newest first', async () => {
      const marker = siteId('audit');
      for (let i = 0; i < 3; i++) {
        await store.appendAudit({ at: new Date(clock.now + i).toISOString(), actor: 'admin', action: 'site.put', site: marker, before: i === 0 ? null : { n: i - 1 }, after: { n: i } });
      }
      const entries = (await store.readAudit(50)).filter((entry) => entry.site === marker);
      assert.deepEqual(entries.map((entry) => entry.after), [{ n: 2 }, { n: 1 }, { n: 0 }]);
      assert.equal((await store.readAudit(2)).length, 2);
    });

    it('drops figures and salts once they pass their keep-until time', async function () {
      this.timeout(10_000);
      const site = siteId('expire');
      const soon = Date.now() + 1_500;
      await store.getOrCreateSalt(site, 'd:2030-01-01', 'old-salt', soon);
      await store.applyBatch(
        emptyBatch(site, {
          days: [{ date: '2030-01-01', views: 1, hours: [], paths: pathViews({ '/': 1 }), sources: new Map(), ids: new Set(['x']), refused: new Map(), keepUntil: soon, sketchUntil: soon }],
          weeks: [{ label: '2030-W01', views: 1, ids: new Set(['x']), keepUntil: soon }],
        }),
      );
      assert.equal((await store.readHistory(site, '2030-01-01', '2030-01-01')).length, 1);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await store.prune(Date.now());
      assert.deepEqual(await store.readHistory(site, '2030-01-01', '2030-01-01'), []);
      assert.deepEqual(await store.readTopPages(site, '2030-01-01', 5), []);
      const raw = await store.readFigures(countsQuery(site, '2030-01-01'));
      assert.deepEqual([raw.today, raw.week], [{ views: 0, visitors: 0 }, { views: 0, visitors: 0, imported: { views: 0, visitors: 0 } }]);
      assert.equal(await store.getOrCreateSalt(site, 'd:2030-01-01', 'new-salt', Date.now() + DAY), 'new-salt');
    });

    it('keeps keys as written, for every instance and after a restart, until deleted', async () => {
      const key = { id: `k${siteId().slice(-10)}`, hash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', sites: ['a-site', 'b-site'], scope: 'import' as const, label: 'Xã Long Hựu', expiresAt: null, createdAt: '2026-12-02T10:00:00.000Z' };
      await store.putKey(key);
      // Another instance over the same data: what a restarted server opens.
      const other = await backend.open();
      assert.deepEqual(await other.getKey(key.id), key);
      assert.ok((await other.listKeys()).some((listed) => listed.id === key.id));
      assert.equal(await other.getKey('no-such-key'), undefined);
      assert.equal(await other.deleteKey(key.id), true);
      assert.equal(await store.getKey(key.id), undefined);
      assert.equal(await store.deleteKey(key.id), false);
    });

    it('answers ping', async () => {
      await store.ping();
    });

    cmsConformance(() => ({ store, clock, counter }));
    sourcesConformance(() => ({ store, clock, counter }));
  });
}
