/**
 * `footfall status`: live counts of every site in the terminal, read from the store directly,
 * refreshed each interval until Ctrl-C (exit 0). On a terminal the screen is redrawn in place;
 * piped, each refresh is printed as a block.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMON_OPTIONS, parseCommand, positionals, wholeNumber } from './args.js';
import { CliError, EXIT, type CliIo, type Command } from './cli-io.js';
import { withStore, type OpenedStore } from './open-store.js';
import { statusLines, type Figure, type StatusRow } from './status-table.js';

const OPTIONS = { ...COMMON_OPTIONS, visitors: { type: 'boolean' }, interval: { type: 'string' }, once: { type: 'boolean' } } as const;
/** Home the cursor and clear the screen. */
const CLEAR = '\x1b[H\x1b[2J';

/** `footfall status [--visitors] [--interval MS] [--once]` */
export const statusCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('status', args, OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  positionals('status', given, []);
  const intervalMs = wholeNumber('interval', values.interval, 100, 3_600_000) ?? 1000;
  const figure: Figure = values.visitors ? 'visitors' : 'views';
  // Installed before the store opens, so an early Ctrl-C still ends cleanly.
  const interrupted = values.once ? undefined : io.interrupts();
  return withStore(io, values.store, log, async (opened) => {
    if (values.once) {
      let rows: StatusRow[];
      try {
        rows = await readAll(opened);
      } catch (error) {
        throw new CliError(EXIT.failure, `the store ${opened.config.storeLabel} did not answer: ${(error as Error).message}`);
      }
      draw(io, opened, rows, figure, false);
      return EXIT.ok;
    }
    while (!interrupted?.aborted) {
      let rows: StatusRow[] | Error;
      try {
        rows = await readAll(opened);
      } catch (error) {
        rows = error as Error;
      }
      draw(io, opened, rows, figure, io.stdout.isTTY === true);
      await sleep(intervalMs, undefined, { signal: interrupted }).catch(() => undefined);
    }
    return EXIT.ok;
  });
};

/** Every site's counts, read concurrently; sites added meanwhile are picked up. */
async function readAll({ counter }: OpenedStore): Promise<StatusRow[]> {
  await counter.refreshSites();
  const sites = counter.listSites();
  const reads = await Promise.all(sites.map((site) => counter.readCounts(site)));
  return reads.map((read) => ({ counts: read.counts, lastHit: read.lastHit }));
}

/** `rows` an Error: the store did not answer this time; the next refresh tries again. */
function draw(io: CliIo, { config }: OpenedStore, rows: StatusRow[] | Error, figure: Figure, redraw: boolean): void {
  const now = Date.now();
  const lines = [`footfall status · ${config.storeLabel} · ${new Date(now).toISOString().slice(0, 19).replace('T', ' ')} UTC · ${figure}`, ''];
  if (rows instanceof Error) lines.push(`The store did not answer: ${rows.message}; retrying.`);
  else if (rows.length === 0) lines.push("No sites yet. Add one with 'footfall sites add ID --origin https://example.com'.");
  else lines.push(...statusLines(rows, figure, now));
  if (redraw) lines.push('', `Ctrl-C to quit${figure === 'views' ? ' · --visitors shows visitors' : ''}`);
  io.stdout.write((redraw ? CLEAR : '') + lines.join('\n') + '\n' + (redraw ? '' : '\n'));
}
