/** The real `footfall` CLI as a child process (`node --import tsx src/cli/main.ts …`). */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { spawnTracked, stopChild } from '../support/child-processes.js';

export const CLI = path.join(PACKAGE_ROOT, 'src', 'cli', 'main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

/** Starts the CLI; stdout and stderr are collected on the returned child. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess & { out: { stdout: string; stderr: string } } {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, FOOTFALL_LOG_LEVEL: 'error', FOOTFALL_STORE: 'memory:', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  child.stdin?.end(options.input ?? '');
  return Object.assign(child, { out });
}

/** Runs the CLI to its end; kills it and rejects after `timeoutMs` (default 20 s). */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const child = spawnCli(args, options);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child, { signal: 'SIGKILL' });
      reject(new Error(`footfall ${args.join(' ')} did not end within ${timeoutMs} ms:\n${child.out.stdout}\n${child.out.stderr}`));
    }, timeoutMs);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, ...child.out };
}
