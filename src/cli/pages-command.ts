/** `footfall import-pages SITE FILE.csv [--dry-run] [--json]`: an old counter's per-article views. */
import { parsePageCsv, type PageBaselineResult } from '../ops/page-baselines.js';
import { println, type CliIo } from './cli-io.js';
import { siteFileCommand } from './site-file-command.js';
import { formatCount, signed, textTable } from './text-table.js';

/** Changes listed in full; past this many, the first ones and a count. */
const SHOWN_CHANGES = 50;

export const importPagesCommand = siteFileCommand<PageBaselineResult>({
  command: 'import-pages',
  file: 'FILE.csv',
  run: ({ pageBaselines }, site, csv, options) => pageBaselines.run(site, parsePageCsv(csv, site.pageQuery), options),
  report,
});

function report(io: CliIo, result: PageBaselineResult): void {
  const { changes } = result;
  println(io.stdout, result.dryRun ? `Dry run for site ${result.site}: nothing was changed.` : `Imported page baselines into site ${result.site}.`);
  if (changes.length > 0) {
    const rows = changes.slice(0, SHOWN_CHANGES).map((change) => [change.path, `${formatCount(change.before)} → ${formatCount(change.after)}`]);
    println(io.stdout);
    for (const line of textTable([{ title: 'PAGE' }, { title: 'BASELINE', align: 'right' }], rows)) println(io.stdout, line);
    if (changes.length > SHOWN_CHANGES) println(io.stdout, `… and ${changes.length - SHOWN_CHANGES} more (--json lists them all)`);
    println(io.stdout);
  }
  const verb = result.dryRun ? 'would change' : 'changed';
  const moved = changes.reduce((sum, change) => sum + change.after - change.before, 0);
  println(io.stdout, `${result.rows} rows: ${changes.length} pages ${verb}, ${result.unchanged} already as imported; their views move by ${signed(moved)}.`);
}
