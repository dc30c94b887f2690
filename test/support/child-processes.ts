/**
 * Registry of child processes spawned by tests (redis-server, node servers, redis-cli).
 *
 * Why: a failing test, a mocha `--exit`, or a Ctrl+C must never leave a server running on
 * this shared machine. Every child is tracked until it exits; the root `afterAll` hook
 * (hooks.ts) and the process `exit`/`SIGINT`/`SIGTERM` hooks below SIGKILL what is left.
 * Children are only ever signalled through their ChildProcess handle (never by raw pid or
 * by name), so a pid recycled after the child exited can never be hit.
 *
 * Limitation: if the test process itself is SIGKILLed, no hook can run; children are not
 * detached, so a terminal Ctrl+C still reaches them through the process group.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const tracked = new Set<ChildProcess>();
const cleanups = new Set<() => void>();
let hooksInstalled = false;

/**
 * Register a synchronous cleanup (e.g. removing a temp dir) run after the children are
 * killed by `killAll` or the exit hooks. Returns a function that unregisters it.
 */
export function onCleanup(fn: () => void): () => void {
  installExitHooks();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

function runCleanups(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // best effort: one failing cleanup must not stop the others
    }
  }
  cleanups.clear();
}

/** True while the child has neither exited nor been killed by a signal. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Track `child` until it exits; installs the process-exit hooks on first use. */
export function track<T extends ChildProcess>(child: T): T {
  installExitHooks();
  if (!isRunning(child)) return child;
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  return child;
}

/**
 * Calls `onLine` with each complete line `child` writes to the given streams (stdout and stderr
 * by default); a line split across two chunks is delivered once, whole.
 */
export function onOutputLines(
  child: ChildProcess,
  onLine: (line: string) => void,
  streams: ReadonlyArray<'stdout' | 'stderr'> = ['stdout', 'stderr'],
): void {
  for (const name of streams) {
    const stream = child[name];
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach((line) => onLine(line));
    });
  }
}

/** Stop tracking `child` (e.g. a process deliberately left to outlive a test). */
export function untrack(child: ChildProcess): void {
  tracked.delete(child);
}

/** Children currently tracked and still running (a copy). */
export function trackedChildren(): ChildProcess[] {
  return [...tracked];
}

/**
 * Signal every tracked child (default SIGKILL), wait up to 5 s for them to exit, then run
 * the `onCleanup` callbacks (temp dirs go too: meant for the end of a run, not mid-test).
 * Resolves with how many children were still running, so callers can report leaks.
 */
export async function killAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
  const children = [...tracked];
  for (const child of children) {
    child.kill(signal);
    // A SIGSTOPped process only acts on a catchable signal once it is continued.
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
  }
  await Promise.all(children.map((c) => waitForExit(c, 5000)));
  runCleanups();
  return children.length;
}

/** Synchronous SIGKILL of everything tracked: the only thing possible inside `exit`. */
function killAllSync(): void {
  for (const child of tracked) child.kill('SIGKILL');
  tracked.clear();
  runCleanups();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAllSync();
      process.removeListener(signal, onSignal);
      // Our listener suppressed the default action; if nobody else handles the signal,
      // re-raise it so the process still dies with the usual status.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
  // `mocha` runs tests in a child node process (because of "node-option") and forwards only
  // SIGINT to it; if the mocha parent is SIGTERMed/SIGKILLed we are reparented. Then nobody
  // sees our output any more: kill the children now rather than when the orphan finishes.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) killAllSync();
  }, 1000).unref();
}

/**
 * `spawn` + `track`. Throws synchronously if the command could not be started
 * (e.g. ENOENT), instead of emitting an unhandled 'error' event later.
 */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, options);
  child.on('error', () => undefined); // spawn/kill errors surface via pid / exit instead
  if (child.pid === undefined) throw new Error(`failed to spawn ${command} ${args.join(' ')}`);
  return track(child);
}

/** Resolve true once `child` has exited, or false if it is still running after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      resolve(false);
    }, timeoutMs);
    child.once('exit', onExit);
  });
}

/** Options for {@link stopChild}. */
export interface StopOptions {
  /** First signal to send (default SIGTERM). */
  signal?: NodeJS.Signals;
  /** How long to wait before escalating to SIGKILL (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * Gracefully stop `child`: send `signal`, wait `timeoutMs`, then SIGKILL and wait for exit.
 * Resolves once the child has exited (immediately if it already had).
 */
export async function stopChild(child: ChildProcess, { signal = 'SIGTERM', timeoutMs = 5000 }: StopOptions = {}): Promise<void> {
  if (!isRunning(child)) return;
  child.kill(signal);
  if (signal !== 'SIGKILL') child.kill('SIGCONT'); // a paused child could not act on it
  if (await waitForExit(child, timeoutMs)) return;
  child.kill('SIGKILL');
  if (!(await waitForExit(child, 5000))) throw new Error(`pid ${child.pid} survived SIGKILL`);
}
