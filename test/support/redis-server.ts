/**
 * Throw-away redis-server processes for tests: own port, own temp dir, tracked child.
 * Never talks to the shared Redis on 6379 (ports come from free-port.ts).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isRunning, onCleanup, spawnTracked, stopChild, track, waitForExit } from './child-processes.js';
import { freePorts } from './free-port.js';

/** Options for {@link startRedis}. */
export interface RedisOptions {
  /** `--appendonly yes` (AOF in `dir`, fsync every second unless overridden in `args`). Default false. */
  appendonly?: boolean;
  /** Working dir (AOF, log, nodes.conf). Default: a fresh temp dir, removed by `stop()`. */
  dir?: string;
  /** Fixed port; no retry elsewhere if taken. Default: a free port (retried if lost to a race). */
  port?: number;
  /** Extra redis-server arguments, appended last so they override the defaults. */
  args?: string[];
}

/** A running (or killed, restartable) redis-server started by {@link startRedis}. */
export interface RedisProcess {
  readonly port: number;
  /** Pid of the current process; changes after `restart()`. */
  readonly pid: number;
  /** redis://127.0.0.1:port */
  readonly url: string;
  /** Working dir (temp dir unless given); AOF and redis.log live here. */
  readonly dir: string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp dir if we created it. Idempotent. */
  stop(): Promise<void>;
  /** Send `signal` (default SIGKILL: a crash) and wait for exit; keeps dir for `restart()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: Redis stalls, connections stay open but nothing is answered. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Start again on the same port, dir and options. Updates and returns THIS object (new pid). */
  restart(): Promise<RedisProcess>;
  /** `redis-cli -p port ...args`, stdout trimmed; rejects on non-zero exit or after 10 s. */
  cli(...args: string[]): Promise<string>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 5000;

/** Run redis-cli against 127.0.0.1:`port`; the child is tracked and SIGKILLed on timeout. */
export function redisCli(port: number, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli -p ${port} ${args.join(' ')}: ${err.message} ${stdout}${stderr}`.trim()));
      else resolve(stdout.trim());
    });
    if (child.pid !== undefined) track(child);
  });
}

/**
 * True if 127.0.0.1:`port` is served by OUR process (`process_id` in INFO matches `pid`,
 * so a foreign server that won the port race is not mistaken for ours) and it is done
 * loading its AOF. A raw socket avoids spawning redis-cli on every poll.
 */
function isReady(port: number, pid: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: HOST });
    let reply = '';
    const finish = (ready: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ready);
    };
    const timer = setTimeout(() => finish(false), 1000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('INFO\r\n'));
    socket.on('error', () => finish(false));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const header = /^\$(\d+)\r\n/.exec(reply); // bulk reply: "$<len>\r\n<body>\r\n"
      if (!header) {
        if (reply.includes('\r\n')) finish(false); // -LOADING, -ERR ...: not ready (yet)
        return;
      }
      if (Buffer.byteLength(reply) < header[0].length + Number(header[1]) + 2) return;
      finish(reply.includes(`\r\nprocess_id:${pid}\r\n`) && reply.includes('\r\nloading:0\r\n'));
    });
  });
}

class StartError extends Error {
  constructor(message: string, readonly portInUse: boolean) {
    super(message);
  }
}

/** Spawn redis-server on `port` and wait until it answers; kill it and throw if it does not. */
async function launch(port: number, dir: string, args: readonly string[]): Promise<ChildProcess> {
  const logfile = path.join(dir, 'redis.log');
  // Only the log written by this launch matters for errors (the file survives restarts).
  const logStart = await fs.stat(logfile).then((s) => s.size, () => 0);
  const child = spawnTracked('redis-server', ['--port', String(port), '--logfile', logfile, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = ''; // config errors are printed here before the logfile is opened
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (isRunning(child) && Date.now() < deadline) {
    if (await isReady(port, child.pid!)) return child;
    await delay(20);
  }
  const exited = await waitForExit(child, 100);
  if (!exited) await stopChild(child, { signal: 'SIGKILL' });
  const log = await fs.readFile(logfile, 'utf8').then((s) => s.slice(logStart), () => '');
  const tail = (log + stderr).trim().split('\n').slice(-15).join('\n');
  const why = exited ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : `did not answer within ${START_TIMEOUT_MS} ms`;
  throw new StartError(`redis-server on port ${port} ${why}; log tail:\n${tail}`, /Address already in use/i.test(tail));
}

class RedisServer implements RedisProcess {
  #child: ChildProcess;
  #stopped = false;
  // A temp dir we created is removed by stop(), or at the end of the run if stop() never came.
  readonly #forgetDir: () => void;

  constructor(readonly port: number, readonly dir: string, private readonly ownsDir: boolean, private readonly args: readonly string[], child: ChildProcess) {
    this.#child = child;
    this.#forgetDir = ownsDir ? onCleanup(() => rmSync(dir, { recursive: true, force: true })) : () => undefined;
  }

  get pid(): number { return this.#child.pid!; }
  get url(): string { return `redis://${HOST}:${this.port}`; }

  async stop(): Promise<void> {
    await stopChild(this.#child);
    if (this.#stopped) return;
    this.#stopped = true;
    this.#forgetDir();
    if (this.ownsDir) await fs.rm(this.dir, { recursive: true, force: true });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') throw new Error('use pause()/resume() for SIGSTOP/SIGCONT');
    this.#child.kill(signal);
    if (signal !== 'SIGKILL') this.#child.kill('SIGCONT'); // a paused Redis must run to act on it
    if (!(await waitForExit(this.#child, 5000))) throw new Error(`redis-server ${this.pid} ignored ${signal}`);
  }

  pause(): void { this.#child.kill('SIGSTOP'); }
  resume(): void { this.#child.kill('SIGCONT'); }

  async restart(): Promise<RedisProcess> {
    if (this.#stopped) throw new Error('restart() after stop(): the dir is gone; use kill() for crash/restart tests');
    await stopChild(this.#child); // normally already dead (kill()); otherwise a clean shutdown
    this.#child = await launch(this.port, this.dir, this.args);
    return this;
  }

  cli(...args: string[]): Promise<string> { return redisCli(this.port, args); }
}

/**
 * Start `redis-server --port P --bind 127.0.0.1 --save "" --appendonly yes|no
 * --appendfsync everysec --dir DIR --daemonize no --logfile DIR/redis.log ...args` and wait
 * (≤ 5 s) until it answers. With `--cluster-enabled` in args the port is chosen so that
 * port+10000 (cluster bus) is free as well.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisProcess> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'footfall-redis-')));
  await fs.mkdir(dir, { recursive: true });
  const args = ['--bind', HOST, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'everysec',
    '--dir', dir, '--daemonize', 'no', ...(options.args ?? [])];
  const clusterBus = args.includes('--cluster-enabled');
  try {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePorts(1, { clusterBus }))[0]!;
      try {
        return new RedisServer(port, dir, ownsDir, args, await launch(port, dir, args));
      } catch (err) {
        // Lost the port to another process between probing and binding: try a new one.
        if (options.port !== undefined || !(err instanceof StartError && err.portInUse) || attempt >= 5) throw err;
      }
    }
  } catch (err) {
    if (ownsDir) await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}
