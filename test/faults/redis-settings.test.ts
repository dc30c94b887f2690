/** Redis settings that can lose counts are reported at start, on /readyz and in the log. */
import { strict as assert } from 'node:assert';
import { startRedis } from '../support/redis-server.js';
import { startTestServer } from '../support/server.js';

async function readinessWarnings(redisArgs: string[], appendonly: boolean): Promise<string[]> {
  const redis = await startRedis({ appendonly, args: redisArgs });
  try {
    const server = await startTestServer({ FOOTFALL_STORE: redis.url });
    try {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200, 'unsafe settings warn; they do not make the server unready');
      return ((await response.json()) as { warnings: string[] }).warnings;
    } finally {
      await server.close();
    }
  } finally {
    await redis.stop();
  }
}

describe('Redis settings check', () => {
  it('warns about an evicting policy and about no persistence at all', async () => {
    const warnings = await readinessWarnings(['--maxmemory-policy', 'allkeys-lru', '--save', ''], false);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /maxmemory-policy allkeys-lru.*set maxmemory-policy noeviction/);
    assert.match(warnings[1]!, /keeps nothing on disk.*set appendonly yes/);
  });

  it('says nothing when Redis keeps an append-only file and never evicts', async () => {
    assert.deepEqual(await readinessWarnings(['--maxmemory-policy', 'noeviction'], true), []);
  });
});
