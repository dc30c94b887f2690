/** `/metrics`: per-site hit series, folded into site="_other" past FOOTFALL_METRICS_SITE_LIMIT. */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { postHit, startTestServer, type TestServer } from '../support/server.js';

describe('per-site metrics', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ FOOTFALL_METRICS_SITE_LIMIT: '2' });
    for (const id of ['site-a', 'site-b', 'site-c']) await server.addSite(id);
  });
  after(() => server.close());

  async function series(): Promise<Map<string, number>> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const found = new Map<string, number>();
    for (const match of text.matchAll(/^footfall_site_hits_total\{(.*)\} (\d+)$/gm)) found.set(match[1]!, Number(match[2]));
    return found;
  }

  it('labels the first sites by name, the rest as _other, and never an unknown id', async () => {
    await postHit(server, 'site-a');
    await postHit(server, 'site-a', { userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    await postHit(server, 'site-b', { origin: 'https://evil.example' });
    await postHit(server, 'site-c');
    await postHit(server, 'site-c');
    await postHit(server, 'made-up-site-1');
    await postHit(server, 'made-up-site-2');
    const found = await series();
    assert.equal(found.get('site="site-a",result="counted"'), 1);
    assert.equal(found.get('site="site-a",result="bot"'), 1);
    assert.equal(found.get('site="site-b",result="origin_not_allowed"'), 1);
    assert.equal(found.get('site="_other",result="counted"'), 2, 'the third site is past the limit of 2');
    assert.ok(![...found.keys()].some((labels) => labels.includes('made-up') || labels.includes('site-c')), [...found.keys()].join(' '));
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /^footfall_hits_total\{result="unknown_site"\} 2$/m);
  });

  it('serves every series the Grafana dashboard in docs/ reads', async () => {
    const dashboard = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'docs', 'grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const served = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`] : [name!])));
    const read = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => target.expr.match(/footfall_[a-z_]+/g) ?? []));
    assert.ok(read.length >= 10);
    for (const name of new Set(read)) assert.ok(served.has(name), `the dashboard reads ${name}, which /metrics does not serve`);
  });
});
