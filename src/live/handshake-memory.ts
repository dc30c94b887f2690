/**
 * Every engine.io session holds its handshake request for as long as it lives (the session's
 * `request`, and on the websocket transport the upgrade's response too), so what that request
 * carries is memory per open widget. Once the session is open, the parts nothing reads again go:
 * the raw header list (the parsed `headers` are what footfall and Socket.IO read) and the
 * WebSocket upgrade's own headers. A later namespace on the same session still sees the
 * Origin, the User-Agent and the forwarding headers it is admitted by.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

/** Headers that only served the WebSocket upgrade itself. */
const UPGRADE_HEADERS: ReadonlySet<string> = new Set(['sec-websocket-key', 'sec-websocket-extensions', 'sec-websocket-version']);
const NO_RAW_HEADERS: string[] = [];

export function releaseHandshakeHeaders(io: Server): void {
  io.engine.on('connection', (socket: { request: IncomingMessage }) => {
    const req = socket.request;
    req.rawHeaders = NO_RAW_HEADERS;
    // A copy rather than deletes: deleting turns the object into a larger dictionary.
    const kept: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!UPGRADE_HEADERS.has(name)) kept[name] = value;
    req.headers = kept;
  });
}
