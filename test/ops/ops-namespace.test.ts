/** The `/ops` namespace: admin token only, every site once per interval, no reads when unwatched. */
import { strict as assert } from 'node:assert';
import { setTimeout as delay } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { OpsServerToClientEvents, OpsSiteRow } from '../../src/live/events.js';
import { refusalOfSocket } from '../support/live-client.js';
import { postHit, startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'test-admin-token-0123456789';
const INTERVAL_MS = 200;

type OpsSocket = Socket<OpsServerToClientEvents, Record<never, never>>;

function openOps(url: string, auth: Record<string, unknown>, transports: Array<'websocket' | 'polling'> = ['websocket']): OpsSocket {
  return io(`${url}/ops`, { auth, transports, reconnection: false, forceNew: true });
}

/** The connect_error message a refused ops client receives. */
function refusal(url: string, auth: Record<string, unknown>, transports?: Array<'websocket' | 'polling'>): Promise<string> {
  return refusalOfSocket(openOps(url, auth, transports));
}

describe('the /ops namespace', () => {
  let server: TestServer;
  const sockets: OpsSocket[] = [];
  let reads = 0;

  before(async () => {
    server = await startTestServer({ FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_PUSH_INTERVAL_MS: String(INTERVAL_MS) });
    for (const id of ['ops-a', 'ops-b', 'ops-c']) await server.addSite(id);
    // Counts every read of figures, whoever asks.
    const readCounts = server.store.readFigures.bind(server.store);
    server.store.readFigures = (query) => {
      reads += 1;
      return readCounts(query);
    };
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  after(() => server.close());

  async function connect(): Promise<{ socket: OpsSocket; received: Array<{ at: number; rows: OpsSiteRow[] }> }> {
    const socket = openOps(server.url, { token: TOKEN });
    sockets.push(socket);
    const received: Array<{ at: number; rows: OpsSiteRow[] }> = [];
    socket.on('sites', (rows) => received.push({ at: Date.now(), rows }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, received };
  }

  async function until<T>(what: string, test: () => T | undefined, timeoutMs = 3000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = test();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await delay(20);
    }
  }

  it('refuses a missing or wrong token with unauthorized, on both transports', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      assert.equal(await refusal(server.url, {}, [transport]), 'unauthorized');
      assert.equal(await refusal(server.url, { token: 'wrong-token-wrong-token' }, [transport]), 'unauthorized');
      assert.equal(await refusal(server.url, { token: 12345 }, [transport]), 'unauthorized');
    }
  });

  it('refuses everyone when no admin token is configured', async () => {
    const plain = await startTestServer();
    try {
      assert.equal(await refusal(plain.url, { token: TOKEN }), 'unauthorized');
      assert.equal(await refusal(plain.url, { token: '' }), 'unauthorized');
    } finally {
      await plain.close();
    }
  });

  it('sends every site once per push interval, with live figures and the last hit', async () => {
    const { received } = await connect();
    const first = await until('a first payload', () => received[0]);
    const ids = first.rows.map((row) => row.counts.site);
    assert.deepEqual(ids, [...ids].sort());
    assert.ok(['ops-a', 'ops-b', 'ops-c'].every((id) => ids.includes(id)), ids.join());
    const before = first.rows.find((row) => row.counts.site === 'ops-b')!;
    assert.equal(before.lastHit, null);
    assert.equal(before.counts.today.views, 0);

    const started = Date.now();
    assert.equal((await postHit(server, 'ops-b')).status, 202);
    const after = await until('the hit in a payload', () =>
      received.map((payload) => payload.rows.find((row) => row.counts.site === 'ops-b')).find((row) => row?.counts.today.views === 1),
    );
    assert.ok(after.lastHit !== null && Date.parse(after.lastHit) >= started - 1000, String(after.lastHit));
    assert.equal(after.counts.total.views, 1);

    const from = received.length;
    await delay(INTERVAL_MS * 5 + 50);
    const n = received.length - from;
    assert.ok(n >= 4 && n <= 6, `${n} payloads in 5 intervals`);
    const gaps = received.slice(from + 1).map((payload, i) => payload.at - received[from + i]!.at);
    assert.ok(gaps.every((gap) => gap >= INTERVAL_MS * 0.5), `gaps ${gaps.join(', ')}`);
  });

  it('reads nothing while no ops client is connected, and every site once per interval while one is', async () => {
    await delay(INTERVAL_MS * 2);
    const idle = reads;
    await delay(INTERVAL_MS * 4);
    assert.equal(reads, idle, 'no reads without an ops client');

    const sites = server.counter.listSites().length;
    const { socket, received } = await connect();
    await until('payloads', () => (received.length >= 3 ? true : undefined));
    const watched = reads - idle;
    assert.ok(watched >= 3 * sites && watched <= (received.length + 1) * sites, `${watched} reads for ${received.length} payloads of ${sites} sites`);

    socket.disconnect();
    await delay(INTERVAL_MS * 2);
    const after = reads;
    await delay(INTERVAL_MS * 4);
    assert.equal(reads, after, 'reads stop once the last ops client leaves');
  });

  it('shares one read per interval among several ops clients', async () => {
    const sites = server.counter.listSites().length;
    const clients = await Promise.all([connect(), connect(), connect()]);
    await delay(INTERVAL_MS);
    const start = reads;
    await delay(INTERVAL_MS * 4);
    const per = (reads - start) / sites;
    assert.ok(per <= 5, `${per} reads of each site in 4 intervals with 3 clients`);
    assert.ok(clients.every(({ received }) => received.length >= 3));
  });
});
