/**
 * hit-cost: CPU per hit at a fixed rate, below saturation — footfall on each store, and the bare
 * `node:http` ceiling receiving the same bytes. Unlike a ratio at saturation, nothing here is
 * amplified by the load generator idling on the same cores (see `ceiling`), so it is the
 * figure to judge a change to the hit path by. The main thread's share is read apart: it runs
 * the event loop, which saturates first, while SQLite's batch worker uses another core. The usual visitor mix, then every hit a visitor
 * never seen before. On Redis, redis-server's own CPU per hit is read too: it shares the cores.
 *
 * `--against REF` builds that commit as well (same dependencies assumed) and measures it in the
 * same runs, order rotated: before and after a change, on the same machine at the same time.
 */
import { compareWithBare } from '../lib/compare-with-bare.js';
import { hitRequest, runPhase, type PhaseResult } from '../lib/load.js';
import type { Scenario, ScenarioReport, TargetCheck } from '../lib/scenario.js';
import { median, round } from '../lib/stats.js';

type Mix = 'usual' | 'fresh';
const MIXES: readonly Mix[] = ['usual', 'fresh'];
/** Seconds of saturated hits before the runs: enough for most of the 30,000 visitors to be seen. */
const PREPARE_S = 8;

/** µs of CPU per answered hit: the server's, its main thread's (the event loop), and its redis-server's. */
interface Cost {
  serverUs: number;
  mainUs: number;
  redisUs?: number;
  errorPercent: number;
}

function costOf(phase: PhaseResult): Cost {
  const perHit = (cpuPercent: number) => round(((cpuPercent / 100) * 1e6) / phase.okRps, 1);
  return {
    serverUs: perHit(phase.serverCpuPercent ?? Number.NaN),
    mainUs: perHit(phase.serverMainCpuPercent ?? Number.NaN),
    ...(phase.alsoCpuPercent === undefined ? {} : { redisUs: perHit(phase.alsoCpuPercent) }),
    errorPercent: phase.errorPercent,
  };
}

export const hitCost: Scenario = async (context) => {
  const { options, log } = context;
  const { names, runs } = await compareWithBare<Record<Mix, Cost>>(
    context,
    'hit-cost',
    async (target, run) => {
      const costs = {} as Record<Mix, Cost>;
      for (const mix of MIXES) {
        const phase = await runPhase({
          port: target.port,
          connections: options.connections,
          warmupS: options.warmupS,
          durationS: options.durationS,
          rate: options.hitRate,
          request: hitRequest(run + (mix === 'usual' ? 301 : 401), 30_000, mix === 'fresh'),
          serverPid: target.pid,
          ...(target.redisPid === undefined ? {} : { alsoPid: target.redisPid }),
        });
        costs[mix] = costOf(phase);
      }
      const both = (cost: Cost) => `${cost.serverUs} µs (main thread ${cost.mainUs})`;
      log(`hit-cost run ${run + 1}/${options.runs} ${target.name}: ${both(costs.usual)} per hit usual, ${both(costs.fresh)} every hit new`);
      return costs;
    },
    // The usual mix is of visitors the server has mostly seen already today, as on a real site
    // by mid-morning, and of code the JIT has compiled: both come from a prior saturated phase.
    (footfall) => runPhase({ port: footfall.port, connections: options.connections, warmupS: 0, durationS: PREPARE_S, request: hitRequest(300) }).then(() => undefined),
  );
  return report(runs, names, options.hitRate);
};

function report(runs: Array<Map<string, Record<Mix, Cost>>>, names: string[], rate: number): ScenarioReport {
  const pick = (name: string, mix: Mix, f: (cost: Cost) => number | undefined) => {
    const values = runs.map((run) => f(run.get(name)![mix])).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : round(median(values), 1);
  };
  const perTarget: Record<string, Record<string, number | undefined>> = {};
  for (const name of names) {
    perTarget[name] = {
      usualServerUs: pick(name, 'usual', (c) => c.serverUs),
      usualMainUs: pick(name, 'usual', (c) => c.mainUs),
      usualRedisUs: pick(name, 'usual', (c) => c.redisUs),
      freshServerUs: pick(name, 'fresh', (c) => c.serverUs),
      freshMainUs: pick(name, 'fresh', (c) => c.mainUs),
      freshRedisUs: pick(name, 'fresh', (c) => c.redisUs),
      usualErrorPercent: pick(name, 'usual', (c) => c.errorPercent),
      freshErrorPercent: pick(name, 'fresh', (c) => c.errorPercent),
    };
  }
  // Bare's CPU over footfall's (server and redis-server), per run, then the median.
  const ratio = (name: string, mix: Mix) =>
    round(median(runs.map((run) => run.get('bare')![mix].serverUs / (run.get(name)![mix].serverUs + (run.get(name)![mix].redisUs ?? 0)))), 3);
  const checks: TargetCheck[] = names
    .filter((name) => name !== 'bare')
    .flatMap((name) =>
      MIXES.map((mix) => ({
        id: `hit-cost.${name}.${mix}`,
        target: `errors < 1 % at ${rate} hits/s (${mix === 'usual' ? 'usual mix' : 'every hit new'})`,
        measured: perTarget[name]![`${mix}ErrorPercent`] ?? Number.NaN,
        unit: '%',
        pass: (perTarget[name]![`${mix}ErrorPercent`] ?? 100) < 1,
      })),
    );
  const cell = (value: number | undefined) => value ?? '—';
  return {
    result: {
      rate,
      targets: perTarget,
      cpuRatioToBare: Object.fromEntries(names.filter((name) => name !== 'bare').map((name) => [name, { usual: ratio(name, 'usual'), fresh: ratio(name, 'fresh') }])),
      runs: runs.length,
    },
    tables: [{
      title: `CPU per hit at ${rate} hits/s (µs, medians; ratio: bare's CPU over footfall's and its redis-server's)`,
      header: ['target', 'usual: server', 'main thread', 'redis', 'ratio', 'every hit new: server', 'main thread', 'redis', 'ratio', 'err %'],
      rows: names.map((name) => {
        const t = perTarget[name]!;
        const bare = name === 'bare';
        const row = [cell(t.usualServerUs), cell(t.usualMainUs), cell(t.usualRedisUs), bare ? 1 : ratio(name, 'usual'), cell(t.freshServerUs), cell(t.freshMainUs), cell(t.freshRedisUs), bare ? 1 : ratio(name, 'fresh')];
        return [name, ...row, Math.max(t.usualErrorPercent ?? 0, t.freshErrorPercent ?? 0)];
      }),
    }],
    targets: checks,
  };
}
