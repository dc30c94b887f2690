/**
 * The HTTP load generator, run as its own process (so its CPU is not the server's): raw
 * keep-alive TCP connections, prebuilt request bytes and a minimal response parser, cheaper per
 * request than an HTTP client library, so that on a small machine the server saturates first.
 * Usage: node --import tsx loadtest/lib/load-worker.ts '<LoadSpec JSON>'; prints a LoadResult.
 * Bounded: it stops at the spec's duration and request count, and exits by a hard deadline.
 */
import { writeSync } from 'node:fs';
import net from 'node:net';
import type { LoadRequest, LoadResult, LoadSpec } from './load-spec.js';
import { distribution, round } from './stats.js';
import { FRESH_ADDRESS_PREFIX, freshAddress, hitBody, seededRandom, visitorAddress, visitorUserAgent } from './traffic.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
/** In-flight requests get this long after the end before they count as unanswered. */
const DRAIN_MS = 5_000;
/** Reconnections allowed in one run, so a dead server cannot make this spin. */
const MAX_RECONNECTS = 1_000;
let reconnects = 0;

function buildRequests(request: LoadRequest, host: string): Buffer[] {
  if (request.kind === 'counts') {
    return [
      Buffer.from(
        `GET /api/v1/sites/${request.site}/counts HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n` +
          `Origin: ${request.origin}\r\nUser-Agent: ${visitorUserAgent(0)}\r\nConnection: keep-alive\r\n\r\n`,
      ),
    ];
  }
  const random = seededRandom(request.seed);
  const requests: Buffer[] = [];
  for (let i = 0; i < request.visitors; i++) {
    const body = hitBody(random, request.origin, request.site);
    requests.push(
      Buffer.from(
        `POST /api/v1/hit HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain;charset=UTF-8\r\n` +
          `Origin: ${request.origin}\r\nUser-Agent: ${visitorUserAgent(i)}\r\nX-Forwarded-For: ${request.fresh ? freshAddress(0) : visitorAddress(i)}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`,
      ),
    );
  }
  return requests;
}

const requests = buildRequests(spec.request, `${spec.host}:${spec.port}`);
// A stride coprime with the pool size walks every visitor before repeating one, in mixed order.
const STRIDE = 7919;
let sent = 0;
const pooled = (): Buffer => requests[(sent * STRIDE) % requests.length]!;
/**
 * Fresh visitors: a copy of a pooled request with the request's number as its address; each
 * seed (one per phase, below 256) has its own 2^24 addresses, so no phase meets another's.
 */
const freshBase = ((spec.request.kind === 'hit' ? spec.request.seed : 0) & 255) * 2 ** 24;
const fresh = (): Buffer => {
  const bytes = Buffer.from(pooled());
  const at = bytes.indexOf(`X-Forwarded-For: ${FRESH_ADDRESS_PREFIX}`) + 'X-Forwarded-For: '.length;
  bytes.write(freshAddress(freshBase + sent + 1), at, 'latin1');
  return bytes;
};
const nextRequest = spec.request.kind === 'hit' && spec.request.fresh ? fresh : pooled;

const latencies = new Float64Array(Math.min(spec.maxRequests, 20_000_000));
let recorded = 0;
const statuses: Record<string, number> = {};
let completed = 0;
let ok = 0;
let socketErrors = 0;
let measureStart = 0;
let measureEnd = 0;
let finished = false;

class Connection {
  socket!: net.Socket;
  busy = false;
  /** When the request in flight was due (rate mode) or sent (closed mode). */
  startedAt = 0;
  private buf: Buffer | null = null;

  constructor(private readonly onFree: (conn: Connection) => void) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.buf = null;
      this.socket = net.connect({ host: spec.host, port: spec.port, noDelay: true });
      this.socket.once('connect', () => resolve());
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
      this.socket.on('error', (error) => reject(error));
      this.socket.on('close', () => this.onClose());
    });
  }

  send(startedAt: number): void {
    this.busy = true;
    this.startedAt = startedAt;
    this.socket.write(nextRequest());
    sent += 1;
  }

  private onData(chunk: Buffer): void {
    let buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd < 0) break;
      const head = buf.toString('latin1', 0, headEnd);
      const status = Number(head.slice(9, 12));
      let total: number;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) total = headEnd + 4 + Number(length[1]);
      else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        const end = buf.indexOf('\r\n0\r\n\r\n', headEnd);
        if (end < 0) break;
        total = end + 7;
      } else total = headEnd + 4;
      if (buf.length < total) break;
      this.complete(status);
      if (buf.length === total) {
        this.buf = null;
        return;
      }
      buf = buf.subarray(total);
    }
    this.buf = buf;
  }

  private complete(status: number): void {
    const now = performance.now();
    if (this.startedAt >= measureStart && this.startedAt < measureEnd) {
      completed += 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) ok += 1;
      if (recorded < latencies.length) latencies[recorded++] = now - this.startedAt;
    }
    this.busy = false;
    this.onFree(this);
  }

  private onClose(): void {
    const wasBusy = this.busy;
    this.busy = false;
    if (wasBusy && this.startedAt >= measureStart && this.startedAt < measureEnd) socketErrors += 1;
    if (finished || ++reconnects > MAX_RECONNECTS) return;
    // The server closed a keep-alive connection: open another (a little later) and carry on.
    setTimeout(() => {
      if (finished) return;
      this.connect().then(
        () => this.onFree(this),
        () => undefined,
      );
    }, 10);
  }
}

function main(): void {
  const idle: Connection[] = [];
  const queue: number[] = [];
  let queueHead = 0;
  let t0 = 0;
  let end = 0;
  const interval = spec.mode === 'rate' ? 1000 / (spec.rate ?? 1) : 0;
  let scheduled = 0;

  const onFree = (conn: Connection): void => {
    if (finished || conn.socket.destroyed) return;
    if (spec.mode === 'closed') {
      const now = performance.now();
      if (now < end && sent < spec.maxRequests) conn.send(now);
      return;
    }
    if (queueHead < queue.length) conn.send(queue[queueHead++]!);
    else idle.push(conn);
  };

  const connections = Array.from({ length: spec.connections }, () => new Connection(onFree));
  const cpu0 = { value: process.cpuUsage() };

  const pump = (): void => {
    if (finished) return;
    const now = performance.now();
    while (scheduled < spec.maxRequests) {
      const due = t0 + scheduled * interval;
      if (due > now || due >= end) break;
      queue.push(due);
      scheduled += 1;
    }
    while (queueHead < queue.length && idle.length > 0) idle.pop()!.send(queue[queueHead++]!);
    if (queueHead > 100_000) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
    if (now < end) setTimeout(pump, 1);
  };

  Promise.all(connections.map((c) => c.connect())).then(
    () => {
      t0 = performance.now();
      measureStart = t0 + spec.warmupMs;
      measureEnd = measureStart + spec.durationMs;
      end = measureEnd;
      // The parent reads the server's CPU between these two marks (written synchronously, so
      // that an exit right after cannot drop them).
      setTimeout(() => {
        cpu0.value = process.cpuUsage();
        writeSync(2, '@measure\n');
      }, spec.warmupMs);
      if (spec.mode === 'closed') for (const conn of connections) onFree(conn);
      else {
        idle.push(...connections);
        pump();
      }
      const stop = (): void => {
        const cpu = process.cpuUsage(cpu0.value);
        const inFlight = connections.filter((c) => c.busy && c.startedAt >= measureStart).length + (queue.length - queueHead);
        finished = true;
        for (const conn of connections) conn.socket.destroy();
        const durationS = spec.durationMs / 1000;
        const failures = completed - ok + socketErrors + inFlight;
        const result: LoadResult = {
          mode: spec.mode,
          ...(spec.mode === 'rate' ? { targetRate: spec.rate } : {}),
          rps: round(completed / durationS, 1),
          okRps: round(ok / durationS, 1),
          completed,
          ok,
          statuses,
          socketErrors,
          errorPercent: round((100 * failures) / Math.max(1, completed + socketErrors + inFlight), 3),
          durationS,
          latencyMs: roundAll(distribution(latencies.subarray(0, recorded))),
          workerCpuPercent: round((100 * (cpu.user + cpu.system)) / 1000 / (spec.durationMs + 0.001), 1),
          unanswered: inFlight,
        };
        process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
      };
      // At the end: mark it, then wait for answers to requests sent before it, at most DRAIN_MS.
      const drain = (started: number): void => {
        const busy = connections.some((c) => c.busy) || queueHead < queue.length;
        if (busy && performance.now() - started < DRAIN_MS) setTimeout(() => drain(started), 5);
        else stop();
      };
      setTimeout(() => {
        writeSync(2, '@end\n');
        drain(performance.now());
      }, end - performance.now());
    },
    (error: unknown) => {
      process.stderr.write(`load worker could not connect to ${spec.host}:${spec.port}: ${String(error)}\n`);
      process.exit(1);
    },
  );
}

function roundAll<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'number' ? round(v, 3) : v])) as T;
}

// A hard deadline, whatever happens above.
setTimeout(() => {
  process.stderr.write('load worker: hard deadline reached\n');
  process.exit(2);
}, spec.warmupMs + spec.durationMs + DRAIN_MS + 30_000).unref();

main();
