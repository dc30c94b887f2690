/**
 * The snippet's budgets, on a fresh build: the tracker every page loads stays under 1.2 KB
 * gzipped, and everything a widget page loads (tracker + live part with socket.io-client)
 * under 18 KB.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUDGETS, buildClient, formatSizes, type ClientBuild } from '../../client-snippet/build.js';

describe('snippet size', () => {
  let dir: string;
  let built: ClientBuild;
  let tracker: string;
  let live: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-snippet-'));
    built = await buildClient(dir);
    tracker = await readFile(path.join(dir, built.tracker.name), 'utf8');
    live = await readFile(path.join(dir, built.live.name), 'utf8');
    console.log(`      ${formatSizes(built).replaceAll('\n', '\n      ')}`);
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it(`keeps the tracker within ${BUDGETS.tracker} B gzipped`, () => {
    assert.ok(built.tracker.gzip <= BUDGETS.tracker, `footfall.js is ${built.tracker.gzip} B gzipped`);
  });

  it(`keeps a widget page within ${BUDGETS.widgetPage} B gzipped`, () => {
    const total = built.tracker.gzip + built.live.gzip;
    assert.ok(total <= BUDGETS.widgetPage, `tracker + live part are ${total} B gzipped`);
  });

  it('names the live part by its content hash, long-cached by the server, and the tracker loads that name', async () => {
    assert.match(built.live.name, /^footfall-live\.[0-9a-f]{12}\.js$/);
    assert.ok(tracker.includes(JSON.stringify(built.live.name)));
    assert.deepEqual((await readdir(dir)).sort(), [built.live.name, `${built.live.name}.map`, 'footfall.js', 'footfall.js.map'].sort());
    assert.ok(tracker.endsWith('//# sourceMappingURL=footfall.js.map\n'));
  });

  it('ships no browser storage use, no debug logging and no WebTransport', () => {
    for (const code of [tracker, live]) {
      assert.doesNotMatch(code, /localStorage|sessionStorage|document\.cookie|indexedDB/);
      assert.doesNotMatch(code, /console\./);
    }
    assert.doesNotMatch(live, /new WebTransport\(/);
  });
});
