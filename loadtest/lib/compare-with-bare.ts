/**
 * The shape shared by the scenarios that compare footfall with the bare `node:http` ceiling:
 * start bare and footfall on each store (each on a fresh redis-server of its own when asked),
 * measure every target in every run — order rotated per run, so drift on a shared machine
 * favours none — collect the CPU profiles, stop everything, and take ratios to bare within each
 * run. With `--against REF`, that commit's footfall runs beside this tree's, in the same runs.
 */
import type { ProfileSummary } from './cpu-profile.js';
import type { PhaseResult } from './load.js';
import { startScenarioFootfall, type ProfiledTarget } from './profiled-footfall.js';
import type { ScenarioContext } from './scenario.js';
import { buildAgainst, startBare, startBenchRedis, type Target } from './servers.js';
import { median, round } from './stats.js';

/** A measured target; a footfall on Redis names the redis-server it alone uses. */
export interface ComparedTarget extends Target {
  readonly redisPid?: number;
}

export interface Comparison<R> {
  /** Target names: `bare`, then `footfall-<variant>` per variant. */
  names: string[];
  /** What follows `footfall-`: the store, and the store `@commit` of `--against`. */
  variants: string[];
  /** Per run: target name → what `measure` returned. */
  runs: Array<Map<string, R>>;
  profiles: ProfileSummary[];
}

export async function compareWithBare<R>(
  context: ScenarioContext,
  scenario: string,
  measure: (target: ComparedTarget, run: number) => Promise<R>,
  prepare?: (footfall: ComparedTarget) => Promise<void>,
): Promise<Comparison<R>> {
  const { options } = context;
  const against = options.against === undefined ? undefined : buildAgainst(options.against);
  if (against) context.log(`${scenario}: --against ${options.against} runs as ${against.label}`);
  const builds = [{ label: '', main: undefined as string | undefined }, ...(against ? [against] : [])];
  const targets: ComparedTarget[] = [];
  const footfalls: ProfiledTarget[] = [];
  const redises: Array<{ stop(): Promise<void> }> = [];
  try {
    targets.push(await startBare());
    for (const build of builds) {
      for (const store of options.stores) {
        const redis = store === 'redis' ? await startBenchRedis() : undefined;
        if (redis) redises.push(redis);
        const footfall = await startScenarioFootfall(context, `${scenario}-${store}${build.label}`, {
          store,
          ...(redis ? { redisUrl: redis.url } : {}),
          ...(build.main === undefined ? {} : { main: build.main }),
        });
        footfalls.push(footfall);
        const target = { ...footfall, name: `${footfall.name}${build.label}`, ...(redis ? { redisPid: redis.pid } : {}) };
        targets.push(target);
        await prepare?.(target);
      }
    }
    const runs: Array<Map<string, R>> = [];
    for (let run = 0; run < options.runs; run++) {
      const results = new Map<string, R>();
      for (const target of targets.map((_, i) => targets[(i + run) % targets.length]!)) results.set(target.name, await measure(target, run));
      runs.push(results);
    }
    const profiles: ProfileSummary[] = [];
    for (const footfall of footfalls) {
      const summary = await footfall.finish();
      if (summary) profiles.push(summary);
    }
    const names = targets.map((target) => target.name);
    return { names, variants: names.slice(1).map((name) => name.replace(/^footfall-/, '')), runs, profiles };
  } finally {
    for (const target of targets) await target.stop();
    for (const redis of redises) await redis.stop();
  }
}

/**
 * Per variant: footfall's req/s over bare's in each run, their median, and the same per core
 * of each server's own CPU (steadier when other work takes CPU from the servers).
 */
export function ratiosToBare<R>(runs: Array<Map<string, R>>, variants: string[], phase: (result: R) => PhaseResult) {
  const ratioRuns: Record<string, number[]> = {};
  const ratios: Record<string, number> = {};
  const cpuRatios: Record<string, number> = {};
  const rps = (run: Map<string, R>, name: string) => phase(run.get(name)!).okRps;
  const perCore = (run: Map<string, R>, name: string) => rps(run, name) / (phase(run.get(name)!).serverCpuPercent ?? Number.NaN);
  for (const variant of variants) {
    const name = `footfall-${variant}`;
    ratioRuns[variant] = runs.map((run) => round(rps(run, name) / rps(run, 'bare'), 3));
    ratios[variant] = round(median(ratioRuns[variant]!), 3);
    cpuRatios[variant] = round(median(runs.map((run) => perCore(run, name) / perCore(run, 'bare'))), 3);
  }
  return { ratioRuns, ratios, cpuRatios };
}
