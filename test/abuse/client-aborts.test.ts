/**
 * A client that hangs up in the middle of its body (a phone losing signal, a tab closed during
 * `sendBeacon`, or someone doing it on purpose, in a loop) is not a server error: it must not be
 * logged at error level with a stack trace — that would page operators and let anyone flood the
 * log — and it counts nothing. footfall runs as a process so that its real log is read.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { siteSchema } from '../../src/counting/site.js';
import { rawExchange } from '../support/raw-http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { BROWSER_UA, SITE_ORIGIN, postHit } from '../support/server.js';

const SITE = 'long-huu';

describe('abuse: clients that hang up mid-request', function () {
  this.timeout(30_000);
  let dir: string;
  let server: ServerProcess | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-aborts-'));
    const sitesFile = path.join(dir, 'sites.json');
    await writeFile(sitesFile, JSON.stringify([siteSchema.parse({ id: SITE, origins: [SITE_ORIGIN] })]));
    server = await startServerProcess({ FOOTFALL_STORE: 'memory:', FOOTFALL_SITES_FILE: sitesFile, FOOTFALL_RATE_LIMIT: '0' });
  });
  after(async () => {
    await server?.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('logs no error for bodies cut off on /hit and /ping, counts nothing, and keeps serving', async () => {
    const head = (route: string, framing: string) =>
      `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nOrigin: ${SITE_ORIGIN}\r\nUser-Agent: ${BROWSER_UA}\r\n${framing}\r\n\r\n`;
    const body = JSON.stringify({ site: SITE, url: `${SITE_ORIGIN}/tin-tuc` });
    const cutOff = [
      head('/api/v1/hit', `Content-Length: ${body.length + 40}`) + body,
      head('/api/v1/ping', 'Content-Length: 200') + JSON.stringify({ site: SITE }).slice(0, 5),
      head('/api/v1/hit', 'Transfer-Encoding: chunked') + `${(body.length + 10).toString(16)}\r\n${body}`,
    ];
    const logged = server!.output.length;
    for (let round = 0; round < 3; round++) {
      for (const bytes of cutOff) {
        const { status } = await rawExchange(server!.port, bytes);
        assert.ok(status < 500, `answered ${status}`);
      }
    }
    await delay(300);
    const errors = server!.output.slice(logged).filter((line) => /"level":(5\d|60)/.test(line));
    assert.equal(errors.length, 0, `${errors.length} error-level log lines for ${3 * cutOff.length} client hang-ups, e.g. ${errors[0]?.slice(0, 400)}`);

    const counts = (await (await fetch(`${server!.url}/api/v1/sites/${SITE}/counts`)).json()) as { total: { views: number } };
    assert.equal(counts.total.views, 0, 'nothing counted');
    assert.equal((await postHit(server!, SITE)).status, 202, 'still serving');
  });
});
