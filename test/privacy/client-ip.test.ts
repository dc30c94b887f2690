/**
 * The client IP is used for visitor ids and the rate limit, and then forgotten: it appears in no
 * stored byte and no log line. footfall runs as a real process behind a (simulated) proxy
 * (`FOOTFALL_TRUST_PROXY=1`), so the test can give its visitors distinctive documentation
 * addresses; they send hits, refused hits, pixels, pings and live connections; the process stops
 * gracefully; then the SQLite file (and its WAL), or everything Redis received (MONITOR), holds
 * and wrote to disk (RDB, AOF), and the debug-level log are searched for the addresses in every
 * form `ip-forms.ts` knows.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import { siteSchema } from '../../src/counting/site.js';
import { findIps, findIpsInFiles, type Leak } from '../support/ip-forms.js';
import { handshakeAnswer } from '../support/live-client.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { BROWSER_UA, SITE_ORIGIN } from '../support/server.js';

const SITE = 'long-huu';
/** The visitor whose address must not be kept (TEST-NET-2, RFC 5737). */
const IP = '198.51.100.77';
/** A second address of the same browser: the control that the server did see the addresses. */
const OTHER_IP = '198.51.100.78';
const IPS = [IP, OTHER_IP];
const UA = `${BROWSER_UA} private reader`;
const PAGE = `${SITE_ORIGIN}/tin-tuc/le-hoi`;

/** Everything a visitor behind the proxy does; returns the counts as the site's widget sees them. */
async function visit(server: ServerProcess): Promise<{ counts: CountsPayload; views: number }> {
  const as = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, 'user-agent': UA, ...headers });
  const hit = (ip: string, headers: Record<string, string> = {}, body: unknown = { site: SITE, url: PAGE, referrer: 'https://www.google.com/' }) =>
    fetch(`${server.url}/api/v1/hit`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE_ORIGIN, ...as(ip, headers) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  // Counted up to the limit of 3, then refused 429 (the limit test is elsewhere: here it only
  // has to be reached, so that the refusal path runs too).
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await hit(IP)).status);
  assert.deepEqual(statuses.slice(0, 3), [202, 202, 202]);
  assert.ok(statuses.includes(429), `rate limited: ${statuses.join(' ')}`);
  assert.equal((await hit(OTHER_IP)).status, 202);
  const views = statuses.filter((status) => status === 202).length + 1;
  // Refused in every other way, each of which may be logged.
  assert.equal((await hit(IP, { origin: 'https://evil.example' })).status, 403);
  assert.equal((await hit(IP, {}, 'not json')).status, 400);
  assert.equal((await hit(IP, {}, { site: 'no-such-site', url: PAGE })).status, 404);
  assert.equal((await hit(IP, { 'user-agent': 'curl/8.5.0' })).status, 200);
  assert.equal((await hit(IP, { 'content-type': 'application/xml' })).status, 415);
  assert.equal((await hit(IP, {}, { site: SITE, url: PAGE, referrer: 'x'.repeat(5000) })).status, 413);
  // The no-script pixel (another browser of the same address) and a ping.
  const pixel = await fetch(`${server.url}/api/v1/hit.gif?site=${SITE}`, { headers: as(IP, { referer: PAGE, 'user-agent': `${UA} without script` }) });
  assert.equal(pixel.status, 200);
  const ping = await fetch(`${server.url}/api/v1/ping`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, ...as(IP) },
    body: JSON.stringify({ site: SITE }),
  });
  assert.equal(ping.status, 204);
  // Reads and other routes with the address.
  for (const route of [`/api/v1/sites/${SITE}/counts?path=/tin-tuc/le-hoi`, `/api/v1/sites/${SITE}/badge.svg`, '/api/v1/nothing-here', '/metrics', '/readyz']) {
    await (await fetch(`${server.url}${route}`, { headers: as(IP) })).arrayBuffer();
  }

  // Live connections over both transports, and one refused for its origin.
  const open = (transport: 'websocket' | 'polling') =>
    io(server.url, {
      auth: { site: SITE },
      transports: [transport],
      extraHeaders: { origin: SITE_ORIGIN, ...as(IP, { 'user-agent': `${UA} live ${transport}` }) },
      reconnection: false,
      forceNew: true,
    });
  // Refused at the handshake, before a session exists.
  assert.deepEqual(await handshakeAnswer(server.url, { origin: 'https://evil.example', ...as(IP) }), { status: 403, message: 'origin_not_allowed' });

  const sockets = [open('websocket'), open('polling')];
  try {
    // The widget sees the views answered 202 and the pixel's; 3 visitors (the browser at two
    // addresses, and the pixel's); online: those 3 and the two live browsers of the address.
    const counts = await new Promise<CountsPayload>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no counts with everyone online')), 10_000);
      sockets[0]!.on('counts', (payload) => {
        if (payload.online >= 5) {
          clearTimeout(timer);
          resolve(payload);
        }
      });
    });
    await delay(200);
    return { counts, views: views + 1 };
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}

/** The leaks in the captured output of `server`. */
function leaksInLog(server: ServerProcess): Leak[] {
  return server.output.flatMap((line, i) => findIps(line, IPS, `log line ${i + 1}: ${line.slice(0, 200)}`));
}

describe('privacy: the client IP is kept nowhere', function () {
  this.timeout(60_000);
  let dir: string;
  let sitesFile: string;
  let server: ServerProcess | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-privacy-'));
    sitesFile = path.join(dir, 'sites.json');
    await writeFile(sitesFile, JSON.stringify([siteSchema.parse({ id: SITE, origins: [SITE_ORIGIN] })]));
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('finds an address in each of its forms (the search itself works)', () => {
    const samples = ['x198.51.100.77y', '::ffff:c633:644d', 'C633644D', 'n=3325256781', 'MTk4LjUxLjEwMC43Nw==', 'xjNkTQ'];
    for (const sample of samples) assert.notDeepEqual(findIps(sample, [IP], 'sample'), [], sample);
    assert.notDeepEqual(findIps(Buffer.from([0, 0xc6, 0x33, 0x64, 0x4d, 0]), [IP], 'bytes'), []);
    assert.notDeepEqual(findIps(Buffer.from(IP, 'utf16le'), [IP], 'utf-16'), []);
    assert.deepEqual(findIps('203.0.113.77 198.51.100.7', [IP], 'other addresses'), []);
  });

  const ENV = {
    FOOTFALL_SITES_FILE: '',
    FOOTFALL_TRUST_PROXY: '1',
    FOOTFALL_LOG_LEVEL: 'debug',
    FOOTFALL_RATE_LIMIT: '3',
    FOOTFALL_PUSH_INTERVAL_MS: '200',
  };

  it('in the SQLite file, its WAL and the log', async () => {
    const dataDir = path.join(dir, 'sqlite-data');
    server = await startServerProcess({ ...ENV, FOOTFALL_SITES_FILE: sitesFile, FOOTFALL_STORE: `sqlite:${path.join(dataDir, 'footfall.db')}` });
    const { counts, views } = await visit(server);
    assert.equal(counts.today.views, views);
    assert.equal(counts.today.visitors, 3, 'the server told the addresses apart: it did see them');
    // While it runs the recent writes are in the WAL; after a graceful stop, in the file itself.
    assert.ok(existsSync(path.join(dataDir, 'footfall.db-wal')), 'a WAL to search');
    const whileRunning = findIpsInFiles(dataDir, IPS);

    assert.equal(await server.stop('SIGTERM'), 0, server.output.slice(-5).join('\n'));
    assert.ok(server.output.some((line) => line.includes('"footfall stopped"')), 'the whole log was captured');
    assert.deepEqual([...whileRunning, ...findIpsInFiles(dataDir, IPS), ...leaksInLog(server)], []);
  });

  describe('on Redis', () => {
    let redis: RedisProcess;
    let monitored: Redis | undefined;
    let monitor: Redis | undefined;

    before(async () => {
      // Uncompressed RDB, so a string in a snapshot is searchable as it is.
      redis = await startRedis({ appendonly: true, args: ['--rdbcompression', 'no'] });
    });
    after(async () => {
      monitor?.disconnect();
      monitored?.disconnect();
      await redis?.stop();
    });

    it('in every command Redis received, every key and value it holds, its RDB and AOF files, and the log', async () => {
      const received: string[] = [];
      // No reconnecting once the test is done with Redis.
      monitored = new Redis(redis.url, { retryStrategy: () => null });
      monitor = await monitored.monitor();
      monitor.on('error', () => undefined);
      monitor.on('monitor', (_time: string, args: string[]) => received.push(args.join(' ')));

      server = await startServerProcess({ ...ENV, FOOTFALL_SITES_FILE: sitesFile, FOOTFALL_STORE: redis.url });
      const { counts, views } = await visit(server);
      assert.equal(counts.today.views, views);
      assert.equal(counts.today.visitors, 3, 'the server told the addresses apart: it did see them');
      assert.equal(await server.stop('SIGTERM'), 0, server.output.slice(-5).join('\n'));
      assert.ok(server.output.some((line) => line.includes('"footfall stopped"')), 'the whole log was captured');
      await delay(100);
      monitor.disconnect();
      monitored.disconnect();
      assert.ok(received.length > 10, `MONITOR saw ${received.length} commands`);

      const client = new Redis(redis.url, { retryStrategy: () => null });
      const stored: Leak[] = [];
      try {
        const keys = await client.keys('*');
        assert.ok(keys.some((key) => key.startsWith(`{${SITE}}:salt:`)), `keys: ${keys.join(', ')}`);
        for (const key of keys) {
          stored.push(...findIps(key, IPS, `key ${key}`));
          const type = await client.type(key);
          const values: Array<string | Buffer> =
            type === 'string' ? [(await client.getBuffer(key))!]
            : type === 'hash' ? Object.entries(await client.hgetall(key)).flat()
            : type === 'zset' ? await client.zrange(key, 0, -1, 'WITHSCORES')
            : type === 'set' ? await client.smembers(key)
            : type === 'list' ? await client.lrange(key, 0, -1)
            : [`(unread type ${type})`];
          for (const value of values) stored.push(...findIps(value, IPS, `value of ${key}`));
        }
        await client.save();
      } finally {
        client.disconnect();
      }
      await redis.cli('BGREWRITEAOF');
      await delay(300);

      const leaks = [
        ...received.flatMap((command) => findIps(command, IPS, `command ${command.slice(0, 200)}`)),
        ...stored,
        ...findIpsInFiles(redis.dir, IPS),
        ...leaksInLog(server),
      ];
      assert.deepEqual(leaks, []);
    });
  });
});
