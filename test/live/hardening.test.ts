/**
 * Live connections under abuse: a cap per IP, the origin required on every request of an
 * engine.io session (socket.io #5077), a small message limit, and floods cut off.
 */
import { strict as assert } from 'node:assert';
import WebSocket from 'ws';
import { connectClient, handshakeAnswer, openClient, refusalOf, type LiveClient } from '../support/live-client.js';
import { BROWSER_UA, SITE_ORIGIN, startTestServer, type TestServer } from '../support/server.js';

const SITE = 'long-huu';

describe('live connection hardening', () => {
  let server: TestServer;
  const clients: LiveClient[] = [];

  before(async () => {
    server = await startTestServer({ FOOTFALL_CONNECTIONS_PER_IP: '3' });
    await server.addSite(SITE);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  after(() => server.close());

  /** Opens an engine.io polling session the way a widget on SITE_ORIGIN would; returns its sid. */
  async function pollingSession(): Promise<string> {
    const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: SITE_ORIGIN, 'user-agent': BROWSER_UA } });
    assert.equal(response.status, 200);
    const text = await response.text();
    return (JSON.parse(text.slice(1)) as { sid: string }).sid;
  }

  it('caps live connections per IP address', async () => {
    for (let i = 0; i < 3; i++) clients.push(await connectClient(server.url, SITE));
    assert.deepEqual(await handshakeAnswer(server.url, { origin: SITE_ORIGIN }), { status: 403, message: 'too_many_connections' });
    await refusalOf(server.url, SITE);
    clients.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    clients.push(await connectClient(server.url, SITE));
  });

  it('refuses a polling request of a session from another origin', async () => {
    const sid = await pollingSession();
    const foreign = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: `40${JSON.stringify({ site: SITE })}`,
    });
    assert.equal(foreign.status, 400);
    const same = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method: 'POST',
      headers: { origin: SITE_ORIGIN, 'content-type': 'text/plain' },
      body: `40${JSON.stringify({ site: SITE })}`,
    });
    assert.equal(same.status, 200);
  });

  it('refuses a websocket upgrade of a session from another origin', async () => {
    const sid = await pollingSession();
    const wsUrl = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket&sid=${sid}`;
    const outcome = await new Promise<string>((resolve) => {
      const socket = new WebSocket(wsUrl, { headers: { origin: 'https://evil.example' } });
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
      socket.on('error', () => resolve('error'));
    });
    assert.notEqual(outcome, 'open');
  });

  it('disconnects a socket that sends a message larger than 16 KiB', async () => {
    const socket = openClient(server.url, SITE);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    (socket as unknown as { emit(event: string, payload: string): void }).emit('counts', 'x'.repeat(20_000));
    assert.equal(await reason, 'transport close');
    socket.disconnect();
  });

  it('disconnects a socket that floods events within a second', async () => {
    const socket = openClient(server.url, SITE);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 200; i++) (socket as unknown as { emit(event: string, n: number): void }).emit('noise', i);
    assert.equal(await reason, 'io server disconnect');
    assert.ok(Date.now() - started < 1000, `cut off after ${Date.now() - started} ms`);
    socket.disconnect();
  });
});
