/**
 * The conformance suite's cases for what CMS sites need: yesterday, this month and this year
 * (true uniques of each), retention, imported history in every period it fell in, history by
 * month and year, page baselines, many paths in one read, and all-time path slots that a
 * flood from one visitor cannot take. Run inside storeConformance for every backend.
 */
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOfDate } from '../../src/counting/calendar.js';
import type { Counter } from '../../src/counting/counter.js';
import { FOREVER } from '../../src/counting/periods.js';
import type { Store } from '../../src/store/store.js';
import { ManualClock, addSite, siteId, testCounter, visitor } from '../support/counting.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ConformanceContext {
  store: Store;
  clock: ManualClock;
  counter: Counter;
}

/** Noon UTC of a date in 2031: far enough ahead that Redis, on the real clock, keeps it all. */
function noon(date: string): number {
  return startOfDate(date, 'UTC') + 12 * HOUR;
}

export function cmsConformance(context: () => ConformanceContext): void {
  it('counts yesterday, this month and this year, visitors as true uniques of each period', async () => {
    const { clock, counter } = context();
    const site = await addSite(counter, siteId());
    clock.now = noon('2031-05-13');
    for (let i = 0; i < 10; i++) await counter.recordHit(site, '/', visitor(i % 5)); // visitors 0–4
    await counter.flush();
    clock.now = noon('2031-05-14');
    for (let i = 2; i < 8; i++) await counter.recordHit(site, '/', visitor(i)); // visitors 2–7
    await counter.flush();
    const { counts } = await counter.readCounts(site);
    assert.deepEqual(counts.today, { date: '2031-05-14', views: 6, visitors: 6 });
    assert.deepEqual(counts.yesterday, { date: '2031-05-13', views: 10, visitors: 5 });
    // The same person on two days of one month, week or year is one visitor of it.
    assert.deepEqual(counts.week, { label: '2031-W20', start: '2031-05-12', views: 16, visitors: 8 });
    assert.deepEqual(counts.month, { label: '2031-05', views: 16, visitors: 8 });
    assert.deepEqual(counts.year, { label: '2031', views: 16, visitors: 8 });
    // All-time counts a person once a day.
    assert.deepEqual(counts.total, { views: 16, visitors: 11 });

    clock.now = noon('2031-06-01');
    await counter.recordHit(site, '/', visitor(3));
    await counter.flush();
    const june = (await counter.readCounts(site)).counts;
    assert.deepEqual([june.month, june.year], [{ label: '2031-06', views: 1, visitors: 1 }, { label: '2031', views: 17, visitors: 8 }]);
    assert.deepEqual(june.yesterday, { date: '2031-05-31', views: 0, visitors: 0 });

    clock.now = noon('2032-01-01');
    await counter.recordHit(site, '/', visitor(3));
    await counter.flush();
    const next = (await counter.readCounts(site)).counts;
    assert.deepEqual([next.month, next.year], [{ label: '2032-01', views: 1, visitors: 1 }, { label: '2032', views: 1, visitors: 1 }]);
  });

  it('keeps day, month and year figures forever by default, or the retention days after they end', async () => {
    const { store, clock } = context();
    clock.now = noon('2031-05-14');
    for (const [retentionDays, expected] of [[0, FOREVER], [30, startOfDate('2031-05-15', 'UTC') + 30 * DAY]] as const) {
      const counter = testCounter(store, clock, { retentionDays });
      const site = await addSite(counter, siteId());
      await counter.recordHit(site, '/', visitor(1));
      await counter.flush();
      const dump = await store.exportSite(site.id);
      assert.ok(dump);
      assert.deepEqual(dump.days.map((day) => day.keepUntil), [expected], `days kept with retention ${retentionDays}`);
      const month = dump.periods.find((period) => period.kind === 'month');
      assert.equal(month?.keepUntil, retentionDays === 0 ? FOREVER : startOfDate('2031-06-01', 'UTC') + 30 * DAY);
      // The sketches go two days after their period, whatever the retention: the counts stay.
      assert.equal(month?.sketchUntil, startOfDate('2031-06-01', 'UTC') + 2 * DAY);
      assert.equal(dump.days[0]?.sketchUntil, startOfDate('2031-05-15', 'UTC') + 2 * DAY);
    }
  });

  it('adds imported history to yesterday, its week, month and year, and groups history by month and year', async () => {
    const { clock, counter } = context();
    const site = await addSite(counter, siteId());
    clock.now = noon('2031-05-14');
    await counter.recordHit(site, '/', visitor(1));
    await counter.recordHit(site, '/', visitor(2));
    await counter.flush();
    await counter.importHistory(site, [
      { date: '2031-05-13', views: 100, visitors: 40 },
      { date: '2031-04-30', views: 50, visitors: 20 },
      { date: '2030-12-31', views: 7, visitors: 3 },
    ]);
    const { counts } = await counter.readCounts(site);
    assert.deepEqual(counts.yesterday, { date: '2031-05-13', views: 100, visitors: 40 });
    assert.deepEqual([counts.week.views, counts.week.visitors], [102, 42]);
    assert.deepEqual(counts.month, { label: '2031-05', views: 102, visitors: 42 });
    assert.deepEqual(counts.year, { label: '2031', views: 152, visitors: 62 });
    assert.deepEqual(counts.total, { views: 159, visitors: 65 });
    // Imported again with other figures: the periods follow the difference, not the sum.
    await counter.importHistory(site, [{ date: '2031-05-13', views: 10, visitors: 4 }]);
    assert.deepEqual((await counter.readCounts(site)).counts.month, { label: '2031-05', views: 12, visitors: 6 });

    assert.deepEqual(await counter.history(site, '2031-04-15', '2031-05-02', 'month'), [
      { date: '2031-04', views: 50, visitors: 20 },
      { date: '2031-05', views: 12, visitors: 6 },
    ]);
    assert.deepEqual(await counter.history(site, '2030-06-01', '2031-05-14', 'year'), [
      { date: '2030', views: 7, visitors: 3 },
      { date: '2031', views: 62, visitors: 26 },
    ]);
  });

  it('adds each page\'s baseline to its views, set and not added, in any number of paths in one read', async () => {
    const { counter } = context();
    const site = await addSite(counter, siteId());
    await counter.setPageBaselines(site, [
      { path: '/tin-tuc/123', views: 2020 },
      { path: '/tin-tuc/124', views: 7 },
    ]);
    // The article that showed "Lượt xem: 2020" shows 2021 after one view.
    await counter.recordHit(site, '/tin-tuc/123', visitor(1));
    await counter.flush();
    const asked = ['/tin-tuc/124', '/none', '/tin-tuc/123', '/tin-tuc/124'];
    assert.deepEqual((await counter.readCounts(site, asked)).pages, [7, 0, 2021, 7]);
    await counter.setPageBaselines(site, [{ path: '/tin-tuc/123', views: 2020 }]);
    await counter.setPageBaselines(site, [{ path: '/tin-tuc/124', views: 0 }]);
    assert.deepEqual(await counter.pageBaselines(site, asked), [0, 0, 2020, 0]);
    assert.deepEqual((await counter.readCounts(site, asked)).pages, [0, 0, 2021, 0]);
    // Page baselines are pages' figures; the site's all-time figures take the site's baseline.
    assert.equal((await counter.readCounts(site)).counts.total.views, 1);
  });

  it('gives a path a lasting all-time slot only once two different visitors viewed it', async () => {
    const { counter } = context();
    const site = await addSite(counter, siteId(), { pathLimit: { day: 2_000, total: 10 } });
    // A real article, read by one visitor and then another.
    await counter.recordHit(site, '/tin-tuc/that', visitor(2));
    await counter.flush();
    assert.deepEqual((await counter.readCounts(site, ['/tin-tuc/that'])).pages, [1], 'counted from the first view');
    // One visitor floods 30 junk paths: they churn the 10 candidate slots and earn none. Stores
    // time a candidate's last view by their own clock: a pause tells batches apart.
    for (let i = 0; i < 30; i++) {
      await counter.recordHit(site, `/junk/${i}`, visitor(1));
      await counter.flush();
      await sleep(2);
    }
    const junk = Array.from({ length: 30 }, (_, i) => `/junk/${i}`);
    const views = (await counter.readCounts(site, junk)).pages;
    assert.deepEqual(views.slice(0, 20), new Array(20).fill(0), 'the oldest junk made room');
    assert.deepEqual(views.slice(20), new Array(10).fill(1), 'the newest junk holds the candidate slots');
    assert.deepEqual((await counter.pathUsage(site)).earned, 0);
    // The article was pushed out as a candidate too; read again by two visitors it earns a slot.
    await counter.recordHit(site, '/tin-tuc/new', visitor(3));
    await counter.recordHit(site, '/tin-tuc/new', visitor(4));
    await counter.recordHit(site, '/tin-tuc/new', visitor(4));
    await counter.flush();
    for (let i = 30; i < 60; i++) {
      await counter.recordHit(site, `/junk/${i}`, visitor(1));
      await counter.flush();
      await sleep(2);
    }
    assert.deepEqual((await counter.readCounts(site, ['/tin-tuc/new'])).pages, [3], 'an earned slot keeps its views through the flood');
    const usage = await counter.pathUsage(site);
    assert.deepEqual([usage.earned, usage.candidates, usage.atCap.total], [1, 10, false]);
    // Today's top pages keep every path (up to the day's cap).
    assert.equal((await counter.readTopPages(site, counter.today(site), 1))[0]?.path, '/tin-tuc/new');
  });
}

/** Where views come from, on every store: each dimension adds up to the day's views. */
export function sourcesConformance(context: () => ConformanceContext): void {
  it('keeps where each view came from, every dimension adding up to the day\'s views', async () => {
    const { counter } = context();
    const site = await addSite(counter, siteId(), { origins: ['https://longhuu.example.vn'] });
    const origin = 'https://longhuu.example.vn';
    const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const views: Array<[ip: string, userAgent: string, target: string, referrer: string | null]> = [
      ['8.8.8.8', chrome, '/', 'https://www.google.com/search?q=long+huu'],
      ['8.8.8.8', chrome, '/tin-tuc/1', `${origin}/`],
      ['8.8.8.8', chrome, '/tin-tuc/2?utm_source=Zalo', 'https://zalo.me/'],
      ['14.160.0.1', iphone, '/', null],
      ['14.160.0.1', iphone, '/tin-tuc/1?utm_source=zalo', 'android-app://com.zing.zalo/'],
      ['10.0.0.7', iphone, '/', 'https://news.baomoi.com/tin/123'],
    ];
    for (const [ip, userAgent, target, referrer] of views) await counter.recordHit(site, target, { ip, userAgent, track: true }, { origin, referrer });
    await counter.flush();
    const today = counter.today(site);
    const of = async (dimension: 'referrer' | 'campaign' | 'country' | 'browser' | 'os' | 'device') =>
      Object.fromEntries((await counter.readSources(site, dimension, today, today, 100)).map((row) => [row.name, [row.views, row.visitors]]));
    // [views, visitors first seen with the name]: three visitors, each counted on their first view.
    assert.deepEqual(await of('referrer'), { Google: [1, 1], '(internal)': [1, 0], Zalo: [2, 0], '(direct)': [1, 1], 'baomoi.com': [1, 1] });
    assert.deepEqual(await of('campaign'), { '(none)': [4, 3], zalo: [2, 0] });
    assert.deepEqual(await of('country'), { US: [3, 1], VN: [2, 1], '(unknown)': [1, 1] });
    assert.deepEqual(await of('browser'), { Chrome: [3, 1], Safari: [3, 2] });
    assert.deepEqual(await of('os'), { Windows: [3, 1], iOS: [3, 2] });
    assert.deepEqual(await of('device'), { desktop: [3, 1], mobile: [3, 2] });
    const { counts } = await counter.readCounts(site);
    for (const dimension of ['referrer', 'campaign', 'country', 'browser', 'os', 'device'] as const) {
      const rows = await counter.readSources(site, dimension, today, today, 100);
      assert.equal(rows.reduce((sum, row) => sum + row.views, 0), counts.today.views, `${dimension} adds up to the day's views`);
    }
    // Most views first, then by name; the limit cuts.
    assert.deepEqual((await counter.readSources(site, 'referrer', today, today, 2)).map((row) => row.name), ['Zalo', '(direct)']);
  });

  it('keeps only the dimensions a site collects, and names past the cap as (other)', async () => {
    const { counter } = context();
    const site = await addSite(counter, siteId(), { collect: ['country'] });
    for (let i = 0; i < 105; i++) await counter.recordHit(site, `/?utm_source=c${i}`, visitor(i), { referrer: `https://site-${i}.example.com/` });
    await counter.flush();
    const today = counter.today(site);
    assert.deepEqual(await counter.readSources(site, 'referrer', today, today, 10), []);
    assert.deepEqual(await counter.readSources(site, 'country', today, today, 10), [{ name: '(unknown)', views: 105, visitors: 105 }]);
    const all = await addSite(counter, siteId());
    for (let i = 0; i < 105; i++) await counter.recordHit(all, '/', visitor(i), { referrer: `https://www.site-${i}.example/` });
    await counter.flush();
    const referrers = await counter.readSources(all, 'referrer', today, today, 1000);
    assert.equal(referrers.length, 101, 'a hundred names and (other)');
    assert.deepEqual(referrers[0], { name: '(other)', views: 5, visitors: 5 });
  });
}
