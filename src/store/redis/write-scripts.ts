/**
 * Small write scripts where a read and a write must happen as one: the shared salt, and the
 * imported history whose all-time sums follow each day's difference.
 */
import type { ImportedDay } from '../store.js';
import { DAY_FIELDS, TOTAL_FIELDS, siteKeys } from './keys.js';
import { LUA_HELPERS, lua } from './lua-helpers.js';

/**
 * KEYS: 1 salt, 2 salts index. ARGV: 1 candidate, 2 expiresAt (epoch ms), 3 period.
 * Stores the candidate unless a salt exists, and returns the stored one: racing instances run
 * one after the other inside Redis and so agree.
 */
export const SALT_LUA = `${LUA_HELPERS}
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2]) then
  indexAdd(KEYS[2], ARGV[2], ARGV[3])
  return ARGV[1]
end
return redis.call('GET', KEYS[1])
`;

/** KEYS and ARGV of {@link SALT_LUA}. */
export function saltArgs(site: string, period: string, candidate: string, expiresAt: number): { keys: string[]; args: string[] } {
  const k = siteKeys(site);
  // PXAT refuses 0 and negative times; such a salt is expired anyway.
  return { keys: [k.salt(period), k.salts], args: [candidate, String(Math.max(1, Math.trunc(expiresAt))), period] };
}

/**
 * KEYS: 1 all-time, 2 days index. ARGV[1]: JSON `[{k: day key, n: date, v, u, e: keepUntil}]`.
 * Replaces each day's import and moves the all-time imported sums by the difference, in one
 * script so that concurrent imports cannot both read the same previous value.
 */
export const IMPORT_HISTORY_LUA = `${LUA_HELPERS}
local views, visitors = 0, 0
for _, d in ipairs(cjson.decode(ARGV[1])) do
  local before = redis.call('HMGET', d.k, ${lua(DAY_FIELDS.importedViews)}, ${lua(DAY_FIELDS.importedVisitors)})
  views = views + d.v - tonumber(before[1] or '0')
  visitors = visitors + d.u - tonumber(before[2] or '0')
  redis.call('HSET', d.k, ${lua(DAY_FIELDS.importedViews)}, int(d.v), ${lua(DAY_FIELDS.importedVisitors)}, int(d.u))
  expireAt(d.k, d.e)
  indexAdd(KEYS[2], d.e, d.n)
end
if views ~= 0 then redis.call('HINCRBY', KEYS[1], ${lua(TOTAL_FIELDS.importedViews)}, int(views)) end
if visitors ~= 0 then redis.call('HINCRBY', KEYS[1], ${lua(TOTAL_FIELDS.importedVisitors)}, int(visitors)) end
return 1
`;

/** KEYS and ARGV of {@link IMPORT_HISTORY_LUA}; each day's key is built here, not in Lua. */
export function importHistoryArgs(site: string, days: ImportedDay[]): { keys: string[]; args: string[] } {
  const k = siteKeys(site);
  const list = days.map((day) => ({ k: k.day(day.date), n: day.date, v: day.views, u: day.visitors, e: day.keepUntil }));
  return { keys: [k.total, k.days], args: [JSON.stringify(list)] };
}
