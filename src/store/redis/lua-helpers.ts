/**
 * Lua shared by the scripts, and the way TypeScript constants reach Lua: scripts are kept as
 * TypeScript strings so `tsc` output needs no extra files, and constants (caps, field names)
 * are interpolated from their one definition instead of being copied.
 */

/** A JS value as a Lua literal (strings and numbers; JSON's syntax is valid Lua for both). */
export function lua(value: string | number): string {
  return JSON.stringify(value);
}

/**
 * `int(n)`: a whole number as Redis wants it. Lua 5.1 turns numbers into strings with "%.14g",
 * which writes 1e+15 for large counts and would make HINCRBY fail on the stored value.
 *
 * `expireAt(key, at)`: sets the expiry to `at` (epoch ms) unless it is already later; a key
 * without expiry gets one, a missing key is left alone. PEXPIRETIME needs Redis 7.0.
 *
 * `indexAdd(index, at, member)`: records that `member`'s keys live until `at` in an index zset,
 * drops members whose time has passed (Redis' clock: the one its TTLs follow) and lets the
 * index itself expire with its last member.
 */
export const LUA_HELPERS = `
local function int(n)
  return string.format('%d', n)
end

local function expireAt(key, at)
  at = tonumber(at)
  local current = redis.call('PEXPIRETIME', key)
  if current ~= -2 and current < at then
    redis.call('PEXPIREAT', key, int(at))
  end
end

local nowMs
local function now()
  if not nowMs then
    local t = redis.call('TIME')
    nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return nowMs
end

local function indexAdd(index, at, member)
  redis.call('ZADD', index, 'GT', int(at), member)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', int(now()))
  expireAt(index, at)
end
`;
