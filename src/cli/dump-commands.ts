/** `footfall export` and `footfall import`: every site and figure between stores, as NDJSON. */
import { once } from 'node:events';
import { createReadStream, createWriteStream, fstatSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { DumpError, exportDump, importDump, type DumpSource } from '../ops/store-dump.js';
import { COMMON_OPTIONS, parseCommand, positionals } from './args.js';
import { CliError, EXIT, println, usageError, type CliIo, type Command } from './cli-io.js';
import { withStore } from './open-store.js';

const EXPORT_OPTIONS = { ...COMMON_OPTIONS, site: { type: 'string', multiple: true }, output: { type: 'string', short: 'o' } } as const;
const IMPORT_OPTIONS = { ...COMMON_OPTIONS, replace: { type: 'boolean' }, 'dry-run': { type: 'boolean' } } as const;

/** `footfall export [--site ID]… [-o FILE]`: the store as NDJSON on stdout or in FILE. */
export const exportCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('export', args, EXPORT_OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  positionals('export', given, []);
  if (values.output === undefined && io.stdout.isTTY) {
    throw usageError('the dump is for a file, not the terminal: redirect it (footfall export > dump.ndjson) or use --output FILE.');
  }
  return withStore(io, values.store, log, async ({ store }) => {
    const known = new Set((await store.listSites()).map((site) => site.id));
    const missing = (values.site ?? []).filter((id) => !known.has(id));
    if (missing.length > 0) throw new CliError(EXIT.conflict, `there is no site ${missing.map((id) => `"${id}"`).join(', ')} in the store.`);
    const out: Writable = values.output === undefined ? io.stdout : createWriteStream(values.output);
    let sites = 0;
    let keys = 0;
    for await (const { kind, text } of exportDump(store, { siteIds: values.site })) {
      if (kind === 'site') sites += 1;
      if (kind === 'key') keys += 1;
      if (!out.write(`${text}\n`)) await once(out, 'drain');
    }
    if (out !== io.stdout) {
      out.end();
      await once(out, 'finish');
    }
    println(io.stderr, `Exported ${sites} site${sites === 1 ? '' : 's'}${keys > 0 ? ` and ${keys} key${keys === 1 ? '' : 's'}` : ''} from ${store.kind}.`);
    return EXIT.ok;
  });
};

function linesOf(stream: Readable): AsyncIterable<string> {
  return createInterface({ input: stream, crlfDelay: Infinity });
}

/** A file (or stdin redirected from one) can be read twice; a pipe cannot. */
function sourceOf(io: CliIo, file: string | undefined): DumpSource {
  if (file !== undefined && file !== '-') {
    try {
      if (!statSync(file).isFile()) throw new Error('not a regular file');
    } catch (error) {
      throw new CliError(EXIT.failure, `could not read ${file}: ${(error as Error).message}`);
    }
    return { rereadable: true, lines: () => linesOf(createReadStream(file)) };
  }
  if (io.stdin.isTTY) throw usageError("give the dump as a file or on stdin: footfall import dump.ndjson, or footfall import < dump.ndjson.");
  const fd = io.stdin.fd;
  if (fd !== undefined && fstatSync(fd).isFile()) {
    // Positional reads from 0 let a redirected file be checked whole before anything is written.
    return { rereadable: true, lines: () => linesOf(createReadStream('', { fd, start: 0, autoClose: false })) };
  }
  let used = false;
  return {
    rereadable: false,
    lines: () => {
      if (used) throw new Error('a pipe can be read once');
      used = true;
      return linesOf(io.stdin);
    },
  };
}

/** `footfall import [FILE] [--replace] [--dry-run]`: a dump into the store. */
export const importCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('import', args, IMPORT_OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  positionals('import', given, [], ['FILE']);
  const source = sourceOf(io, given[0]);
  const dryRun = values['dry-run'] === true;
  return withStore(io, values.store, log, async ({ store }) => {
    let summary;
    try {
      summary = await importDump(source, store, {
        replace: values.replace === true,
        dryRun,
        onSite: (id, replaced) => println(io.stderr, `${dryRun ? 'would import' : 'imported'} ${id}${replaced ? ' (replacing the site in the store)' : ''}`),
      });
    } catch (error) {
      if (!(error instanceof DumpError)) throw error;
      const where = given[0] ?? 'stdin';
      const nothing = source.rereadable || dryRun ? 'Nothing was imported.' : 'Sites on the lines before it were imported; nothing after.';
      throw new CliError(error.code === 'site_exists' ? EXIT.conflict : EXIT.refused, `${where}: ${error.message}. ${nothing}`);
    }
    const replaced = summary.sites.filter((site) => site.replaced).length;
    const n = summary.sites.length;
    const keys = summary.keys > 0 ? ` and ${summary.keys} key${summary.keys === 1 ? '' : 's'}` : '';
    println(io.stdout, `${dryRun ? 'Dry run: would import' : 'Imported'} ${n} site${n === 1 ? '' : 's'}${keys} into ${store.kind}${replaced > 0 ? ` (${replaced} replaced)` : ''}.`);
    return EXIT.ok;
  });
};
