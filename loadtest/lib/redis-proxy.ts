/**
 * A counting TCP proxy between footfall and its redis-server. Redis' own statistics cannot tell
 * a command a client sent from one a script ran; this proxy sees only what crossed the wire:
 * each RESP command the client sent, and each socket write that carried them (with ioredis'
 * auto-pipelining several commands share one write, i.e. one round trip).
 * Runs inside the bench process; only loopback addresses are involved.
 */
import net from 'node:net';

export interface WireCounts {
  /** Commands sent by clients, by name (lowercase). */
  commands: Record<string, number>;
  /** Socket reads on the client side: an upper bound of round trips (one per flush of writes). */
  writes: number;
  bytes: number;
}

export interface RedisProxy {
  readonly port: number;
  readonly url: string;
  counts(): WireCounts;
  close(): Promise<void>;
}

/** Counts RESP commands (`*N\r\n$len\r\nNAME\r\n…`) in a client's byte stream, across chunks. */
class CommandCounter {
  private buf: Buffer = Buffer.alloc(0);
  /** Arguments still to skip in the command being read; -1 between commands. */
  private pending = -1;
  private awaitingName = false;

  constructor(private readonly onCommand: (name: string) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      const eol = this.buf.indexOf('\r\n', pos);
      if (eol < 0) break;
      const type = this.buf[pos];
      const n = Number(this.buf.toString('latin1', pos + 1, eol));
      if (type === 0x2a /* * */) {
        this.pending = n;
        this.awaitingName = true;
        pos = eol + 2;
        continue;
      }
      if (type !== 0x24 /* $ */) {
        // Inline command (redis-cli style): one line is one command.
        this.onCommand(this.buf.toString('latin1', pos, eol).split(' ')[0]!.toLowerCase());
        pos = eol + 2;
        continue;
      }
      const end = eol + 2 + n + 2;
      if (this.buf.length < end) break;
      if (this.awaitingName) {
        this.onCommand(this.buf.toString('latin1', eol + 2, eol + 2 + n).toLowerCase());
        this.awaitingName = false;
      }
      this.pending -= 1;
      pos = end;
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
  }
}

export function startRedisProxy(redisPort: number): Promise<RedisProxy> {
  const commands: Record<string, number> = {};
  let writes = 0;
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: redisPort, noDelay: true });
    client.setNoDelay(true);
    sockets.add(client).add(upstream);
    const counter = new CommandCounter((name) => (commands[name] = (commands[name] ?? 0) + 1));
    client.on('data', (chunk: Buffer) => {
      writes += 1;
      bytes += chunk.length;
      counter.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        url: `redis://127.0.0.1:${address.port}`,
        counts: () => ({ commands: { ...commands }, writes, bytes }),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** after − before. */
export function diffWire(before: WireCounts, after: WireCounts): WireCounts {
  const commands: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.commands)) {
    const d = n - (before.commands[name] ?? 0);
    if (d > 0) commands[name] = d;
  }
  return { commands, writes: after.writes - before.writes, bytes: after.bytes - before.bytes };
}
