/**
 * The processes a bench measures, each a child of the bench: footfall (on SQLite in a temp
 * file, or on a redis-server of its own), and the bare `node:http` ceiling. Children are tracked
 * (test/support/child-processes.ts), so a failing or interrupted bench leaves none behind.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { onOutputLines, spawnTracked, stopChild } from '../../test/support/child-processes.js';
import { freePort } from '../../test/support/free-port.js';
import { startRedis, type RedisProcess } from '../../test/support/redis-server.js';
import { BENCH_ORIGIN, BENCH_SITE, BENCH_TIMEZONE } from './traffic.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** footfall as built for the bench: `tsc -p tsconfig.build.json --outDir dist/bench`. */
const BUILT_MAIN = path.join(ROOT, 'dist', 'bench', 'src', 'main.js');
const SOURCE_MAIN = path.join(ROOT, 'src', 'main.ts');

export interface Target {
  /** `bare`, `footfall-sqlite`, `footfall-redis`. */
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Lines the process printed (stdout and stderr), for errors. */
  readonly output: string[];
  stop(): Promise<void>;
}

export type Runtime = 'dist' | 'tsx';

/**
 * Builds footfall once into dist/bench (the tree as it is now: other engineers' edits made
 * after this are not measured). tsc emits even with type errors elsewhere; only a missing
 * main.js is fatal. Returns how footfall will be run.
 */
export function buildFootfall(useTsx: boolean): { runtime: Runtime; command: string } {
  if (!useTsx) {
    compile(ROOT, path.join(ROOT, 'dist', 'bench'));
    if (existsSync(BUILT_MAIN)) return { runtime: 'dist', command: 'node dist/bench/src/main.js' };
    process.stderr.write('no dist/bench/src/main.js: falling back to tsx\n');
  }
  return { runtime: 'tsx', command: 'node --import tsx src/main.ts' };
}

/** `tsc -p tsconfig.build.json` of the tree at `tree`, written to `outDir`; errors are reported, not fatal. */
function compile(tree: string, outDir: string): void {
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(tree, 'tsconfig.build.json'), '--outDir', outDir], {
      cwd: tree,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    });
  } catch (error) {
    const out = String((error as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`tsc reported errors (building anyway):\n${out.split('\n').slice(0, 10).join('\n')}\n`);
  }
}

/**
 * Builds commit `ref` into dist/against (checked out in a temporary worktree, compiled against
 * this tree's node_modules, so `ref` must have the same dependencies); `label` names its
 * targets (`@abc1234`).
 */
export function buildAgainst(ref: string): { main: string; label: string } {
  let built = againstBuilds.get(ref);
  if (!built) againstBuilds.set(ref, (built = buildCommit(ref)));
  return built;
}

/** Per ref: built once per bench, whichever scenarios ask. */
const againstBuilds = new Map<string, { main: string; label: string }>();

function buildCommit(ref: string): { main: string; label: string } {
  const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = git(['rev-parse', '--short', `${ref}^{commit}`]);
  const tree = mkdtempSync(path.join(os.tmpdir(), 'footfall-against-'));
  const outDir = path.join(ROOT, 'dist', 'against');
  try {
    git(['worktree', 'add', '--detach', '--force', tree, commit]);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    rmSync(outDir, { recursive: true, force: true });
    compile(tree, outDir);
  } finally {
    // A worktree that was never added has nothing to remove; that must not hide why.
    try {
      git(['worktree', 'remove', '--force', tree]);
    } catch {
      git(['worktree', 'prune']);
    }
    rmSync(tree, { recursive: true, force: true });
  }
  const main = path.join(outDir, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`--against ${ref}: building ${commit} gave no ${path.relative(ROOT, main)}`);
  return { main, label: `@${commit}` };
}

/** Keeps the first 500 lines of `child`'s output for the error shown if it fails to start. */
function collect(child: ChildProcess, output: string[]): void {
  onOutputLines(child, (line) => {
    if (output.length < 500) output.push(line);
  });
}

async function waitForHttp(port: number, pathname: string, child: ChildProcess, output: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited before answering:\n${output.join('\n')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${pathname}`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await delay(50);
  }
  throw new Error(`no answer on 127.0.0.1:${port}${pathname} within ${timeoutMs} ms:\n${output.join('\n')}`);
}

function target(name: string, port: number, child: ChildProcess, output: string[], cleanup: () => void = () => undefined): Target {
  return {
    name,
    port,
    pid: child.pid!,
    child,
    output,
    async stop() {
      // SIGTERM first: footfall flushes and, under --cpu-prof, writes its profile on exit.
      await stopChild(child, { timeoutMs: 15_000 });
      cleanup();
    },
  };
}

/** Starts the bare `node:http` ceiling (bare-server.ts), spinning `extraUs` more per request. */
export function startBare(extraUs = 0): Promise<Target> {
  return startBareScript('bare-server.ts', { BARE_EXTRA_US: String(extraUs) });
}

/** Starts the live ceiling (bare-live-server.ts): raw `ws` fanning out every hit at once. */
export function startBareLive(): Promise<Target> {
  return startBareScript('bare-live-server.ts');
}

async function startBareScript(file: string, env: Record<string, string> = {}): Promise<Target> {
  const port = await freePort();
  const child = spawnTracked(process.execPath, ['--import', 'tsx', path.join(ROOT, 'loadtest', 'lib', file)], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  collect(child, output);
  await waitForHttp(port, '/', child, output);
  return target('bare', port, child, output);
}

export interface FootfallOptions {
  store: 'sqlite' | 'redis';
  runtime: Runtime;
  /** For `redis`: the URL footfall connects to (its own redis-server, or a counting proxy). */
  redisUrl?: string;
  /** Extra environment (overrides the bench defaults). */
  env?: Record<string, string>;
  /** Directory for `--cpu-prof` output; no profiling when absent. */
  cpuProfDir?: string;
  /** Name for the profile file. */
  profileName?: string;
  /** More node flags (e.g. `--inspect=127.0.0.1:0`). */
  nodeArgs?: string[];
  /** A built main.js to run instead of this tree's (`buildAgainst`), whatever the runtime. */
  main?: string;
}

/**
 * Starts footfall with the bench site (origin https://bench.example.com), rate limit off,
 * X-Forwarded-For trusted one hop (visitors differ by address), logs at warn.
 */
/**
 * The V8 flags footfall runs with in production (`npm run serve`, the Dockerfile's CMD): a
 * small young generation holds memory per live connection under 15 KB at no measured cost.
 */
const PRODUCTION_NODE_ARGS = ['--max-semi-space-size=8'];

export async function startFootfall(options: FootfallOptions): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'footfall-bench-'));
  const sitesFile = path.join(dir, 'sites.json');
  writeFileSync(sitesFile, JSON.stringify([{ id: BENCH_SITE, origins: [BENCH_ORIGIN], timezone: BENCH_TIMEZONE }]));
  const store = options.store === 'sqlite' ? `sqlite:${path.join(dir, 'footfall.db')}` : options.redisUrl;
  if (store === undefined) throw new Error('startFootfall: redis needs redisUrl');
  const profiling = options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${options.profileName ?? 'footfall'}.cpuprofile`];
  const main = options.main !== undefined ? [options.main] : options.runtime === 'dist' ? [BUILT_MAIN] : ['--import', 'tsx', SOURCE_MAIN];
  const child = spawnTracked(process.execPath, [...profiling, ...PRODUCTION_NODE_ARGS, ...(options.nodeArgs ?? []), ...main], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      FOOTFALL_STORE: store,
      FOOTFALL_LOG_LEVEL: 'warn',
      FOOTFALL_RATE_LIMIT: '0',
      FOOTFALL_TRUST_PROXY: '1',
      FOOTFALL_SITES_FILE: sitesFile,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  collect(child, output);
  try {
    await waitForHttp(port, '/readyz', child, output);
  } catch (error) {
    await stopChild(child, { signal: 'SIGKILL' });
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return target(`footfall-${options.store}`, port, child, output, () => rmSync(dir, { recursive: true, force: true }));
}

/** A fresh redis-server on a free port (never the shared one on 6379). */
export function startBenchRedis(): Promise<RedisProcess> {
  return startRedis({ args: ['--save', '', '--appendonly', 'no'] });
}

/** `redis-server --version`, e.g. `7.0.15`. */
export function redisVersion(): string {
  try {
    return /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}
