/**
 * The `footfall` CLI, run for real against a temporary SQLite store: each command's happy path
 * and its main error, with the documented exit codes.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { userInfo } from 'node:os';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli as runInProcess } from '../../src/cli/run-cli.js';
import { createLogger } from '../../src/log.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ManualClock, testCounter } from '../support/counting.js';
import { stopChild } from '../support/child-processes.js';
import { BROWSER_UA, postHit, startTestServer } from '../support/server.js';
import { runCli, spawnCli, type CliRun } from './cli-process.js';

const COMMANDS = ['serve', 'sites', 'import-history', 'import-pages', 'busuanzi-pages', 'keys', 'export', 'import', 'status'];

/** An io whose stdout is collected, for the commands run in this process. */
function fakeIo(): CliIo & { text(): string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: {},
    user: 'test',
    interrupts: () => new AbortController().signal,
    text: () => text,
  };
}

const DAY_MS = 86_400_000;

function dateAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
}

describe('footfall CLI', () => {
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'footfall-cli-'));
    env = { FOOTFALL_STORE: `sqlite:${path.join(dir, 'footfall.db')}` };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cli = (args: string[], input?: string): Promise<CliRun> => runCli(args, { env, input });

  /** All-time views of a site as stored, read in this process. */
  async function allTimeViews(siteId: string, file = path.join(dir, 'footfall.db')): Promise<number> {
    const store = await openSqliteStore(file, { log: createLogger('silent') });
    try {
      const counter = testCounter(store, new ManualClock(Date.now()));
      await counter.refreshSites();
      return (await counter.readCounts(counter.site(siteId)!)).counts.total.views;
    } finally {
      await store.close();
    }
  }

  function expectCode(run: CliRun, code: number): void {
    assert.equal(run.code, code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }

  it('prints help for every command, and refuses an unknown one with exit 2', async () => {
    const [top, sites, unknown, badOption, none] = await Promise.all([
      cli(['--help']),
      cli(['sites', '--help']),
      cli(['statsu']),
      cli(['sites', 'list', '--colour']),
      cli([]),
    ]);
    expectCode(top, 0);
    for (const command of COMMANDS) assert.match(top.stdout, new RegExp(`\\n  ${command} `));
    assert.match(top.stdout, /Exit codes: 0 ok/);
    expectCode(sites, 0);
    assert.match(sites.stdout, /^Usage: footfall sites list/);
    expectCode(unknown, 2);
    assert.match(unknown.stderr, /unknown command "statsu"\. Run 'footfall --help'/);
    expectCode(badOption, 2);
    assert.match(badOption.stderr, /--colour.*See 'footfall sites --help'/);
    expectCode(none, 2);
    // Every command's own help, through the same entry point in this process (no store opened).
    for (const command of COMMANDS) {
      const io = fakeIo();
      assert.equal(await runInProcess([command, '--help'], io, { log: createLogger('silent'), serve: async () => 0 }), 0);
      assert.match(io.text(), new RegExp(`^Usage: footfall ${command}`));
    }
  });

  it('refuses arguments a command does not take, naming the first extra one, with exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['export', 'extra'], `unexpected argument "extra". See 'footfall export --help'.`],
      [['import', 'dump.ndjson', 'extra'], `unexpected argument "extra". See 'footfall import --help'.`],
      [['status', 'now'], `unexpected argument "now". See 'footfall status --help'.`],
      [['serve', 'here'], `unexpected argument "here". See 'footfall serve --help'.`],
      [['import-history', 'demo'], 'missing FILE.csv. Usage: footfall import-history SITE FILE.csv; see --help.'],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    cases.forEach(([, message], i) => {
      expectCode(runs[i]!, 2);
      assert.ok(runs[i]!.stderr.includes(message), runs[i]!.stderr);
    });
  });

  it('sites: adds, lists, updates and removes sites, audited as cli:<user>', async () => {
    const added = await cli(['sites', 'add', 'long-huu', '--origin', 'https://longhuu.example.vn', '--timezone', 'Asia/Ho_Chi_Minh', '--baseline-views', '4288000']);
    expectCode(added, 0);
    assert.match(added.stdout, /Added site long-huu/);
    const [again, badZone, updated, second] = await Promise.all([
      cli(['sites', 'add', 'long-huu']),
      cli(['sites', 'add', 'xa-b', '--timezone', 'Asia/Hanoi City']),
      cli(['sites', 'add', 'long-huu', '--update', '--baseline-visitors', '1200000']),
      cli(['sites', 'add', 'to-remove', '--origin', 'https://x.example']),
    ]);
    expectCode(again, 4);
    assert.match(again.stderr, /already exists; add --update/);
    expectCode(badZone, 2);
    assert.match(badZone.stderr, /timezone: is not an IANA time zone/);
    expectCode(updated, 0);
    expectCode(second, 0);

    const [list, table, unconfirmed] = await Promise.all([cli(['sites', 'list', '--json']), cli(['sites', 'list']), cli(['sites', 'remove', 'to-remove'])]);
    expectCode(list, 0);
    const sites = JSON.parse(list.stdout) as Array<{ id: string; baseline: unknown; timezone: string }>;
    const site = sites.find((entry) => entry.id === 'long-huu');
    assert.deepEqual(site?.baseline, { views: 4_288_000, visitors: 1_200_000 }, 'a partial baseline keeps the other figure');
    assert.equal(site?.timezone, 'Asia/Ho_Chi_Minh');
    assert.ok(!sites.some((entry) => entry.id === 'xa-b'), 'nothing saved for refused settings');
    assert.match(table.stdout, /^SITE +ORIGINS +TIME ZONE/);
    assert.match(table.stdout, /long-huu +https:\/\/longhuu\.example\.vn +Asia\/Ho_Chi_Minh +Monday +4,288,000 \/ 1,200,000/);

    expectCode(unconfirmed, 2);
    assert.match(unconfirmed.stderr, /add --yes to confirm/);
    expectCode(await cli(['sites', 'remove', 'to-remove', '--yes']), 0);
    const missing = await cli(['sites', 'remove', 'to-remove', '--yes']);
    expectCode(missing, 4);
    assert.match(missing.stderr, /there is no site "to-remove"/);

    // The audit trail, read back through the store the CLI wrote.
    const store = await openSqliteStore(path.join(dir, 'footfall.db'), { log: createLogger('silent') });
    try {
      const audit = await store.readAudit(10);
      assert.deepEqual(audit[0] && [audit[0].action, audit[0].site], ['site.delete', 'to-remove']);
      assert.deepEqual(audit.slice(1, 4).map((entry) => `${entry.action} ${entry.site}`).sort(), ['site.create long-huu', 'site.create to-remove', 'site.update long-huu']);
      assert.ok(audit.every((entry) => entry.actor === `cli:${userInfo().username}`), audit.map((entry) => entry.actor).join());
    } finally {
      await store.close();
    }
  });

  it('import-history: dry run, apply, idempotent; bad rows refused by line with nothing applied', async () => {
    expectCode(await cli(['sites', 'add', 'history-site', '--origin', 'https://h.example']), 0);
    const file = path.join(dir, 'old-counter.csv');
    await writeFile(file, `date,views,visitors\n${dateAgo(3)},1200,300\n${dateAgo(2)},800,200\n`);

    const dry = await cli(['import-history', 'history-site', file, '--dry-run']);
    expectCode(dry, 0);
    assert.match(dry.stdout, /Dry run for site history-site: nothing was changed/);
    assert.match(dry.stdout, new RegExp(`${dateAgo(3)} +0 → 1,200 +0 → 300`));
    assert.match(dry.stdout, /All-time: views \+2,000, visitors \+500\./);
    const totals = () => allTimeViews('history-site');
    assert.equal(await totals(), 0, 'a dry run changes nothing');

    const applied = await cli(['import-history', 'history-site', file, '--json']);
    expectCode(applied, 0);
    const result = JSON.parse(applied.stdout) as { applied: boolean; changes: unknown[]; total: unknown };
    assert.deepEqual([result.applied, result.changes.length, result.total], [true, 2, { views: 2000, visitors: 500 }]);
    assert.equal(await totals(), 2000);
    const twice = await cli(['import-history', 'history-site', '-'], await readFile(file, 'utf8'));
    expectCode(twice, 0);
    assert.match(twice.stdout, /0 days changed, 2 already as imported/);
    assert.equal(await totals(), 2000, 'the same file twice changes nothing');

    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, `${dateAgo(9)},5\n${dateAgo(8)},five\n${dateAgo(7)},1,2,3\n`);
    const refused = await cli(['import-history', 'history-site', bad]);
    expectCode(refused, 3);
    assert.match(refused.stderr, /nothing was imported: line 2: views "five" is not a whole number of 0 or more; line 3: expected date,views\[,visitors\] but found 4 fields/);
    assert.equal(await totals(), 2000, 'nothing of a refused file is applied');

    const [unknown, missing, unreadable] = await Promise.all([
      cli(['import-history', 'no-such-site', file]),
      cli(['import-history', 'history-site']),
      cli(['import-history', 'history-site', path.join(dir, 'missing.csv')]),
    ]);
    expectCode(unknown, 4);
    expectCode(missing, 2);
    expectCode(unreadable, 1);
    assert.match(unreadable.stderr, /could not read .*missing\.csv/);
  });

  it('export and import: a dump moves to another store; bad lines and existing sites are refused', async () => {
    const exported = await cli(['export']);
    expectCode(exported, 0);
    const lines = exported.stdout.trim().split('\n');
    assert.deepEqual(JSON.parse(lines[0]!).format, 'footfall-dump');
    assert.ok(lines.length >= 3, 'a header and the sites');
    assert.match(exported.stderr, /Exported \d+ sites from sqlite/);
    const dump = path.join(dir, 'dump.ndjson');
    await writeFile(dump, exported.stdout);

    const target = { FOOTFALL_STORE: `sqlite:${path.join(dir, 'copy.db')}` };
    const imported = await runCli(['import', dump], { env: target });
    expectCode(imported, 0);
    assert.match(imported.stdout, new RegExp(`Imported ${lines.length - 1} sites into sqlite\\.`));
    assert.equal(await allTimeViews('history-site', path.join(dir, 'copy.db')), 2000);

    const broken = [lines[0], lines[1], '{"site":{"id":"Bad Id"}}'].join('\n');
    const [conflict, refused, notADump] = await Promise.all([
      runCli(['import'], { env: target, input: exported.stdout }),
      runCli(['import', '--dry-run'], { env: { FOOTFALL_STORE: `sqlite:${path.join(dir, 'other.db')}` }, input: broken }),
      runCli(['import'], { env: target, input: '{"hello":1}\n' }),
    ]);
    expectCode(conflict, 4);
    assert.match(conflict.stderr, /line 2: site ".*" already exists in the target store; use --replace/);
    expectCode(refused, 3);
    assert.match(refused.stderr, /stdin: line 3: not a valid site dump: site\.id: must be 1–63 lowercase/);
    expectCode(notADump, 3);
    assert.match(notADump.stderr, /line 1: the header is not valid: format: must be "footfall-dump"/);
    expectCode(await runCli(['import', '--replace'], { env: target, input: exported.stdout }), 0);
    assert.equal(await allTimeViews('history-site', path.join(dir, 'copy.db')), 2000);
  });

  it('keys: add, list and revoke; a key moves with export | import (its hash only) and opens a restarted server', async () => {
    expectCode(await cli(['sites', 'add', 'keyed-site', '--origin', 'https://keyed.example.vn']), 0);
    const added = await cli(['keys', 'add', '--site', 'keyed-site', '--scope', 'read', '--label', 'Xã Long Hựu']);
    expectCode(added, 0);
    const key = added.stdout.trim();
    const id = /^ffk_(.{11})_/.exec(key)?.[1];
    assert.ok(id, `a key: ${key}`);
    assert.ok(added.stderr.includes(`Created read key ${id} for keyed-site.`), added.stderr);
    const listed = await cli(['keys', 'list']);
    expectCode(listed, 0);
    assert.match(listed.stdout, /ID +SCOPE +SITES +LABEL/);
    assert.ok(listed.stdout.includes(id) && listed.stdout.includes('Xã Long Hựu'), listed.stdout);
    assert.ok(!listed.stdout.includes(key), 'the list shows no secret');
    expectCode(await cli(['keys', 'add', '--site', 'keyed-site', '--scope', 'write']), 2);
    expectCode(await cli(['keys', 'revoke', 'no-such-key']), 4);

    const exported = await cli(['export']);
    expectCode(exported, 0);
    const keyLines = exported.stdout.split('\n').filter((line) => line.startsWith('{"key"'));
    assert.equal(keyLines.length, 1);
    assert.ok(!exported.stdout.includes(key.slice(`ffk_${id}_`.length)), 'the dump holds no secret');
    const copy = path.join(dir, 'keys.db');
    expectCode(await runCli(['import'], { env: { FOOTFALL_STORE: `sqlite:${copy}` }, input: exported.stdout }), 0);

    // A server started on the imported file: the key opens its site's reports, and nothing else.
    const server = await startTestServer({ FOOTFALL_STORE: `sqlite:${copy}`, FOOTFALL_PUSH_INTERVAL_MS: '100' });
    try {
      const day = () => fetch(`${server.url}/api/v1/sites/keyed-site/day`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal((await day()).status, 200);
      expectCode(await runCli(['keys', 'revoke', id], { env: { FOOTFALL_STORE: `sqlite:${copy}` } }), 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await day()).status, 401, 'revoked from the command line, refused by the running server');
    } finally {
      await server.close();
    }
  });

  it('status: a live table refreshed until Ctrl-C, which exits 0', async () => {
    const child = spawnCli(['status', '--interval', '200'], { env });
    try {
      const deadline = Date.now() + 10_000;
      while ((child.out.stdout.match(/^SITE +ONLINE/gm) ?? []).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(child.out.stdout, /SITE +ONLINE +TODAY VIEWS +THIS WEEK +ALL-TIME +LAST HIT/);
      assert.match(child.out.stdout, /long-huu +0 +0 +0 +4,288,000 +-/, 'the baseline is part of all-time');
      assert.match(child.out.stdout, /^TOTAL /m);
      const code = new Promise<number | null>((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      assert.equal(await code, 0, child.out.stderr);
    } finally {
      await stopChild(child, { signal: 'SIGKILL' });
    }
    const notFootfall = path.join(dir, 'notes.db');
    await writeFile(notFootfall, 'shopping list, not a database');
    const unusable = await runCli(['status', '--once', '--store', `sqlite:${notFootfall}`]);
    expectCode(unusable, 1);
    assert.match(unusable.stderr, /could not open the store sqlite:.*notes\.db: /);
    const badStore = await runCli(['status', '--store', 'mysql://x']);
    expectCode(badStore, 2);
    assert.match(badStore.stderr, /--store "mysql:\/\/x" is not valid/);
  });

  it('status --server: follows a running server\'s /ops feed with the token, a key or a public site', async function () {
    this.timeout(60_000);
    const token = 'cli-status-admin-token-0123456789';
    const server = await startTestServer({ FOOTFALL_ADMIN_TOKEN: token });
    try {
      await server.addSite('long-huu', { baseline: { views: 4_288_000, visitors: 0 } });
      await server.addSite('truong-thcs', { public: true });
      for (let i = 0; i < 2; i++) await postHit(server, 'long-huu', { headers: { 'user-agent': `${BROWSER_UA} ${i}` } });
      await server.counter.flush();
      const created = await fetch(`${server.url}/api/v1/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sites: ['long-huu'], scope: 'read' }),
      });
      const { key } = (await created.json()) as { key: string };
      const args = (extra: string[] = []) => ['status', '--server', server.url, '--once', ...extra];
      // The real command once; the other credentials in this process, where a run costs no start-up.
      const all = await runCli(args(), { env: { FOOTFALL_ADMIN_TOKEN: token } });
      // Imported as the CLI imports its commands (an ES module), so its CliError is theirs.
      const { runCli: runCliHere } = await import('../../src/cli/run-cli.js');
      const inProcess = async (extra: string[], envs: Record<string, string> = {}) => {
        const io = { ...fakeIo(), env: envs };
        const stderr: string[] = [];
        io.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
        const code = await runCliHere(args(extra), io, { log: createLogger('silent'), serve: async () => 0 });
        return { code: code ?? null, stdout: io.text(), stderr: stderr.join('') };
      };
      const owner = await inProcess([], { FOOTFALL_KEY: key });
      const open = await inProcess(['--site', 'truong-thcs']);
      const wrong = await inProcess([], { FOOTFALL_ADMIN_TOKEN: 'not-the-token-at-all' });
      const none = await inProcess([]);
      const mixed = await inProcess(['--interval', '200'], { FOOTFALL_ADMIN_TOKEN: token });
      expectCode(all, 0);
      assert.match(all.stdout, /^footfall status · http:\/\/127\.0\.0\.1:\d+ · .* UTC · views$/m);
      // Two counted hits, still online, and the baseline: live from the server.
      assert.match(all.stdout, /long-huu +2 +2 +2 +4,288,002 +\d+s ago/, all.stdout);
      assert.match(all.stdout, /truong-thcs +0 +0 +0 +0 +-/);
      assert.match(all.stdout, /^TOTAL /m);
      expectCode(owner, 0);
      assert.match(owner.stdout, /long-huu +2 +2 +2 +4,288,002/);
      assert.doesNotMatch(owner.stdout, /truong-thcs/, 'a key sees its own sites only');
      expectCode(open, 0);
      assert.match(open.stdout, /truong-thcs +0 +0 +0 +0 +-/);
      expectCode(wrong, 1);
      assert.match(wrong.stderr, /refused the connection: unauthorized/);
      expectCode(none, 2);
      assert.match(none.stderr, /--server needs FOOTFALL_ADMIN_TOKEN or FOOTFALL_KEY/);
      expectCode(mixed, 2);
    } finally {
      await server.close();
    }
  });

  it('serve: runs the server until SIGTERM, then exits 0', async () => {
    const child = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1', '--store', 'memory:'], { env: { FOOTFALL_LOG_LEVEL: 'info' } });
    try {
      const deadline = Date.now() + 10_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /"url":"(http:[^"]+)".*"footfall listening"/.exec(child.out.stdout)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(url, child.out.stdout + child.out.stderr);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const code = new Promise<number | null>((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      assert.equal(await code, 0);
    } finally {
      await stopChild(child, { signal: 'SIGKILL' });
    }
    const badPort = await runCli(['serve', '--port', 'eighty']);
    expectCode(badPort, 2);
    assert.match(badPort.stdout + badPort.stderr, /PORT=\\"eighty\\" is not valid/);
  });
});
