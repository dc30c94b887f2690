/** Command-line parsing with `node:util` parseArgs, its errors turned into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { println, usageError, type CliOutput } from './cli-io.js';
import { HELP } from './help.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--store URL`, `--help`: every command takes them. */
export const COMMON_OPTIONS = {
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * Parses `args` for `command`; an unknown option or a missing value is a usage error that
 * points at the command's help. With `--help` the help goes to `stdout` and the answer is
 * undefined: the command has nothing more to do.
 */
export function parseCommand<O extends Options>(command: string, args: string[], options: O, stdout: CliOutput) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${(error as Error).message.replace(/\.$/, '')}. See 'footfall ${command} --help'.`);
  }
  if (!(parsed.values as { help?: boolean }).help) return parsed;
  println(stdout, HELP[command]);
  return undefined;
}

/** A whole number from an option, or a usage error naming the option. */
export function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(`--${name} "${value}" is not valid: use a whole number from ${min} to ${max}.`);
  }
  return n;
}

/**
 * All the `names` positionals and at most the `optional` ones after them, or a usage error
 * naming what is missing or extra.
 */
export function positionals(command: string, given: string[], names: string[], optional: string[] = []): string[] {
  if (given.length < names.length) {
    const usage = [...names, ...optional.map((name) => `[${name}]`)].join(' ');
    throw usageError(`missing ${names.slice(given.length).join(' and ')}. Usage: footfall ${command} ${usage}; see --help.`);
  }
  const most = names.length + optional.length;
  if (given.length > most) throw usageError(`unexpected argument "${given[most]}". See 'footfall ${command} --help'.`);
  return given;
}
