import { Counter } from '../src/counting/counter.ts';
import { createCountryLookup } from '../src/counting/sources/country.ts';
import { SourceClassifier } from '../src/counting/sources/source-classifier.ts';
import { siteSchema } from '../src/counting/site.ts';
import { createLogger } from '../src/log.ts';
import { createMetrics } from '../src/metrics.ts';
import { createStore } from '../src/store/create-store.ts';
const log = createLogger('silent');
const store = await createStore({ kind: process.argv[2] === 'sqlite' ? 'sqlite' : 'memory', path: '/tmp/micro.db' } as any, { log });
const counter = new Counter({ store, log, metrics: createMetrics(), sources: new SourceClassifier(createCountryLookup()), onlineWindowMs: 60000, rateLimit: 0, addressBudgets: { views: 300, pings: 300, newVisitors: 50 }, retentionDays: 0, flushIntervalMs: 50, bufferLimit: 200000 });
await counter.start();
const site = siteSchema.parse({ id: 'bench', origins: ['https://bench.example.com'] });
await counter.putSite(site);
const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const run = async (label: string, n: number, ip: (i: number) => string) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    await counter.recordHit(site, '/docs/api?utm_source=zalo', { ip: ip(i), userAgent: ua, track: true }, { origin: 'https://bench.example.com', referrer: 'https://www.google.com/' });
    if (i % 1000 === 999) await counter.flush();
  }
  await counter.flush();
  console.log(label, ((performance.now() - t) * 1000 / n).toFixed(1), 'µs/hit');
};
await run('warm', 20000, (i) => `2402:801:${(i >>> 16).toString(16)}:${(i & 65535).toString(16)}::1`);
await run('fresh', 50000, (i) => `2402:800:${(i >>> 16).toString(16)}:${(i & 65535).toString(16)}::1`);
await run('repeat', 50000, (i) => `2402:800:${((i % 2000) >>> 16).toString(16)}:${((i % 2000) & 65535).toString(16)}::1`);
await counter.close(Date.now() + 2000);
