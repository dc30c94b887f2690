/**
 * footfall as a separate process (`src/main.ts` through tsx), for tests that signal, kill or
 * run several instances. Its JSON log lines are kept for assertions.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { onOutputLines, spawnTracked, stopChild, waitForExit } from './child-processes.js';
import { freePort } from './free-port.js';
import { ADDRESS_BUDGETS_OFF } from './server.js';

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every line the process wrote to stdout and stderr so far. */
  readonly output: string[];
  /** Sends `signal` and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

const MAIN = path.join(PACKAGE_ROOT, 'src', 'main.ts');

/** Runs `src/main.ts` with `env` and resolves once it logs that it listens. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawnTracked(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', FOOTFALL_LOG_LEVEL: 'info', ...ADDRESS_BUDGETS_OFF, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`footfall did not start within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      if (line.includes('"footfall listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    onOutputLines(child, onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`footfall exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });
  await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output,
    async stop(signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = 12_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      if (!(await waitForExit(child, stopTimeoutMs))) await stopChild(child, { signal: 'SIGKILL' });
      return exited;
    },
  };
}

/** Runs `src/main.ts` expecting it to refuse to start; resolves with its exit code and output. */
export async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', FOOTFALL_STORE: 'memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  // A server that starts after all would never exit by itself.
  if (!(await waitForExit(child, 15_000))) {
    await stopChild(child, { signal: 'SIGKILL' });
    return { code: null, output: `${output}\n(started instead of refusing)` };
  }
  return { code: await exited, output };
}
