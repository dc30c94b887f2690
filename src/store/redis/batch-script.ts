/**
 * `applyBatch` as one Lua script: one EVALSHA per batch, atomic, and idempotent through the
 * batch id. The batch travels as one JSON argument (cjson decodes it in C, far cheaper than
 * the script's own work); Maps and Sets become flat `[key, value, key, value]` arrays.
 */
import { MAX_SOURCE_NAMES, OTHER_PATH, PATH_CANDIDATE_MS, WRITER_MEMORY_MS, type RateTotals, type SiteBatch } from '../store.js';
import { DAY_FIELDS, PERIOD_FIELDS, SOURCE_FIELDS, TOTAL_FIELDS, periodMember, siteKeys } from './keys.js';
import { LUA_HELPERS, lua } from './lua-helpers.js';

/** How long a rate-limit minute is kept after its last write: the minute and the next. */
const RATE_TTL_MS = 120_000;
/** An online entry outlives its window by this much, so a slow clock never drops one early. */
const ONLINE_MARGIN_MS = 60_000;
/** Arguments per PFADD / ZADD call; keeps `unpack` far below Lua's C stack limit. */
const CHUNK = 1000;
/** Past this many writers in a site's hash, those not heard of for a day are dropped. */
const MAX_WRITERS = 32;
/** Candidates past their time dropped per batch: the rest go with the next ones. */
const CANDIDATE_PRUNE = 100;

/**
 * KEYS: 1 writers' last seqs, 2 all-time hash, 3 all-time HLL, 4 earned paths, 5 online, 6 days
 * index, 7 weeks index, 8 candidate paths, 9 candidates' last views, 10 periods index. ARGV[1]:
 * the batch (see {@link encodeBatch}); period keys are in it, all with the site's hash tag, so
 * they share KEYS[1]'s slot. Returns `{}` for a batch seen before, else
 * `{{minute, {id, total, …}}, …}`.
 */
export const APPLY_BATCH_LUA = `${LUA_HELPERS}
-- Decoded before the first write: a payload that fails to decode changes nothing.
local b = cjson.decode(ARGV[1])
-- A seq not above the writer's last one was applied before (see SiteBatch in store.ts).
local last = redis.call('HGET', KEYS[1], b.wr)
if last and tonumber(string.match(last, '^%d+')) >= b.sq then return {} end
if redis.call('HLEN', KEYS[1]) > ${MAX_WRITERS} then
  -- Writers of stopped instances are forgotten after WRITER_MEMORY_MS.
  local fields = redis.call('HGETALL', KEYS[1])
  for i = 1, #fields, 2 do
    if tonumber(string.match(fields[i + 1], ':(%d+)$')) < b.t - ${WRITER_MEMORY_MS} then redis.call('HDEL', KEYS[1], fields[i]) end
  end
end
redis.call('HSET', KEYS[1], b.wr, b.sq .. ':' .. b.t)
redis.call('PEXPIRE', KEYS[1], ${WRITER_MEMORY_MS})
local total, totalSketch, earned, online = KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local candidates, candidatesSeen = KEYS[8], KEYS[9]
local OTHER = ${lua(OTHER_PATH)}

local function addAll(key, command, list, step)
  for i = 1, #list, step do
    redis.call(command, key, unpack(list, i, math.min(i + step - 1, #list)))
  end
end

-- Counts n views of path in a day's capped zset of \`count\` paths, as cappedKey (capped-key.ts)
-- decides; returns the new count. Below the cap every path is kept as it is, and a new total
-- equal to n shows the path was new, which saves asking first.
local function addDayPath(paths, count, max, path, n)
  if count < max and n > 0 then
    if tonumber(redis.call('ZINCRBY', paths, int(n), path)) == n then count = count + 1 end
    return count
  end
  local key, known = path, redis.call('ZSCORE', paths, path)
  if not known and count >= max then key, known = OTHER, redis.call('ZSCORE', paths, OTHER) end
  redis.call('ZINCRBY', paths, int(n), key)
  if not known then count = count + 1 end
  return count
end

-- countAllTime of path-slots.ts: an earned slot counts on; a candidate is earned by a second,
-- different earner while earned slots remain, else it stays a candidate; a new path takes a
-- candidate slot, the one viewed longest ago making room when all are taken.
local function countAllTime(path, n, earners, limit)
  if redis.call('HEXISTS', earned, path) == 1 then
    redis.call('HINCRBY', earned, path, int(n))
    return
  end
  local stored = redis.call('HGET', candidates, path)
  local views, earner, seen = n, nil, {}
  local distinct = 0
  if stored then
    local v, e = string.match(stored, '^(%d+):(.*)$')
    views, earner = tonumber(v) + n, e
    seen[e] = true
    distinct = 1
  end
  for _, e in ipairs(earners) do
    if not seen[e] then seen[e] = true; distinct = distinct + 1 end
  end
  if distinct >= 2 and redis.call('HLEN', earned) < limit then
    if stored then
      redis.call('HDEL', candidates, path)
      redis.call('ZREM', candidatesSeen, path)
    end
    redis.call('HSET', earned, path, int(views))
    return
  end
  if not stored then
    earner = earners[1] or ''
    if redis.call('HLEN', candidates) >= limit then
      local oldest = redis.call('ZRANGE', candidatesSeen, 0, 0)[1]
      if oldest then
        redis.call('HDEL', candidates, oldest)
        redis.call('ZREM', candidatesSeen, oldest)
      end
    end
  end
  redis.call('HSET', candidates, path, int(views) .. ':' .. earner)
  redis.call('ZADD', candidatesSeen, int(b.t), path)
end

local expired = redis.call('ZRANGEBYSCORE', candidatesSeen, '-inf', int(b.t - ${PATH_CANDIDATE_MS}), 'LIMIT', 0, ${CANDIDATE_PRUNE})
if #expired > 0 then
  redis.call('HDEL', candidates, unpack(expired))
  redis.call('ZREM', candidatesSeen, unpack(expired))
end

local totalViews = 0
for _, d in ipairs(b.d) do
  local day, dayPaths, daySketch = d.k[1], d.k[2], d.k[3]
  -- Always written, so a day with only refusals or zero views exists, as in the memory store.
  redis.call('HINCRBY', day, ${lua(DAY_FIELDS.views)}, int(d.v))
  totalViews = totalViews + d.v
  for i = 1, #d.h, 2 do redis.call('HINCRBY', day, ${lua(DAY_FIELDS.hourPrefix)} .. d.h[i], int(d.h[i + 1])) end
  for i = 1, #d.r, 2 do redis.call('HINCRBY', day, ${lua(DAY_FIELDS.refusedPrefix)} .. d.r[i], int(d.r[i + 1])) end
  local dayPathCount = redis.call('ZCARD', dayPaths)
  for _, p in ipairs(d.p) do
    dayPathCount = addDayPath(dayPaths, dayPathCount, b.pl[1], p[1], p[2])
    countAllTime(p[1], p[2], p[3], b.pl[2])
  end
  -- d.c: {dimension, hash key, {{name, views, visitors}, …}}; a name past the cap counts as (other).
  for _, c in ipairs(d.c) do
    local hash = c[2]
    local names = redis.call('HLEN', hash) / 2
    for _, n in ipairs(c[3]) do
      local name = n[1]
      if redis.call('HEXISTS', hash, ${lua(SOURCE_FIELDS.views)} .. name) == 0 then
        if names >= ${MAX_SOURCE_NAMES} then name = OTHER end
        if redis.call('HEXISTS', hash, ${lua(SOURCE_FIELDS.views)} .. name) == 0 then names = names + 1 end
      end
      redis.call('HINCRBY', hash, ${lua(SOURCE_FIELDS.views)} .. name, int(n[2]))
      redis.call('HINCRBY', hash, ${lua(SOURCE_FIELDS.visitors)} .. name, int(n[3]))
    end
    redis.call('HSET', day, ${lua(DAY_FIELDS.sourcesPrefix)} .. c[1], 1)
    expireAt(hash, d.e)
  end
  if #d.i > 0 then
    addAll(daySketch, 'PFADD', d.i, ${CHUNK})
    addAll(totalSketch, 'PFADD', d.i, ${CHUNK})
    redis.call('HSET', day, ${lua(DAY_FIELDS.visitors)}, redis.call('PFCOUNT', daySketch))
    expireAt(daySketch, d.s)
  end
  expireAt(day, d.e)
  expireAt(dayPaths, d.e)
  indexAdd(KEYS[6], d.e, d.n)
end

for _, q in ipairs(b.q) do
  local hash, sketch = q.k[1], q.k[2]
  redis.call('HINCRBY', hash, ${lua(PERIOD_FIELDS.views)}, int(q.v))
  if #q.i > 0 then
    addAll(sketch, 'PFADD', q.i, ${CHUNK})
    redis.call('HSET', hash, ${lua(PERIOD_FIELDS.visitors)}, redis.call('PFCOUNT', sketch))
    expireAt(sketch, q.s)
  end
  expireAt(hash, q.e)
  indexAdd(KEYS[10], q.e, q.n)
end

for _, w in ipairs(b.w) do
  redis.call('INCRBY', w.k[1], int(w.v))
  if #w.i > 0 then
    addAll(w.k[2], 'PFADD', w.i, ${CHUNK})
    expireAt(w.k[2], w.e)
  end
  expireAt(w.k[1], w.e)
  -- The week's imported sums live as long as its counted figures, as one period.
  expireAt(w.k[3], w.e)
  indexAdd(KEYS[7], w.e, w.n)
end

-- b.o is {seen, id, seen, id, …}: ZADD's own order. GT keeps the newest sighting.
if #b.o > 0 then addAll(online, 'ZADD', b.o, ${2 * CHUNK}) end
redis.call('ZREMRANGEBYSCORE', online, '-inf', '(' .. int(b.s))
if #b.o > 0 then
  local newest = 0
  for i = 1, #b.o, 2 do newest = math.max(newest, b.o[i]) end
  local ttl = math.max(newest - b.s, 0) + ${ONLINE_MARGIN_MS}
  local left = redis.call('PTTL', online)
  if left ~= -2 and left < ttl then redis.call('PEXPIRE', online, int(ttl)) end
end

local totals = {}
for _, r in ipairs(b.r) do
  local out = {}
  for i = 1, #r.c, 2 do
    out[#out + 1] = r.c[i]
    out[#out + 1] = redis.call('HINCRBY', r.k, r.c[i], int(r.c[i + 1]))
  end
  redis.call('PEXPIRE', r.k, ${RATE_TTL_MS})
  totals[#totals + 1] = { r.m, out }
end

if totalViews ~= 0 then redis.call('HINCRBY', total, ${lua(TOTAL_FIELDS.views)}, int(totalViews)) end
if b.l > 0 then
  local last = tonumber(redis.call('HGET', total, ${lua(TOTAL_FIELDS.lastHit)}) or '0')
  if b.l > last then redis.call('HSET', total, ${lua(TOTAL_FIELDS.lastHit)}, int(b.l)) end
end
return totals
`;

/** Flattens a Map into `[k1, v1, k2, v2, …]`, optionally keeping only some values. */
function flat<K, V>(entries: Iterable<[K, V]>, keep: (value: V) => boolean = () => true): Array<K | V> {
  const out: Array<K | V> = [];
  for (const [key, value] of entries) if (keep(value)) out.push(key, value);
  return out;
}

function nonZero(count: number | undefined): boolean {
  return count !== undefined && count !== 0;
}

/** The KEYS and the one ARGV of {@link APPLY_BATCH_LUA} for `batch`. */
export function encodeBatch(batch: SiteBatch): { keys: string[]; args: string[] } {
  const k = siteKeys(batch.site);
  const keys = [k.writers, k.total, k.totalSketch, k.totalPaths, k.online, k.days, k.weeks, k.candidates, k.candidatesSeen, k.periods];
  const online: Array<string | number> = [];
  for (const [id, seen] of batch.online) online.push(seen, id);
  const payload = {
    wr: batch.writer,
    sq: batch.seq,
    t: Date.now(),
    d: batch.days.map((day) => ({
      k: [k.day(day.date), k.dayPaths(day.date), k.daySketch(day.date)],
      n: day.date,
      v: day.views,
      // `hours` may be short or sparse; holes read as undefined.
      h: flat(day.hours.entries(), nonZero),
      p: [...day.paths].map(([path, { views, earners }]) => [path, views, earners]),
      c: [...day.sources].map(([dimension, names]) => [
        dimension,
        k.daySources(dimension, day.date),
        [...names].map(([name, count]) => [name, count.views, count.visitors]),
      ]),
      i: [...day.ids],
      r: flat(day.refused, nonZero),
      e: day.keepUntil,
      // The memory store drops a day's sketch with the day; so does Redis with this expiry.
      s: Math.min(day.sketchUntil, day.keepUntil),
    })),
    w: batch.weeks.map((week) => ({
      k: [k.week(week.label), k.weekSketch(week.label), k.weekImports(week.label)],
      n: week.label,
      v: week.views,
      i: [...week.ids],
      e: week.keepUntil,
    })),
    q: batch.periods.map((period) => ({
      k: [k.period(period.kind, period.label), k.periodSketch(period.kind, period.label)],
      n: periodMember(period.kind, period.label),
      v: period.views,
      i: [...period.ids],
      e: period.keepUntil,
      s: Math.min(period.sketchUntil, period.keepUntil),
    })),
    pl: [batch.pathLimit.day, batch.pathLimit.total],
    o: online,
    s: batch.onlineSince,
    r: batch.rate.map(({ minute, counts }) => ({ k: k.rate(minute), m: minute, c: flat(counts) })),
    l: batch.lastHit,
  };
  return { keys, args: [JSON.stringify(payload)] };
}

/** The script's reply as the Store interface returns it. */
export function decodeRateTotals(reply: unknown): RateTotals {
  return (reply as Array<[number, Array<string | number>]>).map(([minute, pairs]) => {
    const totals = new Map<string, number>();
    for (let i = 0; i < pairs.length; i += 2) totals.set(String(pairs[i]), Number(pairs[i + 1]));
    return { minute: Number(minute), totals };
  });
}
