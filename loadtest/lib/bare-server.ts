/**
 * The ceiling: a bare `node:http` server doing the least a counter must do — read and parse a
 * small JSON POST body and answer `202 {"counted":true}`, or answer a GET with a counts-sized
 * JSON body — with the same headers footfall sends. footfall's figures are reported as ratios
 * to this one, measured in the same run on the same machine.
 * `BARE_EXTRA_US` makes it spin that many microseconds more per request (the ceiling scenario:
 * what more work per request costs on this machine).
 * Usage: PORT=… HOST=127.0.0.1 node --import tsx loadtest/lib/bare-server.ts
 */
import { createServer } from 'node:http';
import { bareCounts } from './bare-counts.js';

const COUNTED = '{"counted":true}';
const COUNTS = bareCounts();
const BODY_LIMIT = 4096;
const EXTRA_MS = Number(process.env.BARE_EXTRA_US ?? 0) / 1000;

function spin(): void {
  const started = performance.now();
  while (performance.now() - started < EXTRA_MS);
}

const server = createServer((req, res) => {
  if (EXTRA_MS > 0) spin();
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      let status = 202;
      let body = COUNTED;
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { site?: unknown };
        if (typeof parsed.site !== 'string' || size > BODY_LIMIT) throw new Error('invalid');
      } catch {
        status = 400;
        body = '{"error":{"code":"invalid_body","message":"The body is not JSON."}}';
      }
      const origin = req.headers.origin;
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        ...(origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
      });
      res.end(body);
    });
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(COUNTS),
    'Cache-Control': 'public, max-age=1',
    'Access-Control-Allow-Origin': '*',
  });
  res.end(COUNTS);
});
// As footfall's server (src/server.ts).
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
