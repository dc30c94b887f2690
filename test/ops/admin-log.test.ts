/** Every admin change also reaches the log: who, what, before → after. */
import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';

const TOKEN = 'test-admin-token-0123456789';

describe('admin changes in the log', () => {
  let server: RunningServer;
  const lines: Array<Record<string, unknown>> = [];

  before(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', FOOTFALL_STORE: 'memory:', FOOTFALL_ADMIN_TOKEN: TOKEN });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startServer(config, createLogger('info', sink));
  });
  after(() => server.close());

  it('logs each change with the actor, the action, and the settings before and after', async () => {
    const put = (body: unknown) =>
      fetch(`${server.url}/api/v1/admin/sites/logged-site`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await put({ origins: ['https://a.example'] })).status, 201);
    assert.equal((await put({ origins: ['https://b.example'] })).status, 200);
    type Audited = { module?: string; msg?: string; audit?: { actor: string; action: string; site: string; before: { origins: string[] } | null; after: { origins: string[] } } };
    const changes = (lines as Audited[]).filter((line) => line.audit?.site === 'logged-site');
    assert.deepEqual(changes.map((line) => line.audit?.action), ['site.create', 'site.update']);
    const update = changes[1]!;
    assert.equal(update.module, 'admin');
    assert.match(update.audit!.actor, /^api:/);
    assert.deepEqual(update.audit!.before?.origins, ['https://a.example']);
    assert.deepEqual(update.audit!.after.origins, ['https://b.example']);
    assert.match(update.msg ?? '', /^site\.update logged-site by api:/);
    assert.ok(!JSON.stringify(lines).includes(TOKEN), 'the token is never logged');
  });
});
