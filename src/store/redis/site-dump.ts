/**
 * A site's keys as a SiteDump and back, for moving between stores. Sketches are the Redis bytes
 * themselves (GET / SET of the HyperLogLog string), base64 in the dump.
 */
import { HyperLogLog } from '../hll/hyperloglog.js';
import { emptyRefused, REFUSAL_REASONS } from '../refusals.js';
import type { CandidateDump, DayDump, Figures, PeriodDump, SiteDump, SiteRecord } from '../store.js';
import type { RedisClient } from './connect.js';
import { DAY_FIELDS, PERIOD_FIELDS, SITES_KEY, SOURCE_FIELDS, TOTAL_FIELDS, hourField, periodMember, refusedField, siteKeys } from './keys.js';
import { decodePairs } from './read-scripts.js';
import { UNLINK_CHUNK, scanSiteKeys } from './site-scan.js';

const PAIRS_CHUNK = 1000;
let emptySketch: string | undefined;

/** Expiry times must be whole milliseconds for PXAT / PEXPIREAT. */
function ms(time: number): number {
  return Math.trunc(time);
}

function num(value: string | null | undefined): number {
  return Number(value ?? 0);
}

function sketchOf(bytes: Buffer | null): string {
  return bytes ? bytes.toString('base64') : (emptySketch ??= HyperLogLog.create().toBase64());
}

/** Reads every figure of a site (not its online entries); undefined when the site is unknown. */
export async function exportSiteDump(client: RedisClient, id: string): Promise<SiteDump | undefined> {
  const k = siteKeys(id);
  // Auto-pipelining sends each group of reads in one round trip.
  const [settings, days, weeks, periods, salts, total, totalSketch, totalPaths, candidates, candidatesSeen, pageBaselines] = await Promise.all([
    client.get(k.settings),
    client.zrange(k.days, 0, -1, 'WITHSCORES').then(decodePairs),
    client.zrange(k.weeks, 0, -1, 'WITHSCORES').then(decodePairs),
    client.zrange(k.periods, 0, -1, 'WITHSCORES').then(decodePairs),
    client.zrange(k.salts, 0, -1, 'WITHSCORES').then(decodePairs),
    client.hgetall(k.total),
    client.getBuffer(k.totalSketch),
    client.hgetall(k.totalPaths),
    client.hgetall(k.candidates),
    client.zrange(k.candidatesSeen, 0, -1, 'WITHSCORES').then(decodePairs),
    client.hgetall(k.pageBaselines),
  ]);
  if (settings === null) return undefined;
  const [dayDumps, weekDumps, periodDumps, saltDumps] = await Promise.all([
    Promise.all(days.map(([date, keepUntil]) => readDay(client, id, date, keepUntil))),
    Promise.all(
      weeks.map(async ([label, keepUntil]) => {
        const [views, sketch, imports] = await Promise.all([client.get(k.week(label)), client.getBuffer(k.weekSketch(label)), client.hgetall(k.weekImports(label))]);
        if (views === null && Object.keys(imports).length === 0) return [];
        return [{ label, views: num(views), keepUntil, imported: importedOf(imports), sketch: sketchOf(sketch) }];
      }),
    ),
    Promise.all(periods.map(([member, keepUntil]) => readPeriod(client, id, member, keepUntil))),
    Promise.all(
      salts.map(async ([period, expiresAt]) => {
        const salt = await client.get(k.salt(period));
        return salt === null ? [] : [{ period, salt, expiresAt }];
      }),
    ),
  ]);
  return {
    site: JSON.parse(settings) as SiteRecord,
    days: dayDumps.flat(),
    weeks: weekDumps.flat(),
    periods: periodDumps.flat(),
    total: {
      views: num(total[TOTAL_FIELDS.views]),
      sketch: sketchOf(totalSketch),
      paths: Object.entries(totalPaths).map(([path, views]) => [path, Number(views)]),
      candidates: candidateDumps(candidates, candidatesSeen),
      lastHit: num(total[TOTAL_FIELDS.lastHit]),
      imported: { views: num(total[TOTAL_FIELDS.importedViews]), visitors: num(total[TOTAL_FIELDS.importedVisitors]) },
    },
    pageBaselines: Object.entries(pageBaselines).map(([path, views]) => [path, Number(views)]),
    salts: saltDumps.flat(),
  };
}

/** A source hash (`v:<name>`, `u:<name>`) as dump rows of `dimension`. */
function sourceRows(dimension: string, fields: Record<string, string>): DayDump['sources'] {
  return Object.keys(fields)
    .filter((field) => field.startsWith(SOURCE_FIELDS.views))
    .map((field) => {
      const name = field.slice(SOURCE_FIELDS.views.length);
      return [dimension, name, num(fields[field]), num(fields[SOURCE_FIELDS.visitors + name])];
    });
}

function importedOf(fields: Record<string, string>): Figures {
  return { views: num(fields[PERIOD_FIELDS.importedViews]), visitors: num(fields[PERIOD_FIELDS.importedVisitors]) };
}

/** `{s}:tc` path → "<views>:<earner>" with each one's last view from `{s}:tcs`. */
function candidateDumps(values: Record<string, string>, seen: Array<[string, number]>): CandidateDump[] {
  const lastView = new Map(seen);
  return Object.entries(values).map(([path, value]) => {
    const [, views = '0', earner = ''] = /^(\d+):(.*)$/.exec(value) ?? [];
    return { path, views: Number(views), earner, seen: lastView.get(path) ?? 0 };
  });
}

async function readPeriod(client: RedisClient, site: string, member: string, keepUntil: number): Promise<PeriodDump[]> {
  const k = siteKeys(site);
  const kind = member.startsWith('m:') ? 'month' : 'year';
  const label = member.slice(2);
  const [fields, sketch, sketchUntil] = await Promise.all([
    client.hgetall(k.period(kind, label)),
    client.getBuffer(k.periodSketch(kind, label)),
    client.pexpiretime(k.periodSketch(kind, label)),
  ]);
  // Listed in the index but expired.
  if (Object.keys(fields).length === 0) return [];
  return [
    {
      kind,
      label,
      views: num(fields[PERIOD_FIELDS.views]),
      visitors: sketch ? HyperLogLog.fromRedisBytes(sketch).count() : num(fields[PERIOD_FIELDS.visitors]),
      imported: importedOf(fields),
      keepUntil,
      ...(sketch ? { sketch: sketch.toString('base64'), sketchUntil } : {}),
    },
  ];
}

async function readDay(client: RedisClient, site: string, date: string, keepUntil: number): Promise<DayDump[]> {
  const k = siteKeys(site);
  const [fields, paths, sketch, sketchUntil] = await Promise.all([
    client.hgetall(k.day(date)),
    client.zrange(k.dayPaths(date), 0, -1, 'WITHSCORES').then(decodePairs),
    client.getBuffer(k.daySketch(date)),
    client.pexpiretime(k.daySketch(date)),
  ]);
  // Listed in the index but expired.
  if (Object.keys(fields).length === 0) return [];
  const refused = emptyRefused();
  for (const reason of REFUSAL_REASONS) refused[reason] = num(fields[refusedField(reason)]);
  const dimensions = Object.keys(fields).filter((field) => field.startsWith(DAY_FIELDS.sourcesPrefix)).map((field) => field.slice(DAY_FIELDS.sourcesPrefix.length));
  const sources = await Promise.all(dimensions.map(async (dimension) => sourceRows(dimension, await client.hgetall(k.daySources(dimension, date)))));
  return [
    {
      date,
      views: num(fields[DAY_FIELDS.views]),
      visitors: sketch ? HyperLogLog.fromRedisBytes(sketch).count() : num(fields[DAY_FIELDS.visitors]),
      hours: Array.from({ length: 24 }, (_, hour) => num(fields[hourField(hour)])),
      paths,
      sources: sources.flat(),
      refused,
      imported: { views: num(fields[DAY_FIELDS.importedViews]), visitors: num(fields[DAY_FIELDS.importedVisitors]) },
      keepUntil,
      ...(sketch ? { sketch: sketch.toString('base64'), sketchUntil } : {}),
    },
  ];
}

/**
 * A dump's sketch, checked, with its count; `bytes` (to SET as they are, sparse or dense) is
 * left out for an empty sketch, since PFCOUNT of a missing key is 0 too.
 */
function sketchBytes(sketch: string | undefined): { bytes?: Buffer; count: number } | undefined {
  if (sketch === undefined) return undefined;
  const hll = HyperLogLog.fromBase64(sketch);
  return hll.isEmpty() ? { count: 0 } : { bytes: Buffer.from(sketch, 'base64'), count: hll.count() };
}

/** Splits a list so that no command gets more than `size` members. */
function chunks<T>(list: T[], size = PAIRS_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Replaces every key of `dump.site.id` with the dump, in one MULTI (the site's keys share a
 * slot). Entries whose time has passed are not written: Redis would expire them at once.
 * @throws Error before anything is changed when a sketch is not a valid HyperLogLog.
 */
export async function importSiteDump(client: RedisClient, dump: SiteDump, now: number): Promise<void> {
  const id = dump.site.id;
  const k = siteKeys(id);
  const days = dump.days.filter((day) => day.keepUntil > now).map((day) => ({ day, sketch: sketchBytes(day.sketch) }));
  const weeks = dump.weeks.filter((week) => week.keepUntil > now).map((week) => ({ week, sketch: sketchBytes(week.sketch) }));
  const periods = dump.periods.filter((period) => period.keepUntil > now).map((period) => ({ period, sketch: sketchBytes(period.sketch) }));
  const totalSketch = sketchBytes(dump.total.sketch);
  const salts = dump.salts.filter((salt) => salt.expiresAt > now);
  // Writers' seqs stay: a batch applied before the import is still not applied again.
  const existing = (await scanSiteKeys(client, id)).filter((key) => key !== k.writers);

  const tx = client.multi();
  for (const keys of chunks(existing, UNLINK_CHUNK)) tx.unlink(...keys);
  tx.set(k.settings, JSON.stringify(dump.site));
  for (const { day, sketch } of days) {
    const fields: Record<string, number> = {
      [DAY_FIELDS.views]: day.views,
      [DAY_FIELDS.visitors]: sketch ? sketch.count : day.visitors,
      [DAY_FIELDS.importedViews]: day.imported.views,
      [DAY_FIELDS.importedVisitors]: day.imported.visitors,
    };
    day.hours.forEach((views, hour) => {
      if (views) fields[hourField(hour)] = views;
    });
    for (const reason of REFUSAL_REASONS) if (day.refused[reason]) fields[refusedField(reason)] = day.refused[reason];
    const sources = new Map<string, Record<string, number>>();
    for (const [dimension, name, views, visitors] of day.sources) {
      let hash = sources.get(dimension);
      if (!hash) sources.set(dimension, (hash = {}));
      hash[SOURCE_FIELDS.views + name] = views;
      hash[SOURCE_FIELDS.visitors + name] = visitors;
      fields[DAY_FIELDS.sourcesPrefix + dimension] = 1;
    }
    const keepUntil = ms(day.keepUntil);
    tx.hset(k.day(day.date), fields).pexpireat(k.day(day.date), keepUntil);
    for (const [dimension, hash] of sources) tx.hset(k.daySources(dimension, day.date), hash).pexpireat(k.daySources(dimension, day.date), keepUntil);
    for (const part of chunks(day.paths)) tx.zadd(k.dayPaths(day.date), ...part.flatMap(([path, views]) => [views, path]));
    tx.pexpireat(k.dayPaths(day.date), keepUntil);
    const sketchUntil = ms(Math.min(day.sketchUntil ?? 0, keepUntil));
    if (sketch?.bytes && sketchUntil > now) tx.set(k.daySketch(day.date), sketch.bytes, 'PXAT', sketchUntil);
    tx.zadd(k.days, keepUntil, day.date);
  }
  const imported = (figures: Figures) => figures.views !== 0 || figures.visitors !== 0;
  for (const { week, sketch } of weeks) {
    const until = ms(week.keepUntil);
    // A week only imported history reached has no counted key, as it had none before.
    if (week.views !== 0 || sketch?.bytes || !imported(week.imported)) {
      tx.set(k.week(week.label), week.views, 'PXAT', until);
      if (sketch?.bytes) tx.set(k.weekSketch(week.label), sketch.bytes, 'PXAT', until);
    }
    if (imported(week.imported)) {
      tx.hset(k.weekImports(week.label), { [PERIOD_FIELDS.importedViews]: week.imported.views, [PERIOD_FIELDS.importedVisitors]: week.imported.visitors });
      tx.pexpireat(k.weekImports(week.label), until);
    }
    tx.zadd(k.weeks, until, week.label);
  }
  for (const { period, sketch } of periods) {
    const until = ms(period.keepUntil);
    const hash = k.period(period.kind, period.label);
    tx.hset(hash, {
      [PERIOD_FIELDS.views]: period.views,
      [PERIOD_FIELDS.visitors]: sketch ? sketch.count : period.visitors,
      [PERIOD_FIELDS.importedViews]: period.imported.views,
      [PERIOD_FIELDS.importedVisitors]: period.imported.visitors,
    });
    tx.pexpireat(hash, until);
    const sketchUntil = ms(Math.min(period.sketchUntil ?? 0, until));
    if (sketch?.bytes && sketchUntil > now) tx.set(k.periodSketch(period.kind, period.label), sketch.bytes, 'PXAT', sketchUntil);
    tx.zadd(k.periods, until, periodMember(period.kind, period.label));
  }
  for (const salt of salts) {
    tx.set(k.salt(salt.period), salt.salt, 'PXAT', ms(salt.expiresAt));
    tx.zadd(k.salts, ms(salt.expiresAt), salt.period);
  }
  const latest = (times: number[]): number => ms(Math.max(0, ...times));
  if (days.length > 0) tx.pexpireat(k.days, latest(days.map(({ day }) => day.keepUntil)));
  if (weeks.length > 0) tx.pexpireat(k.weeks, latest(weeks.map(({ week }) => week.keepUntil)));
  if (periods.length > 0) tx.pexpireat(k.periods, latest(periods.map(({ period }) => period.keepUntil)));
  if (salts.length > 0) tx.pexpireat(k.salts, latest(salts.map((salt) => salt.expiresAt)));
  const { total } = dump;
  tx.hset(k.total, {
    [TOTAL_FIELDS.views]: total.views,
    [TOTAL_FIELDS.lastHit]: total.lastHit,
    [TOTAL_FIELDS.importedViews]: total.imported.views,
    [TOTAL_FIELDS.importedVisitors]: total.imported.visitors,
  });
  if (totalSketch?.bytes) tx.set(k.totalSketch, totalSketch.bytes);
  for (const part of chunks(total.paths)) tx.hset(k.totalPaths, Object.fromEntries(part));
  for (const part of chunks(total.candidates)) {
    tx.hset(k.candidates, Object.fromEntries(part.map((candidate) => [candidate.path, `${candidate.views}:${candidate.earner}`])));
    tx.zadd(k.candidatesSeen, ...part.flatMap((candidate) => [ms(candidate.seen), candidate.path]));
  }
  for (const part of chunks(dump.pageBaselines)) tx.hset(k.pageBaselines, Object.fromEntries(part));
  // MULTI reports a failed command in its results, not as a rejection.
  const failed = (await tx.exec())?.find(([error]) => error);
  if (failed) throw failed[0];
  // The set of sites is a global key in another slot: a command of its own.
  await client.sadd(SITES_KEY, id);
}
