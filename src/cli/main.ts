#!/usr/bin/env node
/**
 * The `footfall` command's composition root: the only CLI module that reads `process.env` and
 * `process.argv`, knows the user, installs the Ctrl-C handler and owns stdout and stderr.
 */
import { userInfo } from 'node:os';
import { DEFAULTS, logLevelOf } from '../config/config.js';
import { createLogger } from '../log.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

let interrupts: AbortController | undefined;

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  user: osUser(),
  interrupts() {
    if (!interrupts) {
      const controller = (interrupts = new AbortController());
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    return interrupts.signal;
  },
};

// Commands print for people; the logger only speaks up about real problems, on stderr.
function cliLogger() {
  try {
    return createLogger(logLevelOf(process.env, DEFAULTS.cliLogLevel), process.stderr);
  } catch {
    // An unknown level: loadConfig names the variable when a command reads the configuration.
    return createLogger(DEFAULTS.cliLogLevel, process.stderr);
  }
}
const log = cliLogger();

// The server's modules load only for `serve`.
const serve = async (env: Record<string, string | undefined>) => (await import('../main.js')).runServer(env);
const code = await runCli(process.argv.slice(2), io, { log, serve });
if (code !== undefined) process.exitCode = code;
