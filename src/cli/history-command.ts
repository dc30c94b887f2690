/** `footfall import-history SITE FILE.csv [--dry-run]`: an old counter's days into a site. */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { FootfallError } from '../errors.js';
import type { HistoryImportResult } from '../ops/history-import.js';
import { COMMON_OPTIONS, parseCommand, positionals } from './args.js';
import { CliError, EXIT, println, type CliIo, type Command } from './cli-io.js';
import { withStore } from './open-store.js';
import { formatCount, textTable } from './text-table.js';

const OPTIONS = { ...COMMON_OPTIONS, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** `footfall import-history SITE FILE.csv [--dry-run] [--json]` */
export const importHistoryCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('import-history', args, OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  const [siteId = '', file = ''] = positionals('import-history', given, ['SITE', 'FILE.csv']);
  const csv = await readInput(io, file);
  return withStore(io, values.store, log, async ({ counter, historyImport }) => {
    const site = counter.site(siteId);
    if (!site) throw new CliError(EXIT.conflict, `there is no site "${siteId}". 'footfall sites list' shows the sites.`);
    let result: HistoryImportResult;
    try {
      result = await historyImport.run(site, csv, { dryRun: values['dry-run'] === true, actor: `cli:${io.user}` });
    } catch (error) {
      if (error instanceof FootfallError && error.code === 'invalid_body') throw new CliError(EXIT.refused, `${file}: ${error.message}`);
      throw error;
    }
    if (values.json) println(io.stdout, JSON.stringify(result, null, 2));
    else report(io, result);
    return EXIT.ok;
  });
};

async function readInput(io: CliIo, file: string): Promise<string> {
  try {
    return file === '-' ? await text(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.failure, `could not read ${file}: ${(error as Error).message}`);
  }
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : '−'}${formatCount(Math.abs(n))}`;
}

function report(io: CliIo, result: HistoryImportResult): void {
  const { changes, total } = result;
  println(io.stdout, result.dryRun ? `Dry run for site ${result.site}: nothing was changed.` : `Imported history into site ${result.site}.`);
  if (changes.length > 0) {
    const rows = changes.map((change) => [
      change.date,
      `${formatCount(change.before.views)} → ${formatCount(change.after.views)}`,
      `${formatCount(change.before.visitors)} → ${formatCount(change.after.visitors)}`,
    ]);
    const columns = [{ title: 'DATE' }, { title: 'VIEWS', align: 'right' as const }, { title: 'VISITORS', align: 'right' as const }];
    println(io.stdout);
    for (const line of textTable(columns, rows)) println(io.stdout, line);
    println(io.stdout);
  }
  const verb = result.dryRun ? 'would change' : 'changed';
  println(io.stdout, `${result.rows} rows: ${changes.length} days ${verb}, ${result.unchanged} already as imported.`);
  println(io.stdout, `All-time: views ${signed(total.views)}, visitors ${signed(total.visitors)}.`);
  if (result.overlapping.length > 0) {
    const shown = result.overlapping.slice(0, 5).join(', ') + (result.overlapping.length > 5 ? ', …' : '');
    println(io.stderr, `Warning: footfall itself counted views on ${result.overlapping.length} of these days (${shown}); imported figures add to those.`);
  }
}
