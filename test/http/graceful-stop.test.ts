/**
 * A stopping server closes each connection after its answer, whatever the answer: a proxy
 * keeping the connection alive would otherwise send it new work until the stop cuts it off.
 */
import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type TestServer } from '../support/server.js';

/** Reads from `socket` until one whole answer (headers and Content-Length body) has arrived. */
function readAnswer(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length >= end + 4 + length) {
        socket.off('data', onData);
        resolve(text.slice(0, end));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('graceful stop', function () {
  this.timeout(20_000);
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers a request that arrives during the stop with Connection: close, even one answered at once from the cache', async () => {
    server = await startTestServer();
    await server.addSite('long-huu');
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const read = `GET /api/v1/sites/long-huu/counts HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
    // The first read fills the cache; the answer keeps the connection.
    socket.write(`${read}\r\n`);
    assert.match(await readAnswer(socket), /connection: keep-alive/i);
    // The second read's headers are half sent when the stop begins, and finished after.
    socket.write(read);
    await sleep(50);
    const stopping = server.close();
    await sleep(50);
    const answer = readAnswer(socket);
    socket.write('\r\n');
    const headers = await answer;
    assert.match(headers, /^HTTP\/1\.1 200/);
    assert.match(headers, /connection: close/i);
    socket.destroy();
    await stopping;
    server = undefined;
  });
});
