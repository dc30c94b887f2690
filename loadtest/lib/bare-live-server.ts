/**
 * The live ceiling: raw `ws` speaking just enough of Engine.IO 4 and Socket.IO 5 for the bench's
 * Socket.IO clients (websocket transport, as widgets after the upgrade): it opens the session,
 * accepts the namespace connect, sends the counts, and on every `POST /api/v1/hit` sends
 * `42["counts",{…}]` with the new figures — counts-sized, as footfall pushes them — to every
 * socket at once, one frame encoded once. No batching, no push interval, no yielding to other
 * work: the live scenario's delay measured on it is what fanning out costs on this machine,
 * reported beside footfall's.
 * Usage: PORT=… HOST=127.0.0.1 node --import tsx loadtest/lib/bare-live-server.ts
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { bareCounts } from './bare-counts.js';

/** Engine.IO's defaults: the clients close a session that hears no ping within their sum. */
const PING_INTERVAL_MS = 25_000;
const PING_TIMEOUT_MS = 20_000;

let views = 0;
let sessions = 0;
const countsFrame = () => `42${JSON.stringify(['counts', JSON.parse(bareCounts(views))])}`;

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('bare live\n');
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(202, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end('{"counted":true}');
    views += 1;
    const frame = Buffer.from(countsFrame());
    for (const socket of wss.clients) socket.send(frame, { binary: false });
  });
});

const wss = new WebSocketServer({ server, path: '/socket.io/' });
wss.on('connection', (socket: WebSocket) => {
  sessions += 1;
  socket.send(`0${JSON.stringify({ sid: `s${sessions}`, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: 1e6 })}`);
  socket.on('message', (data) => {
    // "40…": a namespace connect; anything else (pongs) needs no answer.
    if (!data.toString().startsWith('40')) return;
    socket.send(`40${JSON.stringify({ sid: `n${sessions}` })}`);
    socket.send(countsFrame());
  });
});
setInterval(() => {
  for (const socket of wss.clients) socket.send('2');
}, PING_INTERVAL_MS).unref();

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
