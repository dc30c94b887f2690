/**
 * `footfall busuanzi-pages --sitemap URL|FILE`: carries a Busuanzi site's per-page views over.
 * Busuanzi keeps no export, so each page of the sitemap is asked for its `page_pv` as the
 * Busuanzi script would ask; the answers are written as the `path,views` CSV that
 * `import-pages` reads, and the site's own totals as the baseline to set. Nothing here touches
 * a store: the operator reads the file before importing it.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_PAGE_ROWS } from '../ops/page-baselines.js';
import { csvLine } from '../ops/csv-rows.js';
import { parseCommand, positionals, wholeNumber } from './args.js';
import { BUSUANZI_ENDPOINT, BusuanziSession, type BusuanziFigures } from './busuanzi-counts.js';
import { CliError, EXIT, println, usageError, type CliIo, type Command } from './cli-io.js';
import { httpGet } from './http-get.js';
import { sitemapPages } from './sitemap.js';

const OPTIONS = {
  sitemap: { type: 'string' },
  endpoint: { type: 'string' },
  site: { type: 'string' },
  concurrency: { type: 'string' },
  'delay-ms': { type: 'string' },
  limit: { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  'user-agent': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEFAULT_USER_AGENT = 'Mozilla/5.0 (compatible; footfall busuanzi-pages)';
/** Failed pages listed by address; past this many, a count. */
const SHOWN_FAILURES = 20;

interface Crawl {
  answered: Map<string, BusuanziFigures>;
  failed: { page: URL; reason: string }[];
}

export const busuanziPagesCommand: Command = async (args, io) => {
  const parsed = parseCommand('busuanzi-pages', args, OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  positionals('busuanzi-pages', given, []);
  if (values.sitemap === undefined) throw usageError("missing --sitemap URL|FILE. See 'footfall busuanzi-pages --help'.");
  const endpoint = httpUrl('endpoint', values.endpoint ?? BUSUANZI_ENDPOINT);
  const concurrency = wholeNumber('concurrency', values.concurrency, 1, 16) ?? 4;
  const delayMs = wholeNumber('delay-ms', values['delay-ms'], 0, 60_000) ?? 200;
  const limit = wholeNumber('limit', values.limit, 1, MAX_PAGE_ROWS) ?? MAX_PAGE_ROWS;
  const timeoutMs = wholeNumber('timeout-ms', values['timeout-ms'], 100, 120_000) ?? 10_000;
  const retries = wholeNumber('retries', values.retries, 0, 10) ?? 3;
  const signal = io.interrupts();
  const fetchOptions = { timeoutMs, retries, signal, headers: { 'user-agent': values['user-agent'] ?? DEFAULT_USER_AGENT } };

  const sitemap = values.sitemap;
  let found;
  try {
    found = await sitemapPages(sitemap, (source) => readSource(source, fetchOptions), limit);
  } catch (error) {
    throw new CliError(EXIT.failure, `could not read the sitemap: ${(error as Error).message}`);
  }
  const pages = onePerPath(found.pages);
  if (pages.length === 0) throw new CliError(EXIT.failure, `${sitemap} lists no page addresses.`);

  const session = new BusuanziSession({ endpoint: endpoint.href, userAgent: fetchOptions.headers['user-agent'], timeoutMs, retries, signal });
  const crawl = await askAll(session, pages, { concurrency, delayMs, signal });

  const rows = pages.flatMap((page) => {
    const figures = crawl.answered.get(page.href);
    // The question itself was one of the page's views.
    const views = figures ? figures.pagePv - 1 : 0;
    return views > 0 ? [{ path: pathOf(page), views }] : [];
  });
  println(io.stdout, 'path,views');
  for (const row of rows) println(io.stdout, csvLine([row.path, String(row.views)]));
  summarise(io, { endpoint, sitemaps: found.sitemaps, pages, crawl, rows: rows.length, site: values.site, interrupted: signal.aborted });
  return crawl.failed.length > 0 || signal.aborted ? EXIT.failure : EXIT.ok;
};

async function readSource(source: string, options: Parameters<typeof httpGet>[1]): Promise<Buffer> {
  if (!/^https?:\/\//i.test(source)) return readFile(source);
  const answer = await httpGet(source, options);
  if (answer.status !== 200) throw new Error(`${source} answered HTTP ${answer.status}`);
  return answer.body;
}

/** Pages the sitemap lists under several hosts or schemes are one footfall page: asked once. */
function onePerPath(pages: URL[]): URL[] {
  const byPath = new Map<string, URL>();
  for (const page of pages) if (!byPath.has(pathOf(page))) byPath.set(pathOf(page), page);
  return [...byPath.values()];
}

function pathOf(page: URL): string {
  return `${page.pathname}${page.search}`;
}

/**
 * The first page is asked alone, so that every later question carries the visitor cookie it
 * set and Busuanzi counts the whole crawl as one visitor; then `concurrency` askers share the
 * rest, each pausing `delayMs` between its questions.
 */
async function askAll(session: BusuanziSession, pages: URL[], options: { concurrency: number; delayMs: number; signal: AbortSignal }): Promise<Crawl> {
  const crawl: Crawl = { answered: new Map(), failed: [] };
  const ask = async (page: URL): Promise<void> => {
    try {
      crawl.answered.set(page.href, await session.figures(page));
    } catch (error) {
      if (!options.signal.aborted) crawl.failed.push({ page, reason: (error as Error).message });
    }
  };
  const [first, ...rest] = pages;
  if (first) await ask(first);
  let next = 0;
  const asker = async (): Promise<void> => {
    while (next < rest.length && !options.signal.aborted) {
      const page = rest[next++] as URL;
      await sleep(options.delayMs, undefined, { signal: options.signal }).catch(() => undefined);
      if (!options.signal.aborted) await ask(page);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, asker));
  return crawl;
}

interface Summary {
  endpoint: URL;
  sitemaps: number;
  pages: URL[];
  crawl: Crawl;
  rows: number;
  site: string | undefined;
  interrupted: boolean;
}

/** What happened, on stderr (stdout is the CSV), with the commands to run next. */
function summarise(io: CliIo, summary: Summary): void {
  const { crawl, pages } = summary;
  const err = io.stderr;
  const asked = crawl.answered.size + crawl.failed.length;
  println(err, `Asked ${summary.endpoint.host} for ${asked} of ${pages.length} pages (${summary.sitemaps} sitemap${summary.sitemaps === 1 ? '' : 's'}): ${crawl.answered.size} answered, ${crawl.failed.length} failed.`);
  if (summary.interrupted) println(err, 'Interrupted: the CSV holds the pages answered so far.');
  const none = crawl.answered.size - summary.rows;
  println(err, `The CSV lists ${summary.rows} pages with views; ${none} answered ${none === 1 ? 'page' : 'pages'} had none before this crawl.`);
  const first = pages[0] && crawl.answered.get(pages[0].href);
  const site = summary.site ?? 'SITE';
  if (first) {
    // The first answer already counts its own question: one view, and one new visitor.
    const views = Math.max(first.sitePv - 1, 0);
    const visitors = Math.max(first.siteUv - 1, 0);
    println(err, `The site's totals before this crawl: site_pv ${views}, site_uv ${visitors}. The crawl added ${crawl.answered.size} views and one visitor to Busuanzi's figures.`);
    println(err, '');
    println(err, 'Next, with the CSV saved as pages.csv:');
    println(err, `  footfall sites add ${site} --update --baseline-views ${views} --baseline-visitors ${visitors}`);
  } else {
    println(err, '');
    println(err, 'Next, with the CSV saved as pages.csv:');
  }
  println(err, `  footfall import-pages ${site} pages.csv --dry-run`);
  if (crawl.failed.length > 0) {
    println(err, '');
    println(err, 'Failed pages, not in the CSV:');
    for (const { page, reason } of crawl.failed.slice(0, SHOWN_FAILURES)) println(err, `  ${page.href}: ${reason}`);
    if (crawl.failed.length > SHOWN_FAILURES) println(err, `  … and ${crawl.failed.length - SHOWN_FAILURES} more`);
  }
}

function httpUrl(name: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // Reported below, with the option's name.
  }
  throw usageError(`--${name} "${value}" is not valid: use an http:// or https:// address.`);
}
