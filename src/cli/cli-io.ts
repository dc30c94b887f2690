/**
 * What a CLI command may touch, handed in by the composition root (src/cli/main.ts): the
 * terminal streams, the environment, the user's name, Ctrl-C. Commands never read `process`.
 */
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log.js';

export interface CliOutput extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface CliInput extends Readable {
  isTTY?: boolean;
  /** File descriptor, when the input is one (stdin: 0). */
  fd?: number;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  env: Readonly<Record<string, string | undefined>>;
  /** The operating-system user, for the audit trail (`cli:<user>`). */
  user: string;
  /** A signal aborted on Ctrl-C (SIGINT) or SIGTERM; asking for it installs the handlers. */
  interrupts(): AbortSignal;
}

/**
 * Exit codes, as documented in docs/operators.md. 130 (killed by Ctrl-C) is never used:
 * `status` ends on Ctrl-C as asked, with 0.
 */
export const EXIT = {
  ok: 0,
  /** Something failed while running: the store did not answer, a file could not be read. */
  failure: 1,
  /** The command line is wrong: unknown command or option, missing or invalid argument. */
  usage: 2,
  /** The input data was refused (a CSV row, a dump line); nothing of it was applied. */
  refused: 3,
  /** The site does not exist, or already exists where that is not allowed. */
  conflict: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with the exit code it ends the command with and a message that says what to fix. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A wrong command line: exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(EXIT.usage, message);
}

/** One command: its arguments (after the command's name) in, an exit code out. */
export type Command = (args: string[], io: CliIo, log: Logger) => Promise<ExitCode>;

/** Writes one line (a newline added) to `stream`. */
export function println(stream: CliOutput, text = ''): void {
  stream.write(`${text}\n`);
}
