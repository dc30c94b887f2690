/**
 * The `footfall` command line: picks the command, runs it, and turns every failure into a
 * message on stderr that says what to fix and a documented exit code (see cli-io.ts EXIT).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { PACKAGE_ROOT } from '../paths.js';
import { COMMON_OPTIONS, parseCommand, positionals } from './args.js';
import { CliError, EXIT, println, usageError, type CliIo, type Command, type ExitCode } from './cli-io.js';
import { HELP } from './help.js';

export interface CliDependencies {
  log: Logger;
  /**
   * Runs the server from `env` (src/main.ts runServer): undefined once it listens (it then owns
   * the process and its signals), or the exit code of a failed start.
   */
  serve(env: Record<string, string | undefined>): Promise<number | undefined>;
}

/** Loaded on use: `--help` and usage errors answer without loading the stores. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  sites: async () => (await import('./sites-command.js')).sitesCommand,
  'import-history': async () => (await import('./history-command.js')).importHistoryCommand,
  'import-pages': async () => (await import('./pages-command.js')).importPagesCommand,
  'busuanzi-pages': async () => (await import('./busuanzi-pages-command.js')).busuanziPagesCommand,
  keys: async () => (await import('./keys-command.js')).keysCommand,
  export: async () => (await import('./dump-commands.js')).exportCommand,
  import: async () => (await import('./dump-commands.js')).importCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
};

const SERVE_OPTIONS = { ...COMMON_OPTIONS, port: { type: 'string' }, host: { type: 'string' } } as const;

function version(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

async function serve(args: string[], io: CliIo, deps: CliDependencies): Promise<ExitCode | undefined> {
  const parsed = parseCommand('serve', args, SERVE_OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  positionals('serve', given, []);
  const env = {
    ...io.env,
    ...(values.store === undefined ? {} : { FOOTFALL_STORE: values.store }),
    ...(values.port === undefined ? {} : { PORT: values.port }),
    ...(values.host === undefined ? {} : { HOST: values.host }),
  };
  const code = await deps.serve(env);
  return code === undefined ? undefined : code === EXIT.usage ? EXIT.usage : EXIT.failure;
}

/**
 * Runs `argv` (without node and the script). Resolves with the exit code, or undefined when
 * `serve` is running and the process is the server's.
 */
export async function runCli(argv: string[], io: CliIo, deps: CliDependencies): Promise<ExitCode | undefined> {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? args[0] : undefined;
      if (topic !== undefined && HELP[topic] === undefined) throw usageError(`unknown command "${topic}". Run 'footfall --help' for the commands.`);
      println(command === undefined ? io.stderr : io.stdout, HELP[topic ?? 'footfall']);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      println(io.stdout, version());
      return EXIT.ok;
    }
    if (command === 'serve') return await serve(args, io, deps);
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw usageError(`unknown command "${command}". Run 'footfall --help' for the commands.`);
    return await (await load())(args, io, deps.log);
  } catch (error) {
    if (error instanceof CliError) {
      println(io.stderr, `footfall: ${error.message}`);
      return error.exitCode;
    }
    deps.log.error({ err: error }, 'command failed');
    println(io.stderr, `footfall: ${(error as Error).message ?? String(error)}`);
    return EXIT.failure;
  }
}
