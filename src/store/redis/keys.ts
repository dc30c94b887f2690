/**
 * Every Redis key name footfall uses, built here and nowhere else.
 *
 * Each key of a site starts with the hash tag `{<site>}`, so all of a site's keys live in one
 * Cluster slot and one Lua script can touch them all. Names are short: most keys exist once
 * per site and day.
 *
 *   {s}:site          string  settings JSON                                   no TTL
 *   {s}:t             hash    all-time: v views, l lastHit ms,               no TTL
 *                             iv / iu imported views / visitors
 *   {s}:tv            HLL     every day id ever                               no TTL
 *   {s}:tp            hash    path → all-time views, earned slots            no TTL
 *                             (≤ pathLimit.total, see path-slots.ts)
 *   {s}:tc            hash    path → "<views>:<earner>", candidate slots     no TTL; each one pruned
 *   {s}:tcs           zset    path → last view ms, of the candidates          PATH_CANDIDATE_MS after it
 *   {s}:pb            hash    path → page baseline (an old counter's views)   no TTL
 *   {s}:d:<date>      hash    v views, u visitors as last counted, h<0–23>    keepUntil
 *                             views by hour, r:<reason> refused, iv / iu imported
 *   {s}:dp:<date>     zset    path → views (≤ pathLimit.day + 1)               keepUntil
 *   {s}:dv:<date>     HLL     day ids                                          min(sketchUntil, keepUntil)
 *   {s}:ds:<dim>:<date> hash  v:<name> views, u:<name> visitors of one      keepUntil
 *                             source dimension (≤ MAX_SOURCE_NAMES names); the day hash
 *                             marks each such key with a field s:<dim>
 *   {s}:w:<label>     string  week views                                       keepUntil
 *   {s}:wv:<label>    HLL     week ids                                         keepUntil
 *   {s}:wi:<label>    hash    iv / iu: imported days of the week              keepUntil
 *   {s}:m:<label>     hash    month: v views, u visitors as last counted,    keepUntil
 *                             iv / iu imported
 *   {s}:mv:<label>    HLL     month ids                                        min(sketchUntil, keepUntil)
 *   {s}:y:<label>     hash    year, as the month                              keepUntil
 *   {s}:yv:<label>    HLL     year ids                                         min(sketchUntil, keepUntil)
 *   {s}:online        zset    online id → last seen ms; pruned on every        window + 60 s after the
 *                             write and read                                  last write
 *   {s}:salt:<period> string  salt of `d:<date>` / `w:<label>`                 expiresAt
 *   {s}:rl:<minute>   hash    visitor id → counted views in that minute        2 min after last write
 *   {s}:b             hash    writer → "<last applied seq>:<ms>"             WRITER_MEMORY_MS
 *   {s}:days          zset    date → keepUntil: index for export and history  latest keepUntil
 *   {s}:weeks         zset    label → keepUntil: index for export             latest keepUntil
 *   {s}:periods       zset    m:<label> / y:<label> → keepUntil: index       latest keepUntil
 *   {s}:salts         zset    period → expiresAt: index for export            latest expiresAt
 *
 *   footfall:sites    set     ids of every site (a global key: its own slot)
 *   footfall:audit    list    audit entries as JSON, newest first, ≤ MAX_AUDIT_ENTRIES
 *   footfall:keys     hash    key id → KeyRecord JSON (secret hashed)        no TTL (expiry in the record)
 *
 *   {s}:changed       shard channel  change notice of one site (SPUBLISH, Redis 7): the
 *                             site id; in the site's slot, so only its master carries it
 *
 * The index sets are pruned of passed entries whenever a script adds to them.
 */
import type { RefusalReason } from '../store.js';

/** The set of site ids; on a Cluster it is in another slot than any site's keys. */
export const SITES_KEY = 'footfall:sites';
/** The audit list, newest first. */
export const AUDIT_KEY = 'footfall:audit';
/** Site owners' keys: id → the record as JSON, its secret hashed. */
export const API_KEYS_KEY = 'footfall:keys';

/** Fields of a day hash (`{s}:d:<date>`). */
export const DAY_FIELDS = {
  views: 'v',
  visitors: 'u',
  importedViews: 'iv',
  importedVisitors: 'iu',
  /** Prefix of the 24 hour fields: `h0` … `h23`. */
  hourPrefix: 'h',
  /** Prefix of refused counts: `r:bot`. */
  refusedPrefix: 'r:',
  /** Prefix of the marks of the day's source hashes: `s:referrer`. */
  sourcesPrefix: 's:',
} as const;

/** Field prefixes of a source hash (`{s}:ds:<dim>:<date>`). */
export const SOURCE_FIELDS = { views: 'v:', visitors: 'u:' } as const;

/** Fields of a month's or year's hash (`{s}:m:<label>`, `{s}:y:<label>`) and of a week's imports (`iv`, `iu`). */
export const PERIOD_FIELDS = {
  views: 'v',
  visitors: 'u',
  importedViews: 'iv',
  importedVisitors: 'iu',
} as const;

/** Fields of the all-time hash (`{s}:t`). */
export const TOTAL_FIELDS = {
  views: 'v',
  lastHit: 'l',
  importedViews: 'iv',
  importedVisitors: 'iu',
} as const;

/** The day-hash field of views in local hour `hour` (0–23). */
export function hourField(hour: number): string {
  return `${DAY_FIELDS.hourPrefix}${hour}`;
}

/** The day-hash field of hits refused for `reason`. */
export function refusedField(reason: RefusalReason): string {
  return `${DAY_FIELDS.refusedPrefix}${reason}`;
}

/** The keys of one site. Period keys are functions of the period. */
export interface SiteKeys {
  /** `{s}:` — every key of the site starts with it. */
  readonly prefix: string;
  readonly settings: string;
  readonly total: string;
  readonly totalSketch: string;
  readonly totalPaths: string;
  readonly candidates: string;
  readonly candidatesSeen: string;
  readonly pageBaselines: string;
  readonly online: string;
  readonly days: string;
  readonly weeks: string;
  readonly periods: string;
  readonly salts: string;
  day(date: string): string;
  dayPaths(date: string): string;
  daySketch(date: string): string;
  daySources(dimension: string, date: string): string;
  week(label: string): string;
  weekSketch(label: string): string;
  weekImports(label: string): string;
  /** A month's or year's hash, and its HyperLogLog. */
  period(kind: 'month' | 'year', label: string): string;
  periodSketch(kind: 'month' | 'year', label: string): string;
  salt(period: string): string;
  rate(minute: number): string;
  writers: string;
}

/** Prefixes a Lua script appends a date to, for scripts that find their days in `{s}:days`. */
export interface DayKeyPrefixes {
  day: string;
  daySketch: string;
}

/** Every key name of one site; cheap, so callers build it per call. */
export function siteKeys(site: string): SiteKeys {
  const prefix = `{${site}}:`;
  return {
    prefix,
    settings: `${prefix}site`,
    total: `${prefix}t`,
    totalSketch: `${prefix}tv`,
    totalPaths: `${prefix}tp`,
    candidates: `${prefix}tc`,
    candidatesSeen: `${prefix}tcs`,
    pageBaselines: `${prefix}pb`,
    online: `${prefix}online`,
    days: `${prefix}days`,
    weeks: `${prefix}weeks`,
    periods: `${prefix}periods`,
    salts: `${prefix}salts`,
    day: (date) => `${prefix}d:${date}`,
    dayPaths: (date) => `${prefix}dp:${date}`,
    daySketch: (date) => `${prefix}dv:${date}`,
    daySources: (dimension, date) => `${prefix}ds:${dimension}:${date}`,
    week: (label) => `${prefix}w:${label}`,
    weekSketch: (label) => `${prefix}wv:${label}`,
    weekImports: (label) => `${prefix}wi:${label}`,
    period: (kind, label) => `${prefix}${kind === 'month' ? 'm' : 'y'}:${label}`,
    periodSketch: (kind, label) => `${prefix}${kind === 'month' ? 'mv' : 'yv'}:${label}`,
    salt: (period) => `${prefix}salt:${period}`,
    rate: (minute) => `${prefix}rl:${minute}`,
    writers: `${prefix}b`,
  };
}

/**
 * The sharded pub/sub channel of a site's change notices (change-feed.ts). A channel, not a key,
 * but under the site's hash tag: SPUBLISH goes to the master that holds the site's figures.
 */
export function changesChannel(site: string): string {
  return `${siteKeys(site).prefix}changed`;
}

/** A month's or year's member of the `{s}:periods` index: `m:2026-11`, `y:2026`. */
export function periodMember(kind: 'month' | 'year', label: string): string {
  return `${kind === 'month' ? 'm' : 'y'}:${label}`;
}

/** What `siteKeys(site).day(date)` is, with the date left for a script to append. */
export function dayKeyPrefixes(site: string): DayKeyPrefixes {
  const keys = siteKeys(site);
  return { day: keys.day(''), daySketch: keys.daySketch('') };
}

/** A SCAN MATCH pattern for every key of the site; glob characters in the id are escaped. */
export function siteKeyPattern(site: string): string {
  return `${siteKeys(site).prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}
