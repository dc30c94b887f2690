/**
 * The composition root: reads the configuration, starts the server, and handles signals. The
 * only module that reads `process.env` or calls `process.exit`.
 */
import { loadConfig } from './config/config.js';
import { StartupError } from './errors.js';
import { createLogger } from './log.js';
import { startServer } from './server.js';

/** A stop that takes longer than this is cut short; SPEC promises an exit within 10 s. */
const HARD_STOP_MS = 9_500;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    createLogger('info').fatal({ err: error }, (error as Error).message);
    process.exitCode = 2;
    return;
  }
  const log = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, log);
  } catch (error) {
    if (error instanceof StartupError) log.fatal(error.message);
    else log.fatal({ err: error }, 'footfall could not start');
    process.exitCode = 1;
    return;
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
}

void main();
