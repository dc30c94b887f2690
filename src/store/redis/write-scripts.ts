/**
 * Small write scripts where a read and a write must happen as one: the shared salt, and the
 * imported history whose all-time sums follow each day's difference.
 */
import type { ImportedDay } from '../store.js';
import { DAY_FIELDS, PERIOD_FIELDS, TOTAL_FIELDS, periodMember, siteKeys } from './keys.js';
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
 * KEYS: 1 all-time, 2 days index, 3 weeks index, 4 periods index. ARGV[1]: JSON
 * `[{k: day key, n: date, v, u, e: keepUntil, p: [[hash, index member, keepUntil, is week, …keys kept as long], …]}]`.
 * Replaces each day's import and moves the imported sums of all-time and of the day's week,
 * month and year by the difference, in one script so that concurrent imports cannot both read
 * the same previous value. A week whose time has passed is not written: it would expire at once.
 */
export const IMPORT_HISTORY_LUA = `${LUA_HELPERS}
local views, visitors = 0, 0
for _, d in ipairs(cjson.decode(ARGV[1])) do
  local before = redis.call('HMGET', d.k, ${lua(DAY_FIELDS.importedViews)}, ${lua(DAY_FIELDS.importedVisitors)})
  local dv, du = d.v - tonumber(before[1] or '0'), d.u - tonumber(before[2] or '0')
  views, visitors = views + dv, visitors + du
  redis.call('HSET', d.k, ${lua(DAY_FIELDS.importedViews)}, int(d.v), ${lua(DAY_FIELDS.importedVisitors)}, int(d.u))
  expireAt(d.k, d.e)
  indexAdd(KEYS[2], d.e, d.n)
  for _, p in ipairs(d.p) do
    if p[3] > now() and (dv ~= 0 or du ~= 0) then
      redis.call('HINCRBY', p[1], ${lua(PERIOD_FIELDS.importedViews)}, int(dv))
      redis.call('HINCRBY', p[1], ${lua(PERIOD_FIELDS.importedVisitors)}, int(du))
      expireAt(p[1], p[3])
      -- A week's counted keys live as long as its imported sums, as one period.
      for j = 5, #p do expireAt(p[j], p[3]) end
      indexAdd(p[4] and KEYS[3] or KEYS[4], p[3], p[2])
    end
  end
end
if views ~= 0 then redis.call('HINCRBY', KEYS[1], ${lua(TOTAL_FIELDS.importedViews)}, int(views)) end
if visitors ~= 0 then redis.call('HINCRBY', KEYS[1], ${lua(TOTAL_FIELDS.importedVisitors)}, int(visitors)) end
return 1
`;

/** KEYS and ARGV of {@link IMPORT_HISTORY_LUA}; each key is built here, not in Lua. */
export function importHistoryArgs(site: string, days: ImportedDay[]): { keys: string[]; args: string[] } {
  const k = siteKeys(site);
  const list = days.map((day) => ({
    k: k.day(day.date),
    n: day.date,
    v: day.views,
    u: day.visitors,
    e: day.keepUntil,
    p: [
      [k.weekImports(day.week.label), day.week.label, day.week.keepUntil, true, k.week(day.week.label), k.weekSketch(day.week.label)],
      [k.period('month', day.month.label), periodMember('month', day.month.label), day.month.keepUntil, false],
      [k.period('year', day.year.label), periodMember('year', day.year.label), day.year.keepUntil, false],
    ],
  }));
  return { keys: [k.total, k.days, k.weeks, k.periods], args: [JSON.stringify(list)] };
}
