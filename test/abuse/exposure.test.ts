/**
 * What footfall shows, and holds open, for anyone who asks: `/metrics` (every site's id and
 * rates) only to the metrics token's holder when one is set; `/readyz` without site names; a
 * slow client's connection closed once its headers are late; and the warning an operator gets
 * for trusting every `X-Forwarded-For`.
 */
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { HEADERS_TIMEOUT_MS } from '../../src/http/http-limits.js';
import { startServerProcess } from '../support/server-process.js';
import { postHit, startTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const ADMIN_TOKEN = 'exposure-admin-token-0123456789';
const SITE = 'ubnd-xa-secret-name';

describe('abuse: what footfall exposes', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ FOOTFALL_METRICS_TOKEN: METRICS_TOKEN, FOOTFALL_ADMIN_TOKEN: ADMIN_TOKEN });
    await server.addSite(SITE);
    await postHit(server, SITE);
  });
  after(() => server.close());

  const metrics = (authorization?: string) => fetch(`${server.url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });

  it('serves /metrics to the metrics token or the admin token only, the scheme in any case', async () => {
    const refused = await metrics();
    assert.equal(refused.status, 401);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'unauthorized');
    assert.match(body.error.message, /metrics token/);
    assert.equal((await metrics('Bearer wrong-token-0123456789')).status, 401);
    for (const authorization of [`Bearer ${METRICS_TOKEN}`, `bearer ${METRICS_TOKEN}`, `BEARER ${ADMIN_TOKEN}`]) {
      const response = await metrics(authorization);
      assert.equal(response.status, 200, authorization.split(' ')[0]);
      assert.match(await response.text(), new RegExp(`footfall_site_hits_total\\{site="${SITE}"`));
    }
  });

  it('answers /readyz without naming any site', async () => {
    const text = await (await fetch(`${server.url}/readyz`)).text();
    assert.match(text, /"status":"ready"/);
    assert.ok(!text.includes(SITE), text);
  });

  it('closes a connection whose headers do not arrive in time (slowloris)', async () => {
    const started = Date.now();
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    // One more header line every second, never the blank line that ends them.
    const drip = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: 1\r\n`), 1000);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(drip);
    const heldMs = Date.now() - started;
    assert.ok(heldMs < HEADERS_TIMEOUT_MS + 3000, `held for ${heldMs} ms`);
    assert.ok(heldMs >= HEADERS_TIMEOUT_MS - 100, `closed after ${heldMs} ms, before the timeout`);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  it('warns at start when FOOTFALL_TRUST_PROXY=on believes any X-Forwarded-For', async () => {
    const process = await startServerProcess({ FOOTFALL_STORE: 'memory:', FOOTFALL_TRUST_PROXY: 'on' });
    try {
      assert.ok(
        process.output.some((line) => line.includes('"level":40') && line.includes('FOOTFALL_TRUST_PROXY=on')),
        process.output.join('\n'),
      );
    } finally {
      await process.stop();
    }
  });
});
