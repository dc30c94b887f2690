/**
 * `footfall status`: live counts of every site in the terminal until Ctrl-C (exit 0). By
 * default read from the store directly, refreshed each interval; with `--server URL`, followed
 * on that server's `/ops` feed through footfall/client — for a store this machine cannot reach,
 * or an owner with a key and no store at all. On a terminal the screen is redrawn in place;
 * piped, each refresh is printed as a block.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FootfallClient, liveErrorOf, type FootfallLiveError, type OpsSiteRow } from '../client/index.js';
import { COMMON_OPTIONS, parseCommand, positionals, wholeNumber } from './args.js';
import { CliError, EXIT, usageError, type CliIo, type Command, type ExitCode } from './cli-io.js';
import { withStore, type OpenedStore } from './open-store.js';
import { statusLines, type Figure, type StatusRow } from './status-table.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  visitors: { type: 'boolean' },
  interval: { type: 'string' },
  once: { type: 'boolean' },
  server: { type: 'string' },
  site: { type: 'string', multiple: true },
} as const;
/** Home the cursor and clear the screen. */
const CLEAR = '\x1b[H\x1b[2J';
/** How long `--once --server` waits for the first figures. */
const SERVER_ANSWER_MS = 10_000;

/** `footfall status [--visitors] [--interval MS] [--once]`, or `… --server URL [--site ID]…` */
export const statusCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('status', args, OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  positionals('status', given, []);
  const figure: Figure = values.visitors ? 'visitors' : 'views';
  if (values.server !== undefined) {
    if (values.store !== undefined || values.interval !== undefined) {
      throw usageError('--server follows the server\'s own feed: --store and --interval do not apply. See \'footfall status --help\'.');
    }
    return followServer(io, values.server, { figure, once: values.once === true, sites: values.site ?? [] });
  }
  if (values.site !== undefined) throw usageError('--site applies with --server. See \'footfall status --help\'.');
  const intervalMs = wholeNumber('interval', values.interval, 100, 3_600_000) ?? 1000;
  // Installed before the store opens, so an early Ctrl-C still ends cleanly.
  const interrupted = values.once ? undefined : io.interrupts();
  return withStore(io, values.store, log, async (opened) => {
    const source = opened.config.storeLabel;
    if (values.once) {
      let rows: StatusRow[];
      try {
        rows = await readAll(opened);
      } catch (error) {
        throw new CliError(EXIT.failure, `the store ${source} did not answer: ${(error as Error).message}`);
      }
      draw(io, source, rows, figure, false);
      return EXIT.ok;
    }
    while (!interrupted?.aborted) {
      let rows: StatusRow[] | string;
      try {
        rows = await readAll(opened);
      } catch (error) {
        rows = `The store did not answer: ${(error as Error).message}; retrying.`;
      }
      draw(io, source, rows, figure, io.stdout.isTTY === true);
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

/**
 * The `/ops` feed of `server`: every site with `FOOTFALL_ADMIN_TOKEN`, a key's sites with
 * `FOOTFALL_KEY` (from the environment: a credential on the command line would show in `ps`),
 * or the one public site `--site` names. `--site` also narrows the table.
 */
function followServer(io: CliIo, server: string, options: { figure: Figure; once: boolean; sites: string[] }): Promise<ExitCode> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw usageError(`--server "${server}" is not valid: use the server's address, e.g. https://stats.example.com.`);
  }
  const token = io.env.FOOTFALL_ADMIN_TOKEN?.trim() || undefined;
  const key = io.env.FOOTFALL_KEY?.trim() || undefined;
  if (token === undefined && key === undefined && options.sites.length !== 1) {
    throw usageError('--server needs FOOTFALL_ADMIN_TOKEN or FOOTFALL_KEY in the environment, or one --site of a public site.');
  }
  const source = url.origin;
  const shown = (rows: OpsSiteRow[]): StatusRow[] =>
    rows.filter((row) => options.sites.length === 0 || options.sites.includes(row.counts.site)).map((row) => ({ counts: row.counts, lastHit: row.lastHit === null ? 0 : Date.parse(row.lastHit) }));
  const interrupted = options.once ? undefined : io.interrupts();
  return new Promise<ExitCode>((resolve, reject) => {
    const client = new FootfallClient(url, { token, key });
    const feed = client.followSites(
      (rows) => {
        if (done) return;
        draw(io, source, shown(rows), options.figure, !options.once && io.stdout.isTTY === true);
        if (options.once) finish(EXIT.ok);
      },
      { site: options.sites[0], reconnection: !options.once },
    );
    const timer = options.once ? setTimeout(() => fail(`${source} sent no figures within ${SERVER_ANSWER_MS / 1000} s`), SERVER_ANSWER_MS) : undefined;
    let done = false;
    const stop = () => {
      done = true;
      clearTimeout(timer);
      feed.close();
    };
    const finish = (code: ExitCode) => {
      stop();
      resolve(code);
    };
    const fail = (message: string) => {
      stop();
      reject(new CliError(EXIT.failure, message));
    };
    const refused = (error: FootfallLiveError) => `${source} refused the connection: ${error.code} — ${error.message}`;
    feed.socket.on('connect_error', (raw: Error) => {
      if (done) return;
      const error = liveErrorOf(raw);
      // A refusal stays a refusal; a server that does not answer may come back.
      if (error.code !== undefined) fail(refused(error));
      else if (options.once) fail(`${source} did not answer: ${error.message}`);
      else draw(io, source, `The server did not answer: ${error.message}; retrying.`, options.figure, io.stdout.isTTY === true);
    });
    feed.socket.on('disconnect', (reason: string) => {
      if (!done) draw(io, source, `Disconnected from the server (${reason}); reconnecting.`, options.figure, io.stdout.isTTY === true);
    });
    interrupted?.addEventListener('abort', () => finish(EXIT.ok), { once: true });
  });
}

/** `rows` a string: why there are no figures this time; the next refresh tries again. */
function draw(io: CliIo, source: string, rows: StatusRow[] | string, figure: Figure, redraw: boolean): void {
  const now = Date.now();
  const lines = [`footfall status · ${source} · ${new Date(now).toISOString().slice(0, 19).replace('T', ' ')} UTC · ${figure}`, ''];
  if (typeof rows === 'string') lines.push(rows);
  else if (rows.length === 0) lines.push("No sites yet. Add one with 'footfall sites add ID --origin https://example.com'.");
  else lines.push(...statusLines(rows, figure, now));
  if (redraw) lines.push('', `Ctrl-C to quit${figure === 'views' ? ' · --visitors shows visitors' : ''}`);
  io.stdout.write((redraw ? CLEAR : '') + lines.join('\n') + '\n' + (redraw ? '' : '\n'));
}
