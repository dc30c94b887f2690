/**
 * The read scripts: each read of the Store interface in one round trip, whatever the number of
 * keys it touches. They write only to prune online entries.
 */
import type { CountsQuery, DayRecord, StoredFigures } from '../store.js';
import { DAY_FIELDS, TOTAL_FIELDS, dayKeyPrefixes, siteKeys } from './keys.js';
import { lua } from './lua-helpers.js';

/**
 * KEYS: 1 online, 2 day, 3 day HLL, 4 week views, 5 week HLL, 6 all-time, 7 all-time HLL,
 * 8 all-time paths. ARGV: 1 onlineSince, 2… paths. A day whose sketch has expired reports the
 * visitors counted last; PFCOUNT of a missing key is 0.
 */
export const READ_COUNTS_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local day = redis.call('HMGET', KEYS[2], ${lua(DAY_FIELDS.views)}, ${lua(DAY_FIELDS.visitors)})
local dayVisitors = day[2] or '0'
if redis.call('EXISTS', KEYS[3]) == 1 then dayVisitors = redis.call('PFCOUNT', KEYS[3]) end
local total = redis.call('HMGET', KEYS[6], ${lua(TOTAL_FIELDS.views)}, ${lua(TOTAL_FIELDS.importedViews)},
  ${lua(TOTAL_FIELDS.importedVisitors)}, ${lua(TOTAL_FIELDS.lastHit)})
local pages = {}
if #ARGV > 1 then pages = redis.call('HMGET', KEYS[8], unpack(ARGV, 2)) end
return {
  redis.call('ZCARD', KEYS[1]),
  day[1] or '0', dayVisitors,
  redis.call('GET', KEYS[4]) or '0', redis.call('PFCOUNT', KEYS[5]),
  total[1] or '0', total[2] or '0', redis.call('PFCOUNT', KEYS[7]), total[3] or '0', total[4] or '0',
  pages,
}
`;

/** KEYS and ARGV of {@link READ_COUNTS_LUA} for a query. */
export function readFiguresArgs(query: CountsQuery): { keys: string[]; args: string[] } {
  const k = siteKeys(query.site);
  return {
    keys: [k.online, k.day(query.date), k.daySketch(query.date), k.week(query.week), k.weekSketch(query.week), k.total, k.totalSketch, k.totalPaths],
    args: [String(query.onlineSince), ...query.paths],
  };
}

/** The reply of {@link READ_COUNTS_LUA} as figures. */
export function decodeFigures(reply: unknown): StoredFigures {
  const r = reply as [number, string, string | number, string, number, string, string, number, string, string, Array<string | null>];
  const n = (value: string | number | null): number => Number(value ?? 0);
  return {
    online: n(r[0]),
    today: { views: n(r[1]), visitors: n(r[2]) },
    week: { views: n(r[3]), visitors: n(r[4]) },
    total: { views: n(r[5]), visitors: n(r[7]) },
    imported: { views: n(r[6]), visitors: n(r[8]) },
    pages: r[10].map(n),
    lastHit: n(r[9]),
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
