/**
 * Builds the browser snippet into dist/client/ (`npm run build:client`):
 *
 * - `footfall-live.<sha256:12>.js` (+ .map) first: widget, slots and socket.io-client. Its name
 *   carries its content hash, so it is cached for a year (src/http/static-routes.ts).
 * - `footfall.js` (+ .map): the tracker, the one fixed URL pages embed; it learns the live
 *   file's name through the `FOOTFALL_LIVE_FILE` define.
 *
 * Prints every file's gzip size against the budgets; test/unit/snippet-size.test.ts enforces them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { cssAsText, slimTransports } from './esbuild-plugins.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCES = path.join(HERE, 'src');

/** Where the server serves the snippet from (src/paths.ts CLIENT_DIR). */
export const CLIENT_OUT_DIR = path.join(HERE, '..', 'dist', 'client');

/** Gzipped bytes: the tracker every page loads, and all a widget page loads. */
export const BUDGETS = { tracker: 1200, widgetPage: 18000 } as const;

/**
 * ES2019 syntax: a municipal site's visitors include old phones (Safari 12, Chrome 70). Not
 * browser names: esbuild refuses to lower socket.io's destructuring for old Safari versions.
 */
const TARGETS = ['es2019'];

/** Superseded live files stay this long, for pages still holding a cached footfall.js (5 min). */
const STALE_AFTER_MS = 60 * 60 * 1000;

export interface ClientFile {
  name: string;
  bytes: number;
  /** gzip at zlib's default level, as a typical server sends it. */
  gzip: number;
}

export interface ClientBuild {
  outDir: string;
  tracker: ClientFile;
  live: ClientFile;
}

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: TARGETS,
  write: false,
  sourcemap: 'external',
  legalComments: 'none',
  // socket.io-client reads process.env.NODE_ENV for dev-only checks.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

/** Builds both files into `outDir` (default dist/client) and returns their sizes. */
export async function buildClient(outDir: string = CLIENT_OUT_DIR): Promise<ClientBuild> {
  const live = await bundle('live.ts', path.join(outDir, 'footfall-live.js'), { plugins: [cssAsText(), slimTransports()] });
  const liveName = `footfall-live.${createHash('sha256').update(live.code).digest('hex').slice(0, 12)}.js`;
  const tracker = await bundle('tracker.ts', path.join(outDir, 'footfall.js'), {
    define: { ...COMMON.define, FOOTFALL_LIVE_FILE: JSON.stringify(liveName) },
  });

  await mkdir(outDir, { recursive: true });
  // The live file before the tracker that names it, so no moment serves a dangling name.
  const liveFile = await emit(outDir, liveName, live);
  const trackerFile = await emit(outDir, 'footfall.js', tracker);
  await removeStale(outDir, liveName);
  return { outDir, tracker: trackerFile, live: liveFile };
}

/** One line per file and the widget-page total, each against its budget. */
export function formatSizes({ tracker, live }: ClientBuild): string {
  const total = tracker.gzip + live.gzip;
  const row = (label: string, bytes: number | string, gzip: number, budget?: number) =>
    `${label.padEnd(34)} ${String(bytes).padStart(7)} B  gzip ${String(gzip).padStart(6)} B` +
    (budget === undefined ? '' : `  (budget ${budget} B${gzip > budget ? ', OVER' : ''})`);
  return [
    row(tracker.name, tracker.bytes, tracker.gzip, BUDGETS.tracker),
    row(live.name, live.bytes, live.gzip),
    row('widget page (tracker + live)', tracker.bytes + live.bytes, total, BUDGETS.widgetPage),
  ].join('\n');
}

interface Bundle {
  code: string;
  map: string;
}

async function bundle(entry: string, outfile: string, options: BuildOptions): Promise<Bundle> {
  const result = await build({ ...COMMON, ...options, entryPoints: [path.join(SOURCES, entry)], outfile });
  const file = (ext: string) => {
    const found = result.outputFiles?.find((output) => output.path.endsWith(ext));
    if (!found) throw new Error(`esbuild wrote no ${ext} for ${entry}`);
    return found.text;
  };
  return { code: file('.js'), map: file('.js.map') };
}

/** Writes the file and its map; returns the size of the file as served. */
async function emit(outDir: string, name: string, { code, map }: Bundle): Promise<ClientFile> {
  const text = `${code}//# sourceMappingURL=${name}.map\n`;
  await writeAtomic(path.join(outDir, `${name}.map`), map);
  await writeAtomic(path.join(outDir, name), text);
  return { name, bytes: Buffer.byteLength(text), gzip: gzipSync(text).length };
}

/** A server running meanwhile never reads a half-written file. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

async function removeStale(outDir: string, current: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    const match = /^(footfall-live\.[0-9a-f]+\.js)(\.map)?$/.exec(name);
    if (!match || match[1] === current) continue;
    const file = path.join(outDir, name);
    if (Date.now() - (await stat(file)).mtimeMs > STALE_AFTER_MS) await rm(file, { force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildClient();
  console.log(`footfall snippet → ${path.relative(process.cwd(), result.outDir) || '.'}\n${formatSizes(result)}`);
}
