import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config/config.js';
import { StartupError } from '../../src/errors.js';

describe('configuration', () => {
  it('has the defaults docs/api.md lists ("Settings")', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.store, { kind: 'sqlite', path: './data/footfall.db' });
    assert.equal(config.onlineWindowMs, 60_000);
    assert.equal(config.pushIntervalMs, 1000);
    assert.equal(config.trustProxy, false);
    assert.equal(config.rateLimit, 30);
    assert.equal(config.respectDnt, false);
    assert.equal(config.adminToken, undefined);
    assert.equal(config.scriptName, 'footfall.js');
    assert.equal(loadConfig({ FOOTFALL_SCRIPT_NAME: 's.js' }).scriptName, 's.js');
    assert.equal(config.answer, 'queued');
    assert.equal(loadConfig({ FOOTFALL_ANSWER: 'Written' }).answer, 'written');
    assert.ok(Object.isFrozen(config));
  });

  it('parses every store URL form', () => {
    assert.deepEqual(loadConfig({ FOOTFALL_STORE: 'memory:' }).store, { kind: 'memory' });
    assert.deepEqual(loadConfig({ FOOTFALL_STORE: 'redis://:secret@cache:6380/2' }).store, { kind: 'redis', url: 'redis://:secret@cache:6380/2' });
    assert.equal(loadConfig({ FOOTFALL_STORE: 'redis://:secret@cache:6380/2' }).storeLabel, 'redis://***@cache:6380/2');
    assert.deepEqual(loadConfig({ FOOTFALL_STORE: 'redis+cluster://a:7000,b:7001' }).store, {
      kind: 'redis-cluster',
      nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }],
      tls: false,
      username: undefined,
      password: undefined,
    });
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT="eighty" is not valid: use a whole number from 0 to 65535/],
    [{ PORT: '70000' }, /^PORT=/],
    [{ FOOTFALL_STORE: 'mysql://x' }, /^FOOTFALL_STORE="mysql:\/\/x" is not valid: .*memory:, sqlite:PATH/],
    [{ FOOTFALL_STORE: 'sqlite:' }, /^FOOTFALL_STORE=.*needs a file path/],
    [{ FOOTFALL_STORE: 'redis+cluster://a,b' }, /^FOOTFALL_STORE=.*not host:port/],
    [{ FOOTFALL_ONLINE_WINDOW_S: '0' }, /^FOOTFALL_ONLINE_WINDOW_S=/],
    [{ FOOTFALL_PUSH_INTERVAL_MS: '1.5' }, /^FOOTFALL_PUSH_INTERVAL_MS=/],
    [{ FOOTFALL_RATE_LIMIT: '-1' }, /^FOOTFALL_RATE_LIMIT=/],
    [{ FOOTFALL_RESPECT_DNT: 'maybe' }, /^FOOTFALL_RESPECT_DNT="maybe" is not valid: use on or off/],
    [{ FOOTFALL_TRUST_PROXY: 'not-an-address/99' }, /^FOOTFALL_TRUST_PROXY=/],
    [{ FOOTFALL_SCRIPT_NAME: '../s.js' }, /^FOOTFALL_SCRIPT_NAME="\.\.\/s\.js" is not valid: use a file name ending in \.js/],
    [{ FOOTFALL_SCRIPT_NAME: 'stats' }, /^FOOTFALL_SCRIPT_NAME=/],
    [{ FOOTFALL_SCRIPT_NAME: 'busuanzi.js' }, /^FOOTFALL_SCRIPT_NAME=.*other than busuanzi\.js/],
    [{ FOOTFALL_ANSWER: 'later' }, /^FOOTFALL_ANSWER="later" is not valid: use queued \(answer at once, the default\) or written/],
    [{ FOOTFALL_ADMIN_TOKEN: 'short' }, /^FOOTFALL_ADMIN_TOKEN="\*\*\*" is not valid: use at least 16 characters/],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)}, naming the variable`, () => {
      assert.throws(() => loadConfig(env), (error: unknown) => error instanceof StartupError && message.test(error.message));
    });
  }

  it('takes the trust-proxy forms of Express', () => {
    assert.equal(loadConfig({ FOOTFALL_TRUST_PROXY: 'on' }).trustProxy, true);
    assert.equal(loadConfig({ FOOTFALL_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ FOOTFALL_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, 'loopback, 10.0.0.0/8');
    assert.equal(loadConfig({ FOOTFALL_TRUST_PROXY: 'off' }).trustProxy, false);
  });
});
