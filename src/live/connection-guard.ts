/**
 * Limits on live connections that the origin check of a namespace alone does not give: a cap
 * per client address on engine.io sessions and a refusal of foreign origins, both at the
 * handshake, before a session exists; the handshake's origin required again on every later
 * engine.io request of a session (polling requests and the websocket upgrade carry only a
 * session id; socket.io #5077); and a disconnect for sockets that send events, since widgets
 * only listen.
 */
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import type { ClientAddress } from '../counting/client-address.js';
import { networkOf } from '../counting/network-address.js';
import { liveRefusal } from '../errors.js';

/** Messages a widget may send after connecting (it sends none); past this per second, it goes. */
const FLOOD_MESSAGES_PER_SECOND = 5;

export interface ConnectionGuardOptions {
  /** `FOOTFALL_CONNECTIONS_PER_IP`: engine.io sessions per client address (IPv6: its /64). */
  maxPerAddress: number;
  clientAddress: ClientAddress;
  /** True when `origin` is some site's. The server's own pages (/ops, /s/…) are let in too. */
  servesOrigin: (origin: string) => boolean;
}

type AllowRequest = (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;

interface EngineSocket {
  request: IncomingMessage;
  on(event: 'close', listener: (this: EngineSocket) => void): void;
}

/**
 * Counts engine.io sessions per address from the handshake request on: a slot is taken in
 * `allowRequest`, moves to the session when engine.io opens it, and is given back when the
 * session closes, or when the handshake's own connection closes before a session came of it.
 * Whatever happens between (a client gone during a slow salt load), the session's close frees it.
 */
export class ConnectionGuard {
  private readonly open = new Map<string, number>();
  /** Handshakes allowed whose session has not opened yet, with the address they count for. */
  private readonly pending = new WeakMap<IncomingMessage, { address: string; dropped: () => void }>();

  constructor(private readonly options: ConnectionGuardOptions) {}

  /** The engine's `allowRequest`: refuses foreign origins and addresses at their cap. */
  readonly allowRequest: AllowRequest = (req, callback) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !this.options.servesOrigin(origin) && !isOwnOrigin(origin, req)) return callback('origin_not_allowed', false);
    const address = networkOf(this.options.clientAddress(req));
    const n = this.open.get(address) ?? 0;
    if (n >= this.options.maxPerAddress) return callback('too_many_connections', false);
    this.open.set(address, n + 1);
    const dropped = () => {
      if (this.pending.get(req)?.address !== address) return;
      this.pending.delete(req);
      this.release(address);
    };
    this.pending.set(req, { address, dropped });
    req.socket.once('close', dropped);
    callback(null, true);
  };

  /** Moves each allowed handshake's slot to its session, and frees it when that closes. */
  watch(io: Server): void {
    const addresses = new WeakMap<EngineSocket, string>();
    const release = (address: string) => this.release(address);
    // One listener for every session, told apart by `this` (the emitter): a closure per session
    // would be memory per open widget.
    function closed(this: EngineSocket): void {
      const address = addresses.get(this);
      addresses.delete(this);
      if (address !== undefined) release(address);
    }
    io.engine.on('connection', (socket: EngineSocket) => {
      const held = this.pending.get(socket.request);
      if (!held) return;
      this.pending.delete(socket.request);
      socket.request.socket.removeListener('close', held.dropped);
      addresses.set(socket, held.address);
      socket.on('close', closed);
    });
    io.engine.on('connection_error', ({ req }: { req: IncomingMessage }) => this.pending.get(req)?.dropped());
  }

  /** Sessions open (or being opened) now, over all addresses. */
  get sessions(): number {
    let total = 0;
    for (const n of this.open.values()) total += n;
    return total;
  }

  private release(address: string): void {
    const n = (this.open.get(address) ?? 0) - 1;
    if (n > 0) this.open.set(address, n);
    else this.open.delete(address);
  }
}

/** The server's own pages connect from its own origin (the Host they were served under). */
function isOwnOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
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
