/** A counter over a given store with a clock the test moves by hand. */
import { createHash } from 'node:crypto';
import { Counter } from '../../src/counting/counter.js';
import type { Visitor } from '../../src/counting/hit-recorder.js';
import { createCountryLookup } from '../../src/counting/sources/country.js';
import { SourceClassifier } from '../../src/counting/sources/source-classifier.js';
import { siteSchema, type Site, type SiteSettingsInput } from '../../src/counting/site.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import type { Store } from '../../src/store/store.js';

export class ManualClock {
  now: number;
  constructor(start: number) {
    this.now = start;
  }
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface TestCounterOptions {
  onlineWindowMs?: number;
  rateLimit?: number;
  bufferLimit?: number;
  retentionDays?: number;
}

let classifier: SourceClassifier | undefined;

/** The one source classifier of the test run: its country database is read once. */
export function testSources(): SourceClassifier {
  return (classifier ??= new SourceClassifier(createCountryLookup()));
}

/** A counter that writes only when the test calls `flush()` (no timers started). */
export function testCounter(store: Store, clock: ManualClock, options: TestCounterOptions = {}): Counter {
  return new Counter({
    store,
    log: createLogger('silent'),
    metrics: createMetrics(),
    sources: testSources(),
    clock: clock.read,
    newSalt: repeatableSalt,
    onlineWindowMs: options.onlineWindowMs ?? 60_000,
    rateLimit: options.rateLimit ?? 0,
    retentionDays: options.retentionDays ?? 0,
    flushIntervalMs: 50,
    bufferLimit: options.bufferLimit ?? 100_000,
  });
}

let testTitle = 'before any test';
let sitesInTest = 0;

/** Called before each test (hooks.ts): the ids siteId() gives next derive from its title. */
export function startTest(title: string): void {
  testTitle = title;
  sitesInTest = 0;
}

/**
 * A fresh site id, so tests sharing one backend never see each other's figures. Ids and salts
 * derive from the test's title, not chance: a visitor's register in a HyperLogLog then repeats
 * from run to run, so a rare register collision (4 visitors counted as 3) fails every run or
 * none, and adding a test elsewhere never moves it.
 */
export function siteId(prefix = 'site'): string {
  return `${prefix}-${sha256(`${testTitle}\n${++sitesInTest}`).slice(0, 10)}`;
}

function repeatableSalt(site: string, period: string): string {
  return sha256(`test salt\n${site}\n${period}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Saves a site through the counter's registry and returns it as validated. */
export async function addSite(counter: Counter, id: string, settings: SiteSettingsInput = {}): Promise<Site> {
  const site = siteSchema.parse({ id, origins: ['https://example.test'], ...settings });
  await counter.putSite(site);
  return site;
}

/** Visitor number `n`: a distinct IP and browser. */
export function visitor(n: number, track = true): Visitor {
  return { ip: `203.0.113.${n % 250}`, userAgent: `Mozilla/5.0 (test visitor ${n})`, track };
}
