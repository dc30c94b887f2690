/**
 * The shape of the commands that bring an operator's file into one site — `import-history`,
 * `import-pages`: `SITE FILE [--dry-run] [--json]`, the file read whole (or stdin for '-'),
 * a refused file exit code 3 with the server's message, the result printed or as JSON.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import { COMMON_OPTIONS, parseCommand, positionals } from './args.js';
import { CliError, EXIT, println, type CliIo, type Command } from './cli-io.js';
import { withStore, type OpenedStore } from './open-store.js';

const OPTIONS = { ...COMMON_OPTIONS, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } } as const;

export interface SiteFileImport<R> {
  /** The command's name, as typed. */
  command: string;
  /** What the second argument is called in messages: `FILE.csv`. */
  file: string;
  run(opened: OpenedStore, site: Site, contents: string, options: { dryRun: boolean; actor: string }): Promise<R>;
  /** Prints the result for people (without --json). */
  report(io: CliIo, result: R): void;
}

export function siteFileCommand<R>(spec: SiteFileImport<R>): Command {
  return async (args, io, log) => {
    const parsed = parseCommand(spec.command, args, OPTIONS, io.stdout);
    if (!parsed) return EXIT.ok;
    const { values, positionals: given } = parsed;
    const [siteId = '', file = ''] = positionals(spec.command, given, ['SITE', spec.file]);
    const contents = await readInput(io, file);
    return withStore(io, values.store, log, async (opened) => {
      const site = opened.counter.site(siteId);
      if (!site) throw new CliError(EXIT.conflict, `there is no site "${siteId}". 'footfall sites list' shows the sites.`);
      let result: R;
      try {
        result = await spec.run(opened, site, contents, { dryRun: values['dry-run'] === true, actor: `cli:${io.user}` });
      } catch (error) {
        if (error instanceof FootfallError && error.code === 'invalid_body') throw new CliError(EXIT.refused, `${file}: ${error.message}`);
        throw error;
      }
      if (values.json) println(io.stdout, JSON.stringify(result, null, 2));
      else spec.report(io, result);
      return EXIT.ok;
    });
  };
}

async function readInput(io: CliIo, file: string): Promise<string> {
  try {
    return file === '-' ? await text(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.failure, `could not read ${file}: ${(error as Error).message}`);
  }
}
