/**
 * `npm run bench`: starts what it measures (footfall on SQLite and on its own redis-server, and
 * a bare `node:http` ceiling), drives them from separate load processes, and prints ONE JSON
 * document on stdout and readable tables on stderr. Flags: see lib/args.ts (`--help`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { killAll } from '../test/support/child-processes.js';
import { parseArgs, type ScenarioName } from './lib/args.js';
import type { Scenario, ScenarioContext, ScenarioReport, TargetCheck } from './lib/scenario.js';
import { ROOT, buildFootfall, redisVersion } from './lib/servers.js';
import { formatTable } from './lib/table.js';
import { ceiling } from './scenarios/ceiling.js';
import { fanout } from './scenarios/fanout.js';
import { hitCost } from './scenarios/hit-cost.js';
import { ingest } from './scenarios/ingest.js';
import { live } from './scenarios/live.js';
import { memory } from './scenarios/memory.js';
import { reads } from './scenarios/reads.js';
import { storeCost } from './scenarios/store-cost.js';
import { subscriptions } from './scenarios/subscriptions.js';
import { topology } from './scenarios/topology.js';

const SCENARIO_FILES: Record<ScenarioName, Scenario> = {
  ingest,
  'hit-cost': hitCost,
  reads,
  'store-cost': storeCost,
  live,
  memory,
  subscriptions,
  topology,
  fanout,
  ceiling,
};

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const fdLimit = (() => {
    try {
      return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    nproc: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    redis: redisVersion(),
    fdLimit,
    kernel: os.release(),
  };
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const started = Date.now();
  const log = (message: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  const build = buildFootfall(options.tsx);
  // What was built: read now, as other engineers may commit while the bench runs.
  const footfall = {
    runtime: build.command,
    builtAt: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    srcChangedSinceCommit: git(['status', '--porcelain', '--', 'src']) !== '',
  };
  log(`footfall runs as: ${build.command} (commit ${footfall.commit}${footfall.srcChangedSinceCommit ? ' + uncommitted src changes' : ''})`);
  const context: ScenarioContext = { options, runtime: build.runtime, log };
  const scenarios: Record<string, ScenarioReport['result']> = {};
  const targets: TargetCheck[] = [];
  const profiles: NonNullable<ScenarioReport['profiles']> = [];
  const failures: Record<string, string> = {};
  const tables: string[] = [];
  for (const name of options.scenarios) {
    log(`scenario ${name}`);
    try {
      const report = await SCENARIO_FILES[name](context);
      scenarios[name] = report.result;
      targets.push(...report.targets);
      if (report.profiles) profiles.push(...report.profiles);
      for (const table of report.tables) tables.push(formatTable(table.title ? `${name}: ${table.title}` : name, table.header, table.rows));
      process.stderr.write(`${tables.slice(-report.tables.length).join('\n')}\n`);
    } catch (error) {
      failures[name] = (error as Error).stack ?? String(error);
      log(`scenario ${name} failed: ${(error as Error).message}`);
    }
  }
  const document = {
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine: machine(),
    footfall,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options,
    targets,
    scenarios,
    ...(profiles.length > 0 ? { profiles } : {}),
    ...(Object.keys(failures).length > 0 ? { failures } : {}),
  };
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  process.stderr.write(`${tables.join('\n')}\n`);
  process.stderr.write(
    formatTable(
      'targets',
      ['target', 'measured', 'pass'],
      targets.map((t) => [`${t.id}: ${t.target}`, typeof t.measured === 'number' ? `${t.measured}${t.unit ? ` ${t.unit}` : ''}` : t.measured, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS']),
    ) + '\n',
  );
  for (const profile of profiles) {
    process.stderr.write(
      formatTable(`profile ${profile.file} (idle ${profile.idlePercent} %, GC ${profile.gcPercent} %)`, ['function (self time)', 'ms', '% busy'], profile.topFunctions.slice(0, 15).map((f) => [f.name, f.selfMs, f.selfPercent])) + '\n',
    );
  }
  if (Object.keys(failures).length > 0) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    // Nothing started here may outlive the bench.
    await killAll();
  });
