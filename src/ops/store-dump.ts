/**
 * Moving every site, setting and figure between stores as NDJSON: a header line
 * `{"format":"footfall-dump","version":2,…}`, then one SiteDump per line. HyperLogLog
 * registers travel as they are, so unique counts carry over exactly. Whole sites move as the
 * stores keep them, so this works on Stores directly: no counting rule applies to a move.
 *
 * Import checks each line with zod and names the bad one. From a file (which can be read
 * twice) every line is checked before anything is written; from a pipe, lines are applied as
 * they pass and a bad line stops the import there (each site is imported whole or not at all,
 * and importing the same dump again is safe).
 */
import { z } from 'zod';
import { describeIssues } from '../counting/site.js';
import type { KeyRecord, SiteDump, Store, StoreKind } from '../store/store.js';
import { siteDumpSchema } from './site-dump-schema.js';

export const DUMP_FORMAT = 'footfall-dump';
/** Written by this version; version 1 dumps (without months, years and page slots) still import. */
export const DUMP_VERSION = 2;

const headerSchema = z.object({
  format: z.literal(DUMP_FORMAT, { message: `must be "${DUMP_FORMAT}": this is not a footfall dump` }),
  version: z.union([z.literal(1), z.literal(DUMP_VERSION)], { message: `must be 1 or ${DUMP_VERSION}: this dump was written by a newer footfall` }),
  exportedAt: z.string().optional(),
  store: z.string().optional(),
  sites: z.number().int().nonnegative().optional(),
});

export interface DumpHeader {
  format: typeof DUMP_FORMAT;
  version: 1 | typeof DUMP_VERSION;
  exportedAt: string;
  /** The kind of store the dump came from, for the reader's information. */
  store: StoreKind;
  sites: number;
}

export type DumpErrorCode = 'invalid_dump' | 'site_exists';

/** A refused dump: which line, and why. */
export class DumpError extends Error {
  constructor(
    readonly code: DumpErrorCode,
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'DumpError';
  }
}

/**
 * The dump of `store` as lines (without newlines): the header, each site, then each site
 * owner's key that opens one of them (`{"key": …}`, its secret as the hash only). `siteIds`
 * limits it to those sites (all when absent).
 */
export async function* exportDump(store: Store, options: { siteIds?: string[]; clock?: () => number } = {}): AsyncGenerator<{ kind: 'header' | 'site' | 'key'; text: string }> {
  const ids = options.siteIds ?? (await store.listSites()).map((site) => site.id);
  const header: DumpHeader = {
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    exportedAt: new Date((options.clock ?? Date.now)()).toISOString(),
    store: store.kind,
    sites: ids.length,
  };
  yield { kind: 'header', text: JSON.stringify(header) };
  for (const id of ids) {
    const dump = await store.exportSite(id);
    if (dump) yield { kind: 'site', text: JSON.stringify(dump) };
  }
  const exported = new Set(ids);
  for (const key of await store.listKeys()) if (key.sites.some((site) => exported.has(site))) yield { kind: 'key', text: JSON.stringify({ key }) };
}

/** Where a dump comes from: its lines, and whether they can be read a second time. */
export interface DumpSource {
  lines(): AsyncIterable<string>;
  /** True for a file: every line is checked before the first write. */
  rereadable: boolean;
}

export interface ImportDumpOptions {
  /** Overwrite sites that exist in the target (importSite replaces a site's data whole). */
  replace: boolean;
  /** Check every line and say what would happen; write nothing. */
  dryRun: boolean;
  /** Called after each site is written (or, in a dry run, checked). */
  onSite?(id: string, replaced: boolean): void;
}

export interface ImportDumpSummary {
  sites: Array<{ id: string; replaced: boolean }>;
  /** Keys put in the store (a key of the same id is replaced: it is the same key). */
  keys: number;
  dryRun: boolean;
}

const keyLineSchema = z.object({
  key: z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]{11}$/),
    hash: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+$/, { message: 'must be a key hash as footfall writes it' }),
    sites: z.array(z.string()).min(1),
    scope: z.enum(['read', 'import']),
    label: z.string().nullable(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
  }),
});

type DumpLine = { line: number; dump: SiteDump; key?: undefined } | { line: number; key: KeyRecord; dump?: undefined };

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DumpError('invalid_dump', line, `not JSON (${(error as Error).message})`);
  }
}

/** The dump's lines as numbered, checked entries; blank lines are skipped. */
async function* checkedLines(source: DumpSource): AsyncGenerator<DumpLine> {
  let line = 0;
  let headerSeen = false;
  const seen = new Map<string, number>();
  for await (const text of source.lines()) {
    line += 1;
    if (text.trim() === '') continue;
    const value = parseJson(text, line);
    if (!headerSeen) {
      const header = headerSchema.safeParse(value);
      if (!header.success) throw new DumpError('invalid_dump', line, `the header is not valid: ${describeIssues(header.error)}`);
      headerSeen = true;
      continue;
    }
    if (typeof value === 'object' && value !== null && 'key' in value) {
      const parsedKey = keyLineSchema.safeParse(value);
      if (!parsedKey.success) throw new DumpError('invalid_dump', line, `not a valid key: ${describeIssues(parsedKey.error)}`);
      yield { line, key: parsedKey.data.key };
      continue;
    }
    const parsed = siteDumpSchema.safeParse(value);
    if (!parsed.success) throw new DumpError('invalid_dump', line, `not a valid site dump: ${describeIssues(parsed.error)}`);
    const id = parsed.data.site.id;
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new DumpError('invalid_dump', line, `site "${id}" was already on line ${earlier}`);
    seen.set(id, line);
    yield { line, dump: parsed.data };
  }
  if (!headerSeen) throw new DumpError('invalid_dump', Math.max(line, 1), `the input is empty: expected a ${DUMP_FORMAT} header line`);
}

/**
 * Imports a dump into `store`. Sites already in `store` are refused unless `replace`; sites in
 * `store` but not in the dump are left alone.
 */
export async function importDump(source: DumpSource, store: Store, options: ImportDumpOptions): Promise<ImportDumpSummary> {
  const existing = new Set((await store.listSites()).map((site) => site.id));
  const check = (line: number, id: string): boolean => {
    const present = existing.has(id);
    if (present && !options.replace) {
      throw new DumpError('site_exists', line, `site "${id}" already exists in the target store; use --replace to overwrite it with the dump`);
    }
    return present;
  };
  const sites: ImportDumpSummary['sites'] = [];
  let keys = 0;
  if (source.rereadable || options.dryRun) {
    // First pass: every line checked, nothing written.
    for await (const entry of checkedLines(source)) {
      if (entry.key) {
        keys += 1;
        continue;
      }
      const replaced = check(entry.line, entry.dump.site.id);
      sites.push({ id: entry.dump.site.id, replaced });
      if (options.dryRun) options.onSite?.(entry.dump.site.id, replaced);
    }
    if (options.dryRun) return { sites, keys, dryRun: true };
    sites.length = 0;
    keys = 0;
  }
  for await (const entry of checkedLines(source)) {
    if (entry.key) {
      await store.putKey(entry.key);
      keys += 1;
      continue;
    }
    const replaced = check(entry.line, entry.dump.site.id);
    await store.importSite(entry.dump);
    sites.push({ id: entry.dump.site.id, replaced });
    options.onSite?.(entry.dump.site.id, replaced);
  }
  return { sites, keys, dryRun: false };
}
