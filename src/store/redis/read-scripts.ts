/**
 * The read scripts: each read of the Store interface in one round trip, whatever the number of
 * keys it touches. They write only to prune online entries.
 */
import type { CountsQuery, DayRecord, PeriodFigures, SourceFigures, StoredFigures } from '../store.js';
import { DAY_FIELDS, PERIOD_FIELDS, SOURCE_FIELDS, TOTAL_FIELDS, dayKeyPrefixes, siteKeys } from './keys.js';
import { lua } from './lua-helpers.js';

/**
 * KEYS: 1 online, 2 day, 3 day HLL, 4 week views, 5 week HLL, 6 all-time, 7 all-time HLL,
 * 8 earned paths, 9 yesterday, 10 yesterday HLL, 11 week imports, 12 month, 13 month HLL,
 * 14 year, 15 year HLL, 16 candidate paths, 17 page baselines. ARGV: 1 onlineSince, 2… paths.
 * A period whose sketch has expired reports the visitors counted last; PFCOUNT of a missing
 * key is 0.
 */
export const READ_COUNTS_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local function visitors(hash, field, sketch)
  if redis.call('EXISTS', sketch) == 1 then return redis.call('PFCOUNT', sketch) end
  return redis.call('HGET', hash, field) or '0'
end
local function period(hash, sketch)
  local f = redis.call('HMGET', hash, ${lua(PERIOD_FIELDS.views)}, ${lua(PERIOD_FIELDS.importedViews)}, ${lua(PERIOD_FIELDS.importedVisitors)})
  return { f[1] or '0', visitors(hash, ${lua(PERIOD_FIELDS.visitors)}, sketch), f[2] or '0', f[3] or '0' }
end
local day = redis.call('HMGET', KEYS[2], ${lua(DAY_FIELDS.views)})
local total = redis.call('HMGET', KEYS[6], ${lua(TOTAL_FIELDS.views)}, ${lua(TOTAL_FIELDS.importedViews)},
  ${lua(TOTAL_FIELDS.importedVisitors)}, ${lua(TOTAL_FIELDS.lastHit)})
local weekImported = redis.call('HMGET', KEYS[11], ${lua(PERIOD_FIELDS.importedViews)}, ${lua(PERIOD_FIELDS.importedVisitors)})
local pages = {}
for i = 2, #ARGV do
  local views = redis.call('HGET', KEYS[8], ARGV[i])
  if not views then
    local candidate = redis.call('HGET', KEYS[16], ARGV[i])
    views = candidate and string.match(candidate, '^(%d+)') or '0'
  end
  pages[#pages + 1] = views
  pages[#pages + 1] = redis.call('HGET', KEYS[17], ARGV[i]) or '0'
end
return {
  redis.call('ZCARD', KEYS[1]),
  { day[1] or '0', visitors(KEYS[2], ${lua(DAY_FIELDS.visitors)}, KEYS[3]) },
  period(KEYS[9], KEYS[10]),
  { redis.call('GET', KEYS[4]) or '0', redis.call('PFCOUNT', KEYS[5]), weekImported[1] or '0', weekImported[2] or '0' },
  period(KEYS[12], KEYS[13]),
  period(KEYS[14], KEYS[15]),
  { total[1] or '0', redis.call('PFCOUNT', KEYS[7]), total[2] or '0', total[3] or '0' },
  total[4] or '0',
  pages,
}
`;

/** KEYS and ARGV of {@link READ_COUNTS_LUA} for a query. */
export function readFiguresArgs(query: CountsQuery): { keys: string[]; args: string[] } {
  const k = siteKeys(query.site);
  return {
    keys: [
      k.online, k.day(query.date), k.daySketch(query.date), k.week(query.week), k.weekSketch(query.week), k.total, k.totalSketch, k.totalPaths,
      k.day(query.yesterday), k.daySketch(query.yesterday), k.weekImports(query.week),
      k.period('month', query.month), k.periodSketch('month', query.month), k.period('year', query.year), k.periodSketch('year', query.year),
      k.candidates, k.pageBaselines,
    ],
    args: [String(query.onlineSince), ...query.paths],
  };
}

type Cell = string | number | null;

/** The reply of {@link READ_COUNTS_LUA} as figures. */
export function decodeFigures(reply: unknown): StoredFigures {
  const r = reply as [number, Cell[], Cell[], Cell[], Cell[], Cell[], Cell[], Cell, Cell[]];
  const n = (value: Cell | undefined): number => Number(value ?? 0);
  const period = (cells: Cell[]): PeriodFigures => ({ views: n(cells[0]), visitors: n(cells[1]), imported: { views: n(cells[2]), visitors: n(cells[3]) } });
  const pages: StoredFigures['pages'] = [];
  for (let i = 0; i < r[8].length; i += 2) pages.push({ views: n(r[8][i]), baseline: n(r[8][i + 1]) });
  return {
    online: n(r[0]),
    today: { views: n(r[1][0]), visitors: n(r[1][1]) },
    yesterday: period(r[2]),
    week: period(r[3]),
    month: period(r[4]),
    year: period(r[5]),
    total: period(r[6]),
    pages,
    lastHit: n(r[7]),
  };
}

/**
 * KEYS: 1 days index. ARGV: 1 from, 2 to (dates as YYYYMMDD numbers: Lua compares strings by
 * the server's locale), 3 day key prefix, 4 day HLL prefix. Days whose hash has expired are
 * skipped even while the index still lists them.
 */
export const READ_HISTORY_LUA = `
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for _, date in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local n = tonumber((string.gsub(date, '-', '')))
  if n and n >= from and n <= to then
    local f = redis.call('HMGET', ARGV[3] .. date, ${lua(DAY_FIELDS.views)}, ${lua(DAY_FIELDS.visitors)},
      ${lua(DAY_FIELDS.importedViews)}, ${lua(DAY_FIELDS.importedVisitors)})
    if f[1] or f[2] or f[3] or f[4] then
      local visitors = f[2] or '0'
      local sketch = ARGV[4] .. date
      if redis.call('EXISTS', sketch) == 1 then visitors = redis.call('PFCOUNT', sketch) end
      out[#out + 1] = { date, f[1] or '0', visitors, f[3] or '0', f[4] or '0' }
    end
  end
end
return out
`;

/** A date's YYYYMMDD number, or the given bound for anything that is not a date. */
function dateNumber(date: string, otherwise: number): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? Number(date.replaceAll('-', '')) : otherwise;
}

/** KEYS and ARGV of {@link READ_HISTORY_LUA}. */
export function readHistoryArgs(site: string, from: string, to: string): { keys: string[]; args: string[] } {
  const prefixes = dayKeyPrefixes(site);
  return {
    keys: [siteKeys(site).days],
    args: [String(dateNumber(from, 0)), String(dateNumber(to, 99_999_999)), prefixes.day, prefixes.daySketch],
  };
}

/** Rows sorted by date and filtered as the memory store does (string comparison). */
export function decodeHistory(reply: unknown, from: string, to: string): DayRecord[] {
  return (reply as Array<[string, string, string | number, string, string]>)
    .filter(([date]) => date >= from && date <= to)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, views, visitors, importedViews, importedVisitors]) => ({
      date,
      views: Number(views),
      visitors: Number(visitors),
      imported: { views: Number(importedViews), visitors: Number(importedVisitors) },
    }));
}

/**
 * KEYS: 1 days index. ARGV: 1 from, 2 to (YYYYMMDD numbers, as READ_HISTORY_LUA), 3 the source
 * hash prefix of one dimension (the date is appended). Returns `name, views, visitors, …`
 * summed over the days.
 */
export const READ_SOURCES_LUA = `
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
local views, visitors, names = {}, {}, {}
for _, date in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local n = tonumber((string.gsub(date, '-', '')))
  if n and n >= from and n <= to then
    local fields = redis.call('HGETALL', ARGV[3] .. date)
    for i = 1, #fields, 2 do
      local kind, name = string.sub(fields[i], 1, 2), string.sub(fields[i], 3)
      if not views[name] then views[name], visitors[name] = 0, 0; names[#names + 1] = name end
      if kind == ${lua(SOURCE_FIELDS.views)} then views[name] = views[name] + tonumber(fields[i + 1])
      else visitors[name] = visitors[name] + tonumber(fields[i + 1]) end
    end
  end
end
local out = {}
for _, name in ipairs(names) do
  out[#out + 1] = name
  out[#out + 1] = views[name]
  out[#out + 1] = visitors[name]
end
return out
`;

/** KEYS and ARGV of {@link READ_SOURCES_LUA}. */
export function readSourcesArgs(site: string, dimension: string, from: string, to: string): { keys: string[]; args: string[] } {
  return {
    keys: [siteKeys(site).days],
    args: [String(dateNumber(from, 0)), String(dateNumber(to, 99_999_999)), siteKeys(site).daySources(dimension, '')],
  };
}

/** The reply of {@link READ_SOURCES_LUA}. */
export function decodeSources(reply: unknown): SourceFigures[] {
  const flat = reply as Array<string | number>;
  const out: SourceFigures[] = [];
  for (let i = 0; i < flat.length; i += 3) out.push({ name: String(flat[i]), views: Number(flat[i + 1]), visitors: Number(flat[i + 2]) });
  return out;
}

/**
 * KEYS: 1 day paths. ARGV: 1 limit (≥ 1). Returns path, score pairs: the top `limit` and every
 * path tied with the last of them, because ties are ordered by path in JS (compareText),
 * not by Redis' byte order.
 */
export const TOP_PAGES_LUA = `
local limit = tonumber(ARGV[1])
local top = redis.call('ZREVRANGE', KEYS[1], 0, limit - 1, 'WITHSCORES')
if #top < 2 * limit then return top end
return redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', top[#top], 'WITHSCORES')
`;

/** `[path, score, path, score, …]` as entries. */
export function decodePairs(reply: unknown): Array<[string, number]> {
  const flat = reply as string[];
  const out: Array<[string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] ?? '', Number(flat[i + 1])]);
  return out;
}
