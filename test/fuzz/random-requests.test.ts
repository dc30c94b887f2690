/**
 * 10,000 random requests against a running server (127.0.0.1, in this process so that the heap
 * can be measured after a forced GC): any method, path, query, header, media type and body, and
 * one in ten as raw bytes with lying lengths and broken chunking. No answer is a 5xx or leaks a
 * stack trace or a file, nothing is counted — the sites' origins are ones no generated request
 * can produce, and every request is checked for that before it is sent — and the heap after the
 * last request is within a stated bound of the heap after the first 1,000.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { metricValue } from '../support/metrics-text.js';
import { plainRequest, rawExchange } from '../support/raw-http.js';
import { mentionsOrigin, nearOrigins, randomRequests, type RandomRequest } from '../support/random-requests.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TOTAL = 10_000;
const WARM_UP = 1_000;
const CONCURRENCY = 16;
/**
 * Allowed heap growth between the warm-up and the end. What may legitimately stay: counts-cache
 * entries for random `?path=` reads (bounded at 10,000 entries by design, a few hundred bytes
 * each; ~1,000 distinct paths are read here) and per-site refusal counters. A leak per request
 * of even 1 KB would show as ~9 MB.
 */
const HEAP_GROWTH_LIMIT = 6 * 1024 * 1024;
const TARGET_HOST = 'fuzz-target.invalid';
const TARGET_ORIGIN = `https://${TARGET_HOST}`;

/** A full GC, whether or not node was started with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

interface Outcome {
  request: RandomRequest;
  status: number;
  body: string;
  error?: string;
}

describe('fuzz: 10,000 random requests against a running server', function () {
  this.timeout(120_000);
  let server: TestServer;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  before(async () => {
    server = await startTestServer({ FOOTFALL_TRUST_PROXY: '1', FOOTFALL_ADMIN_TOKEN: randomBytes(24).toString('hex'), FOOTFALL_RATE_LIMIT: '30' });
    await server.addSite('fuzz-target', { origins: [TARGET_ORIGIN] });
  });
  after(async () => {
    agent.destroy();
    await server?.close();
  });

  async function send(request: RandomRequest): Promise<Outcome> {
    if (request.kind === 'raw') {
      const { status, text } = await rawExchange(server.port, request.bytes!);
      return { request, status, body: text };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name] = value;
    const plain = { method: request.method, path: request.path, headers, body: request.body };
    try {
      const response = await plainRequest(server.port, { ...plain, agent }, 5_000);
      return { request, status: response.status, body: response.body };
    } catch {
      // A kept-alive connection the server closed as it was reused: retried once on a new one,
      // as browsers do. No answer on a new connection is a failure.
      try {
        const response = await plainRequest(server.port, plain, 5_000);
        return { request, status: response.status, body: response.body };
      } catch (error) {
        return { request, status: 0, body: '', error: (error as Error).message };
      }
    }
  }

  async function sendAll(requests: RandomRequest[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) outcomes.push(await send(requests[next++]!));
      }),
    );
    return outcomes;
  }

  it('answers none with a 5xx or a stack trace, counts none, and keeps the heap flat', async () => {
    // A new seed each run (named in every failure, so a run can be replayed with it).
    const seed = Number(process.env.FUZZ_SEED ?? randomBytes(4).readUInt32LE(0) >>> 1);
    const sites = server.counter.listSites();
    const allowed = sites.flatMap((site) => site.origins);
    assert.ok(allowed.includes(TARGET_ORIGIN) && sites.length >= 2, `sites: ${sites.map((s) => s.id).join(', ')}`);
    const foreign = [...nearOrigins(TARGET_HOST), 'https://evil.example', 'http://localhost', 'http://127.0.0.1', 'http://localhost:1', 'https://127.0.0.1'];
    assert.deepEqual(foreign.filter((origin) => allowed.includes(new URL(origin).origin)), [], 'the foreign origins are foreign');
    const arbitrary = randomRequests(sites.map((site) => site.id), foreign);

    const figuresOf = () => Promise.all(sites.map((site) => server.figures(site.id, ['/', '/tin-tuc'])));
    const before = await figuresOf();
    const countedBefore = await metricValue(server.url, 'footfall_hits_total', { result: 'counted' });

    let filtered = 0;
    const batch = (index: number, size: number): RandomRequest[] => {
      const requests = fc.sample(arbitrary, { seed: seed + index, numRuns: size });
      const usable = requests.filter((request) => !mentionsOrigin(request, allowed));
      filtered += requests.length - usable.length;
      return usable;
    };

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const check = (outcomes: Outcome[]) => {
      for (const { request, status, body, error } of outcomes) {
        sent += 1;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const what = `${request.kind} ${request.method} ${request.path.slice(0, 120)} ${JSON.stringify(request.headers).slice(0, 300)} body ${request.body.length} B`;
        if (status >= 500) failures.push(`${status} for ${what}: ${body.slice(0, 300)}`);
        if (request.kind === 'http' && status === 0) failures.push(`no answer (${error}) for ${what}`);
        if (/\n\s+at .+:\d+:\d+|node_modules|\.ts:\d+/.test(body)) failures.push(`stack trace for ${what}: ${body.slice(0, 300)}`);
        if (/root:.*:0:0:/.test(body)) failures.push(`a file leaked for ${what}`);
      }
    };

    check(await sendAll(batch(0, WARM_UP)));
    collectGarbage();
    const heapAfterWarmUp = process.memoryUsage().heapUsed;
    for (let index = 1; index < TOTAL / WARM_UP; index++) check(await sendAll(batch(index, WARM_UP)));
    await server.counter.flush();
    collectGarbage();
    const heapAtEnd = process.memoryUsage().heapUsed;

    const summary = `seed ${seed}; ${sent} sent, ${filtered} dropped as possibly valid; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`;
    assert.ok(sent + filtered >= TOTAL && filtered < TOTAL / 100, summary);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} bad answers; ${summary}`);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'still alive');
    assert.deepEqual(await figuresOf(), before, `nothing counted; ${summary}`);
    assert.equal(await metricValue(server.url, 'footfall_hits_total', { result: 'counted' }), countedBefore, summary);
    const growth = heapAtEnd - heapAfterWarmUp;
    assert.ok(growth < HEAP_GROWTH_LIMIT, `heap grew ${(growth / 1024 / 1024).toFixed(1)} MB after the warm-up (limit ${HEAP_GROWTH_LIMIT / 1024 / 1024} MB); ${summary}`);
  });
});
