/**
 * The server's composition root: reads the configuration, starts the server, and handles
 * signals. With src/cli/main.ts (the command line's root) the only modules that read
 * `process.env`; the only one that calls `process.exit`. `footfall serve` runs the same
 * `runServer` with the environment it was given.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config/config.js';
import { StartupError } from './errors.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

/** A stop that takes longer than this is cut short: footfall promises an exit within 10 s. */
const HARD_STOP_MS = 9_500;

/**
 * Starts footfall from `env` and stops it on SIGTERM or SIGINT (exiting the process). Resolves
 * once it listens, with undefined; or, when it could not start, with the exit code: 2 for an
 * invalid configuration, 1 for anything else.
 */
export async function runServer(env: Record<string, string | undefined>): Promise<number | undefined> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    createLogger('info').fatal({ err: error }, (error as Error).message);
    return 2;
  }
  const log = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, log);
  } catch (error) {
    if (error instanceof StartupError) log.fatal(error.message);
    else log.fatal({ err: error }, 'footfall could not start');
    return 1;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping: flushing accepted hits');
    setTimeout(() => {
      log.error('graceful stop took too long; exiting');
      process.exit(1);
    }, HARD_STOP_MS).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return undefined;
}

/** True when this file is the program node was started with, not a module imported by the CLI. */
function isProgram(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) {
  void runServer(process.env).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
