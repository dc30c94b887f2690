/**
 * footfall as a real process: refusing a bad start, several instances on one Redis, and a
 * SIGTERM in the middle of a stream of hits.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseStoreUrl } from '../../src/config/store-url.js';
import { siteSchema } from '../../src/counting/site.js';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/create-store.js';
import { connectClient } from '../support/live-client.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { failedStart, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { BROWSER_UA, SITE_ORIGIN, postHit } from '../support/server.js';
import { countsQuery } from '../support/store-shapes.js';

const SITE = 'long-huu';

/** Sums all-time views as stored, reading the store like a second instance would. */
async function storedViews(storeUrl: string): Promise<number> {
  const parsed = parseStoreUrl(storeUrl);
  if (typeof parsed === 'string') throw new Error(parsed);
  const store = await createStore(parsed, { log: createLogger('silent') });
  try {
    const raw = await store.readFigures(countsQuery(SITE, '1970-01-01'));
    return raw.total.views;
  } finally {
    await store.close();
  }
}

describe('footfall processes', function () {
  this.timeout(60_000);
  let dir: string;
  let sitesFile: string;
  const servers: ServerProcess[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-process-'));
    sitesFile = path.join(dir, 'sites.json');
    await writeFile(sitesFile, JSON.stringify([siteSchema.parse({ id: SITE, origins: [SITE_ORIGIN] })]));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop('SIGKILL')));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function server(env: Record<string, string>): Promise<ServerProcess> {
    const started = await startServerProcess({ FOOTFALL_SITES_FILE: sitesFile, FOOTFALL_RATE_LIMIT: '0', ...env });
    servers.push(started);
    return started;
  }

  describe('refusing to start', () => {
    it('stops with exit code 2 and names the variable when a setting is invalid', async () => {
      const { code, output } = await failedStart({ FOOTFALL_PUSH_INTERVAL_MS: 'soon' });
      assert.equal(code, 2);
      assert.match(output, /FOOTFALL_PUSH_INTERVAL_MS=\\?"soon\\?" is not valid/);
    });

    it('stops with exit code 1 when the SQLite file is not a footfall database, and leaves it alone', async () => {
      const file = path.join(dir, 'notes.db');
      writeFileSync(file, 'shopping list: rice, fish sauce\n');
      const { code, output } = await failedStart({ FOOTFALL_STORE: `sqlite:${file}` });
      assert.equal(code, 1);
      assert.match(output, /notes\.db/);
      assert.match(output, /not .*(SQLite|footfall)/i);
    });

    it('stops with exit code 1 when the country database cannot be read, naming the file', async () => {
      const { code, output } = await failedStart({ FOOTFALL_COUNTRY_DB: path.join(dir, 'no-such-country.mmdb') });
      assert.equal(code, 1);
      assert.match(output, /cannot read the country database .*no-such-country\.mmdb/);
    });

    it('stops when the sites file is invalid, naming the entry', async () => {
      const file = path.join(dir, 'bad-sites.json');
      writeFileSync(file, JSON.stringify([{ id: 'ok-site', timezone: 'Mars/Olympus' }]));
      const { code, output } = await failedStart({ FOOTFALL_SITES_FILE: file });
      assert.equal(code, 1);
      assert.match(output, /FOOTFALL_SITES_FILE.*0\.timezone/);
    });
  });

  describe('on one Redis', () => {
    let redis: RedisProcess;
    before(async () => {
      redis = await startRedis();
    });
    after(() => redis.stop());

    it('pushes a hit taken by instance A to a widget on instance B within interval + 500 ms', async () => {
      const interval = 500;
      const env = { FOOTFALL_STORE: redis.url, FOOTFALL_PUSH_INTERVAL_MS: String(interval) };
      const [a, b] = await Promise.all([server(env), server(env)]);
      const widget = await connectClient(b.url, SITE);
      try {
        const first = await widget.waitFor(() => true, 3000);
        const delays: number[] = [];
        for (let i = 1; i <= 5; i++) {
          const mark = widget.received.length;
          const sent = Date.now();
          assert.equal((await postHit(a, SITE, { headers: { 'user-agent': `${BROWSER_UA} cross ${i}` } })).status, 202);
          await widget.waitFor((counts) => counts.total.views === first.total.views + i, 5000, mark);
          delays.push(Date.now() - sent);
        }
        delays.sort((x, y) => x - y);
        assert.ok(delays[2]! <= interval + 500, `median delay ${delays[2]} ms (all: ${delays.join(', ')})`);
      } finally {
        widget.close();
      }
    });

    it('writes every hit answered 202 before exiting on SIGTERM (Redis)', async () => {
      await sigtermDuringHits(redis.url);
    });
  });

  it('writes every hit answered 202 before exiting on SIGTERM (SQLite)', async () => {
    await sigtermDuringHits(`sqlite:${path.join(dir, 'sigterm.db')}`);
  });

  async function sigtermDuringHits(storeUrl: string): Promise<void> {
    const before = (await storedViews(storeUrl).catch(() => 0)) || 0;
    // A long flush interval: everything answered must be written by the stop itself.
    const instance = await server({ FOOTFALL_STORE: storeUrl, FOOTFALL_FLUSH_INTERVAL_MS: '2000' });
    let accepted = 0;
    let refused = 0;
    let stopped = false;
    const sender = async (n: number) => {
      for (let i = 0; !stopped && i < 100_000; i++) {
        try {
          const response = await postHit(instance, SITE, { headers: { 'user-agent': `${BROWSER_UA} stream ${n}-${i % 20}` } });
          if (response.status === 202) accepted += 1;
          else refused += 1;
        } catch {
          stopped = true; // connection refused: the server has stopped listening
        }
      }
    };
    const senders = Array.from({ length: 8 }, (_, n) => sender(n));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const signalled = Date.now();
    const code = await instance.stop('SIGTERM');
    const took = Date.now() - signalled;
    stopped = true;
    await Promise.all(senders);
    assert.equal(code, 0, instance.output.slice(-5).join('\n'));
    assert.ok(took < 10_000, `stopped in ${took} ms`);
    assert.ok(accepted > 100, `${accepted} hits answered 202`);
    assert.equal(refused, 0);
    const stored = (await storedViews(storeUrl)) - before;
    console.log(`      ${storeUrl.split(':')[0]}: ${accepted} answered 202, ${stored} stored, exit ${code} after ${took} ms`);
    assert.equal(stored, accepted, 'every hit answered 202 was written');
  }
});
