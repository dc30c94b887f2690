/**
 * A process of Socket.IO clients (websocket transport only, as widgets after the upgrade),
 * driven by the live scenario over IPC. Each client is a distinct visitor (its own
 * X-Forwarded-For). Bounded: connections time out, and the process exits when its parent goes.
 * Usage: fork('live-worker.ts', { execArgv: ['--import', 'tsx'] }).
 */
import { io, type Socket } from 'socket.io-client';
import type { FromWorker, ToWorker } from './live-protocol.js';
import { visitorAddress, visitorUserAgent } from './traffic.js';

interface Client {
  socket: Socket;
  lastViews: number;
  events: number;
  threshold: number;
  receivedAt: number;
  disconnected: boolean;
}

const CONNECT_TIMEOUT_MS = 60_000;
const clients: Client[] = [];
let waiting = 0;

const now = () => performance.timeOrigin + performance.now();
const send = (message: FromWorker) => process.send?.(message);

function onCounts(client: Client, counts: { today?: { views?: number } }): void {
  const views = counts.today?.views ?? 0;
  client.events += 1;
  if (client.threshold > 0 && client.receivedAt === 0 && views >= client.threshold) {
    client.receivedAt = now();
    waiting -= 1;
    if (waiting === 0) send({ type: 'all-received' });
  }
  client.lastViews = Math.max(client.lastViews, views);
}

function connect(message: Extract<ToWorker, { type: 'connect' }>): Promise<void> {
  const started = now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  let active = 0;
  const errors: Record<string, number> = {};
  return new Promise((resolve) => {
    const done = () => {
      send({ type: 'connected', ok, failed, errors, seconds: (now() - started) / 1000 });
      resolve();
    };
    const launch = (): void => {
      while (active < message.concurrency && next < message.count) {
        const visitor = message.firstVisitor + next++;
        active += 1;
        const socket = io(message.url, {
          auth: message.paths ? { site: message.site, paths: message.paths } : { site: message.site },
          transports: ['websocket'],
          extraHeaders: {
            origin: message.origin,
            'user-agent': visitorUserAgent(visitor),
            'x-forwarded-for': visitorAddress(visitor),
          },
          reconnection: false,
          forceNew: true,
          timeout: CONNECT_TIMEOUT_MS,
        });
        const client: Client = { socket, lastViews: 0, events: 0, threshold: 0, receivedAt: 0, disconnected: false };
        let settled = false;
        const settle = (reason?: string) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          active -= 1;
          if (reason === undefined) {
            ok += 1;
            clients.push(client);
          } else {
            failed += 1;
            errors[reason] = (errors[reason] ?? 0) + 1;
            socket.close();
          }
          if (ok + failed === message.count) done();
          else launch();
        };
        const timer = setTimeout(() => settle('timeout'), CONNECT_TIMEOUT_MS);
        // Connected once the first `counts` arrives: the server sends it right after connecting.
        socket.on('counts', (counts: { today?: { views?: number } }) => {
          onCounts(client, counts);
          settle();
        });
        socket.on('connect_error', (error: Error) => settle(error.message));
        socket.on('disconnect', () => {
          client.disconnected = true;
        });
      }
    };
    if (message.count === 0) done();
    else launch();
  });
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'connect':
      void connect(message);
      break;
    case 'arm':
      waiting = 0;
      for (const client of clients) {
        client.receivedAt = 0;
        client.threshold = client.disconnected ? 0 : client.lastViews + 1;
        if (!client.disconnected) waiting += 1;
      }
      if (waiting === 0) send({ type: 'all-received' });
      break;
    case 'collect':
      send({ type: 'collected', times: clients.map((c) => c.receivedAt), disconnected: clients.filter((c) => c.disconnected).length });
      for (const client of clients) client.threshold = 0;
      break;
    case 'events':
      send({ type: 'events', perClient: clients.map((c) => c.events) });
      for (const client of clients) client.events = 0;
      break;
    case 'close':
      for (const client of clients) client.socket.close();
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 100);
      break;
  }
});

// The parent went away (or the IPC channel closed): nothing left to do here.
process.on('disconnect', () => process.exit(0));
