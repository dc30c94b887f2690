/** `footfall import-history SITE FILE.csv [--dry-run] [--json]`: an old counter's days into a site. */
import type { HistoryImportResult } from '../ops/history-import.js';
import { println, type CliIo } from './cli-io.js';
import { siteFileCommand } from './site-file-command.js';
import { formatCount, signed, textTable } from './text-table.js';

export const importHistoryCommand = siteFileCommand<HistoryImportResult>({
  command: 'import-history',
  file: 'FILE.csv',
  run: ({ historyImport }, site, csv, options) => historyImport.run(site, csv, options),
  report,
});

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
