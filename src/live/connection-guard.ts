/**
 * Limits on live connections that the origin check alone does not give: a cap per client IP,
 * the handshake's origin required again on every later engine.io request of a session
 * (polling requests and the websocket upgrade carry only a session id; socket.io #5077), and
 * a disconnect for sockets that send events, since widgets only listen.
 */
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { liveRefusal } from '../errors.js';

/** Messages a widget may send after connecting (it sends none); past this per second, it goes. */
const FLOOD_MESSAGES_PER_SECOND = 5;

export class ConnectionGuard {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerIp: number) {}

  /** Counts a connection from `ip`; false when that address already has its maximum. */
  admit(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (n >= this.maxPerIp) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  release(ip: string): void {
    const n = (this.open.get(ip) ?? 0) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }
}

type EngineRequest = IncomingMessage & { _query?: Record<string, string | undefined> };

/**
 * Refuses an engine.io request for an existing session whose Origin differs from the one the
 * session was opened with, on the polling and the websocket transport alike.
 */
export function requireSessionOrigin(io: Server): void {
  io.engine.use((req: EngineRequest, _res: unknown, next: (error?: Error) => void) => {
    const sid = req._query?.sid;
    if (!sid) return next();
    const clients = (io.engine as unknown as { clients: Record<string, { request: IncomingMessage } | undefined> }).clients;
    const session = Object.hasOwn(clients, sid) ? clients[sid] : undefined;
    if (session && session.request.headers.origin !== req.headers.origin) return next(liveRefusal('origin_not_allowed'));
    next();
  });
}

/** Disconnects a socket that sends more than a few messages in a second. */
export function disconnectFlooders(socket: Socket): void {
  let windowStart = Date.now();
  let messages = 0;
  socket.conn.on('packet', (packet: { type: string }) => {
    if (packet.type !== 'message') return;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      messages = 0;
    }
    messages += 1;
    if (messages > FLOOD_MESSAGES_PER_SECOND) socket.disconnect(true);
  });
}
