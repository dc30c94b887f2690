/**
 * The layers of docs/architecture.md, checked on the source: every import of `src/` (static,
 * `export … from`, dynamic, type-only alike) goes to a layer its own layer may use, and no chain
 * of imports leads back to where it started.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

const SRC = path.join(PACKAGE_ROOT, 'src');
const SNIPPET = path.join(PACKAGE_ROOT, 'client-snippet', 'src');

type Layer = 'root' | 'cli' | 'client' | 'http' | 'live' | 'ops' | 'counting' | 'store' | 'config' | 'metrics' | 'base';

/** Which layers each layer may import, besides its own (docs/architecture.md keeps the same table). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  root: ['cli', 'client', 'http', 'live', 'ops', 'counting', 'store', 'config', 'metrics', 'base'],
  cli: ['client', 'ops', 'counting', 'store', 'config', 'metrics', 'base'],
  // Only the wire shapes of these layers (CLIENT_MAY_IMPORT): the client runs outside the server.
  client: ['counting', 'live', 'base'],
  http: ['ops', 'counting', 'config', 'metrics', 'base'],
  live: ['ops', 'counting', 'config', 'metrics', 'base'],
  ops: ['counting', 'store', 'config', 'base'],
  counting: ['store', 'config', 'metrics', 'base'],
  store: ['config', 'base'],
  config: ['base'],
  metrics: ['base'],
  base: [],
};

/** What the snippet may take from the server: the shapes of the wire, nothing that runs on Node. */
const SNIPPET_MAY_IMPORT = ['src/counting/counts-payload.ts', 'src/counting/page-path.ts', 'src/live/events.ts', 'src/errors.ts'];

/** What footfall/client may take from the rest of src/: the same shapes, so it loads no server code. */
const CLIENT_MAY_IMPORT = ['src/counting/counts-payload.ts', 'src/live/events.ts', 'src/errors.ts'];

/** The composition roots: the server's (main.ts, server.ts) and the command line's. */
const ROOTS = ['main.ts', 'server.ts', path.join('cli', 'main.ts')];

function layerOf(file: string): Layer {
  if (ROOTS.includes(path.relative(SRC, file))) return 'root';
  const relative = path.relative(SRC, file).split(path.sep);
  if (relative.length === 1) {
    if (relative[0] === 'metrics.ts') return 'metrics';
    return 'base';
  }
  const folder = relative[0] as Layer;
  if (!(folder in MAY_IMPORT) || folder === 'root' || folder === 'base' || folder === 'metrics') throw new Error(`src/${relative[0]} is no layer of docs/architecture.md`);
  return folder;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** The files of ours that `file` imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    if (!specifier.startsWith('.')) continue;
    found.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
  }
  return found;
}

const rel = (file: string) => path.relative(PACKAGE_ROOT, file);

describe('architecture: imports follow the layers of docs/architecture.md', () => {
  const files = sources(SRC);
  const graph = new Map(files.map((file) => [file, importsOf(file)]));

  it('finds the source and its imports', () => {
    assert.ok(files.length > 50, `only ${files.length} files under src/`);
    assert.ok([...graph.values()].flat().length > 200);
    for (const [file, imports] of graph) for (const target of imports) assert.ok(graph.has(target), `${rel(file)} imports ${rel(target)}, which does not exist`);
  });

  it('imports only from its own layer or a layer below', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      for (const target of imports) {
        const to = layerOf(target);
        if (to !== from && !MAY_IMPORT[from].includes(to)) upward.push(`${rel(file)} (${from}) → ${rel(target)} (${to})`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].map(rel).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('lets footfall/client take only the wire shapes from the server', () => {
    const client = path.join(SRC, 'client');
    const taken = files.filter((file) => file.startsWith(client + path.sep)).flatMap((file) => (graph.get(file) ?? []).filter((target) => !target.startsWith(client + path.sep)).map((target) => `${rel(file)} → ${rel(target)}`));
    assert.ok(taken.length > 0);
    assert.deepEqual(taken.filter((edge) => !CLIENT_MAY_IMPORT.some((allowed) => edge.endsWith(`→ ${allowed}`))), []);
    // What those files import in turn must stay within them, or the client would load more.
    const reached = CLIENT_MAY_IMPORT.flatMap((allowed) => (graph.get(path.join(PACKAGE_ROOT, allowed)) ?? []).map(rel));
    assert.deepEqual(reached.filter((target) => !CLIENT_MAY_IMPORT.includes(target)), []);
  });

  it('lets the browser snippet take only the wire shapes from the server', () => {
    const taken = sources(SNIPPET).flatMap((file) => importsOf(file).filter((target) => !target.startsWith(SNIPPET)).map((target) => `${rel(file)} → ${rel(target)}`));
    assert.ok(taken.length > 0);
    assert.deepEqual(taken.filter((edge) => !SNIPPET_MAY_IMPORT.some((allowed) => edge.endsWith(`→ ${allowed}`))), []);
  });
});
