/**
 * What one client can hold of the live server: connection slots (a handshake aborted while
 * the store is slow must give its slot back), engine.io sessions (counted per address from the
 * handshake, foreign origins refused before a session exists, idle sessions closed), and admin
 * token guesses over `/ops` (a failed check closes the connection; ten a minute per address).
 */
import { strict as assert } from 'node:assert';
import { setTimeout as delay } from 'node:timers/promises';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { connectClient, handshakeAnswer, openClient, type LiveClient } from '../support/live-client.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { SITE_ORIGIN, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';
const TOKEN = 'live-sessions-admin-token-0123456789';

/** A handshake refused before a session exists: engine.io answers a websocket 400 with the reason. */
interface Refused {
  status: number;
  message: string;
}

/** Opens a bare engine.io websocket (no Socket.IO namespace); resolves with it open, or with its refusal. */
function rawSession(url: string, origin: string): Promise<WebSocket | Refused> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { origin } });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => {
      let message = '';
      res.on('data', (chunk: Buffer) => (message += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, message }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, message }));
    });
    socket.once('error', () => resolve({ status: 0, message: 'error' }));
  });
}

const refusals = (answers: Array<WebSocket | Refused>) => answers.filter((answer): answer is Refused => !(answer instanceof WebSocket)).map(({ status, message }) => `${status} ${message}`);

describe('abuse: live sessions', function () {
  this.timeout(60_000);

  describe('a handshake aborted while the store is slow', () => {
    let redis: RedisProcess;
    let server: TestServer;
    before(async () => {
      redis = await startRedis();
      server = await startTestServer({ FOOTFALL_STORE: redis.url, FOOTFALL_CONNECTIONS_PER_IP: '2' });
      // Never visited: a live handshake loads its salts from the store.
      await server.addSite(SITE);
    });
    after(async () => {
      redis?.resume();
      await server?.close();
      await redis?.stop();
    });

    it('gives its slot back, so the address can connect again', async () => {
      redis.pause();
      const aborted = [openClient(server.url, SITE), openClient(server.url, SITE)];
      // Both wait in the connection middleware for the salts; then their pages close.
      await delay(300);
      for (const socket of aborted) socket.disconnect();
      redis.resume();
      await delay(500);
      const clients: LiveClient[] = [];
      try {
        for (let i = 0; i < 2; i++) clients.push(await connectClient(server.url, SITE));
        assert.deepEqual(await handshakeAnswer(server.url, { origin: SITE_ORIGIN }), { status: 403, message: 'too_many_connections' });
      } finally {
        for (const client of clients) client.close();
      }
    });
  });

  describe('engine.io sessions', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ FOOTFALL_CONNECTIONS_PER_IP: '5', FOOTFALL_ADMIN_TOKEN: TOKEN });
      await server.addSite(SITE);
    });
    after(() => server?.close());

    it('refuses 300 raw websockets from an origin no site has before any session exists', async () => {
      const answers = await Promise.all(Array.from({ length: 300 }, () => rawSession(server.url, 'https://evil.example')));
      const opened = answers.filter((answer) => answer instanceof WebSocket);
      for (const socket of opened) socket.terminate();
      assert.equal(opened.length, 0);
      assert.deepEqual(new Set(refusals(answers)), new Set(['400 origin_not_allowed']));
      assert.equal(server.live.io.engine.clientsCount, 0);
    });

    it('counts bare sessions against the per-address cap, and closes them when they name no namespace', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => rawSession(server.url, SITE_ORIGIN)));
      const opened = answers.filter((answer): answer is WebSocket => answer instanceof WebSocket);
      try {
        assert.equal(opened.length, 5);
        assert.deepEqual(refusals(answers), new Array(15).fill('400 too_many_connections'));
        // A session that connects to no namespace is closed by the server (connectTimeout).
        const closed = await Promise.race([
          Promise.all(opened.map((socket) => new Promise((resolve) => socket.once('close', resolve)))).then(() => true),
          delay(10_000).then(() => false),
        ]);
        assert.ok(closed, 'idle sessions closed within 10 s');
        await delay(100);
        assert.deepEqual(await handshakeAnswer(server.url, { origin: SITE_ORIGIN }), { status: 200 });
      } finally {
        for (const socket of opened) socket.terminate();
      }
    });

    it('answers 3,000 guessed /ops tokens on one socket with at most ten checks, then closes it', async () => {
      const socket = await rawSession(server.url, server.url);
      assert.ok(socket instanceof WebSocket, `the session opened: ${JSON.stringify(socket)}`);
      const answers: string[] = [];
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('44/ops,')) answers.push((JSON.parse(text.slice('44/ops,'.length)) as { message: string }).message);
      });
      for (let i = 0; i < 3000; i++) socket.send(`40/ops,${JSON.stringify({ token: `guess-${i}-0123456789abcdef` })}`);
      const ended = await Promise.race([closed.then(() => true), delay(5_000).then(() => false)]);
      socket.terminate();
      assert.ok(ended, 'the server closed the connection');
      assert.ok(answers.length >= 1, 'the refusal was sent');
      const checked = answers.filter((message) => message.startsWith('Connect to /ops'));
      assert.ok(checked.length <= 10, `${checked.length} guesses checked`);
      // The right token from the same address waits for the next minute too.
      const ops = io(`${server.url}/ops`, { auth: { token: TOKEN }, transports: ['websocket'], reconnection: false, forceNew: true });
      const opsRefusal = await new Promise<string>((resolve) => {
        ops.once('connect', () => resolve('connected'));
        ops.once('connect_error', (error) => resolve(error.message));
      });
      ops.disconnect();
      assert.equal(opsRefusal, 'rate_limited');
    });
  });
});
