/**
 * The admin API against real stores — an SQLite file and a real redis-server: auth,
 * validation, the audit trail, history, top pages, a day's detail and history import.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRedis, type RedisProcess } from '../support/redis-server.js';
import { postHit, SITE_ORIGIN, startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'test-admin-token-0123456789';
const DAY_MS = 86_400_000;

function dateAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
}

interface Backend {
  name: string;
  start(): Promise<{ url: string; stop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async start() {
      const dir = await mkdtemp(path.join(tmpdir(), 'footfall-admin-'));
      return { url: `sqlite:${path.join(dir, 'footfall.db')}`, stop: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'redis',
    async start() {
      const redis: RedisProcess = await startRedis();
      return { url: redis.url, stop: () => redis.stop() };
    },
  },
];

for (const backend of backends) {
  describe(`admin API on ${backend.name}`, () => {
    let server: TestServer;
    let stopBackend = async () => {};

    before(async () => {
      const { url, stop } = await backend.start();
      stopBackend = stop;
      server = await startTestServer({ FOOTFALL_ADMIN_TOKEN: TOKEN, FOOTFALL_STORE: url });
    });
    after(async () => {
      await server?.close();
      await stopBackend();
    });

    function admin(route: string, init: RequestInit = {}, token = TOKEN): Promise<Response> {
      return fetch(`${server.url}/api/v1/admin${route}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });
    }

    async function json<T>(response: Response, status = 200): Promise<T> {
      const body = (await response.json()) as T;
      assert.equal(response.status, status, JSON.stringify(body));
      return body;
    }

    async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
      const body = (await response.json()) as { error: { code: string; message: string } };
      return { status: response.status, ...body.error };
    }

    /**
     * Everything accepted so far, written. Counter.flush() shares a run already in progress,
     * which may have started before the last hit; the second call starts after it.
     */
    async function settle(): Promise<void> {
      await server.counter.flush();
      await server.counter.flush();
    }

    function importCsv(site: string, csv: string, dryRun = false): Promise<Response> {
      return admin(`/sites/${site}/history${dryRun ? '?dryRun=1' : ''}`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    }

    it('needs the bearer token', async () => {
      assert.equal((await errorOf(await admin('/sites', {}, 'wrong-token-wrong-token'))).code, 'unauthorized');
      assert.equal((await fetch(`${server.url}/api/v1/admin/audit`)).status, 401);
      assert.equal((await fetch(`${server.url}/api/v1/admin/sites/demo/day`)).status, 401);
    });

    it('validates settings naming the field, and audits every change with before and after', async () => {
      const form = await errorOf(await admin('/sites/phuong-1', { method: 'PUT', body: '{"origins":[]}', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      assert.deepEqual([form.status, form.code], [415, 'unsupported_media_type'], 'settings sent as a form are not silently ignored');
      const bad = await errorOf(await admin('/sites/phuong-1', { method: 'PUT', body: JSON.stringify({ baseline: { views: -5 } }) }));
      assert.deepEqual([bad.status, bad.code], [400, 'invalid_settings']);
      assert.match(bad.message, /baseline\.views/);
      await json(await admin('/sites/phuong-1', { method: 'PUT', body: JSON.stringify({ origins: [SITE_ORIGIN], timezone: 'Asia/Ho_Chi_Minh' }) }), 201);
      await json(await admin('/sites/phuong-1', { method: 'PUT', body: JSON.stringify({ timezone: 'UTC' }) }));
      const audit = await json<Array<{ action: string; site: string; actor: string; before: { timezone?: string } | null; after: { timezone?: string } | null }>>(await admin('/audit?limit=5'));
      const mine = audit.filter((entry) => entry.site === 'phuong-1');
      assert.deepEqual(mine.map((entry) => entry.action), ['site.update', 'site.create']);
      assert.equal(mine[0]!.before?.timezone, 'Asia/Ho_Chi_Minh');
      assert.equal(mine[0]!.after?.timezone, 'UTC');
      assert.equal(mine[1]!.before, null);
      assert.match(mine[0]!.actor, /^api:/);
    });

    it("gives history, top pages and a day's hours and refused hits", async () => {
      await server.addSite('xa-an-binh');
      for (const [page, n] of [['/tin-tuc', 3], ['/lien-he', 1]] as const) {
        for (let i = 0; i < n; i++) {
          const response = await postHit(server, 'xa-an-binh', { url: `${SITE_ORIGIN}${page}`, headers: { 'user-agent': `Mozilla/5.0 Chrome/131 reader ${i}` } });
          assert.equal(response.status, 202);
        }
      }
      assert.equal((await postHit(server, 'xa-an-binh', { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1)' })).status, 200);
      assert.equal((await postHit(server, 'xa-an-binh', { origin: 'https://evil.example' })).status, 403);
      await settle();
      const today = dateAgo(0);
      const history = await json<unknown[]>(await admin(`/sites/xa-an-binh/history?from=${dateAgo(1)}&to=${today}`));
      assert.deepEqual(history, [
        { date: dateAgo(1), views: 0, visitors: 0 },
        { date: today, views: 4, visitors: 3 },
      ]);
      assert.deepEqual(await json(await admin(`/sites/xa-an-binh/pages?date=${today}`)), [
        { path: '/tin-tuc', views: 3 },
        { path: '/lien-he', views: 1 },
      ]);
      const day = await json<{ date: string; hours: number[]; refused: Record<string, number> }>(await admin('/sites/xa-an-binh/day'));
      assert.equal(day.date, today);
      assert.equal(day.hours.length, 24);
      assert.equal(day.hours.reduce((a, b) => a + b, 0), 4);
      assert.equal(day.hours[new Date().getUTCHours()], 4);
      assert.deepEqual(day.refused, { bot: 1, origin: 1, rate_limit: 0, invalid: 0 });
      const empty = await json<{ hours: number[] }>(await admin(`/sites/xa-an-binh/day?date=${dateAgo(3)}`));
      assert.deepEqual(empty, { date: dateAgo(3), hours: new Array(24).fill(0), refused: { bot: 0, origin: 0, rate_limit: 0, invalid: 0 } });
      assert.equal((await errorOf(await admin('/sites/xa-an-binh/day?date=yesterday'))).code, 'invalid_query');
      assert.equal((await errorOf(await admin('/sites/nope/day'))).code, 'unknown_site');
    });

    it('imports history: a dry run changes nothing, the import is idempotent and audited', async () => {
      await server.addSite('thi-tran', { baseline: { views: 1000, visitors: 100 } });
      const csv = `date,views,visitors\n${dateAgo(3)},120,40\n${dateAgo(2)},80,30\n`;
      const dry = await json<{ dryRun: boolean; applied: boolean; changes: unknown[]; total: unknown }>(await importCsv('thi-tran', csv, true));
      assert.deepEqual([dry.dryRun, dry.applied], [true, false]);
      assert.deepEqual(dry.changes, [
        { date: dateAgo(3), before: { views: 0, visitors: 0 }, after: { views: 120, visitors: 40 } },
        { date: dateAgo(2), before: { views: 0, visitors: 0 }, after: { views: 80, visitors: 30 } },
      ]);
      assert.deepEqual(dry.total, { views: 200, visitors: 70 });
      assert.deepEqual((await server.figures('thi-tran')).total, { views: 1000, visitors: 100 }, 'a dry run changes nothing');

      const applied = await json<{ applied: boolean; total: unknown }>(await importCsv('thi-tran', csv));
      assert.deepEqual([applied.applied, applied.total], [true, { views: 200, visitors: 70 }]);
      assert.deepEqual((await server.figures('thi-tran')).total, { views: 1200, visitors: 170 });
      const again = await json<{ changes: unknown[]; unchanged: number; total: unknown }>(await importCsv('thi-tran', csv));
      assert.deepEqual([again.changes, again.unchanged, again.total], [[], 2, { views: 0, visitors: 0 }]);
      assert.deepEqual((await server.figures('thi-tran')).total, { views: 1200, visitors: 170 }, 'the same file twice changes nothing');

      // A corrected day replaces its earlier import.
      const fixed = await json<{ changes: unknown[]; total: unknown }>(await importCsv('thi-tran', `${dateAgo(2)},90\n`));
      assert.deepEqual(fixed.changes, [{ date: dateAgo(2), before: { views: 80, visitors: 30 }, after: { views: 90, visitors: 0 } }]);
      assert.deepEqual((await server.figures('thi-tran')).total, { views: 1210, visitors: 140 });
      const history = await json(await admin(`/sites/thi-tran/history?from=${dateAgo(3)}&to=${dateAgo(2)}`));
      assert.deepEqual(history, [
        { date: dateAgo(3), views: 120, visitors: 40 },
        { date: dateAgo(2), views: 90, visitors: 0 },
      ]);
      const audit = await json<Array<{ action: string; site: string; before: unknown; after: { imported: unknown; changedDays: number } }>>(await admin('/audit?limit=10'));
      const imports = audit.filter((entry) => entry.site === 'thi-tran' && entry.action === 'history.import');
      assert.equal(imports.length, 3, 'each applied import is audited; dry runs are not');
      assert.deepEqual(imports[0]!.before, { imported: { views: 200, visitors: 70 } });
      assert.deepEqual(imports[0]!.after.imported, { views: 210, visitors: 40 });
      assert.equal(imports[0]!.after.changedDays, 1);
    });

    it('refuses a file with bad rows, naming each line, and applies nothing', async () => {
      await server.addSite('refused-csv');
      const csv = [`${dateAgo(5)},10,2`, `${dateAgo(4)},-3`, '2025-02-30,1', `${dateAgo(0)},5`, `${dateAgo(5)},1`, 'just words here'].join('\n');
      const failure = await errorOf(await importCsv('refused-csv', csv));
      assert.deepEqual([failure.status, failure.code], [400, 'invalid_body']);
      assert.match(failure.message, /nothing was imported/);
      assert.match(failure.message, /line 2: views "-3" is not a whole number/);
      assert.match(failure.message, /line 3: "2025-02-30" is not a date/);
      assert.match(failure.message, /line 4: .* is not before today/);
      assert.match(failure.message, /line 5: .* was already given on line 1/);
      assert.match(failure.message, /line 6: expected date,views\[,visitors\]/);
      assert.deepEqual((await server.figures('refused-csv')).total, { views: 0, visitors: 0 });
      assert.deepEqual(await json(await admin(`/sites/refused-csv/history?from=${dateAgo(5)}&to=${dateAgo(5)}`)), [{ date: dateAgo(5), views: 0, visitors: 0 }]);
      const wrongType = await admin('/sites/refused-csv/history', { method: 'POST', body: JSON.stringify({ rows: [] }) });
      assert.equal((await errorOf(wrongType)).code, 'unsupported_media_type');
      const badFlag = await admin('/sites/refused-csv/history?dryRun=maybe', { method: 'POST', body: `${dateAgo(5)},1`, headers: { 'content-type': 'text/csv' } });
      assert.equal((await errorOf(badFlag)).code, 'invalid_query');
      assert.equal((await errorOf(await importCsv('no-such-site', `${dateAgo(5)},1`))).code, 'unknown_site');
    });
  });
}
