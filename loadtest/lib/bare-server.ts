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

const COUNTED = '{"counted":true}';
/**
 * The shape of the counts payload footfall answers the bench's read (docs/api.md, "What the
 * figures mean"), with figures of a busy site: within a few dozen bytes of footfall's answer, so
 * the ratio measures the work, not the length.
 */
const COUNTS = JSON.stringify({
  site: 'bench',
  at: '2026-12-03T15:20:00.000Z',
  timezone: 'Asia/Ho_Chi_Minh',
  online: 14,
  today: { date: '2026-12-03', views: 11554, visitors: 3120 },
  yesterday: { date: '2026-12-02', views: 10987, visitors: 2984 },
  week: { label: '2026-W49', start: '2026-11-30', views: 33061, visitors: 9011 },
  month: { label: '2026-12', views: 33061, visitors: 9011 },
  year: { label: '2026', views: 3904122, visitors: 1003451 },
  total: { views: 4288561, visitors: 1200345 },
});
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
