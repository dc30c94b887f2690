/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per
 * module (a package under node_modules, a footfall source file, or node's own internals).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { round } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const MAX_NAME = 60;

export interface ProfileEntry {
  name: string;
  selfMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of samples in which the process was idle (waiting for I/O). */
  idlePercent: number;
  /** Share of samples spent in garbage collection. */
  gcPercent: number;
  topFunctions: ProfileEntry[];
  topModules: ProfileEntry[];
}

/** `node_modules/socket.io/dist/x.js` → `socket.io`; `dist/bench/src/http/ingest.js` → `src/http/ingest.js`. */
function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return url;
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = clean.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = clean.indexOf('/src/');
  return src >= 0 ? clean.slice(src + 1) : path.basename(clean);
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  let gc = 0;
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    if (frame.functionName === '(garbage collector)') gc += us;
    const mod = moduleOf(frame.url);
    // A RegExp's "function name" is its whole source (isbot's is kilobytes): keep the start.
    const fn = frame.functionName.length > MAX_NAME ? `${frame.functionName.slice(0, MAX_NAME)}…` : frame.functionName;
    const name = `${fn || '(anonymous)'} ${mod}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  }
  const busy = total - idle;
  const entries = (map: Map<string, number>): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: round(us / 1000, 1), selfPercent: round((100 * us) / Math.max(1, busy), 1) }));
  return {
    file,
    totalMs: round(total / 1000, 0),
    idlePercent: round((100 * idle) / Math.max(1, total), 1),
    gcPercent: round((100 * gc) / Math.max(1, busy), 1),
    topFunctions: entries(functions),
    topModules: entries(modules),
  };
}
