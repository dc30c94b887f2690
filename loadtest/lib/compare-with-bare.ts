/**
 * The shape shared by the scenarios that compare footfall with the bare `node:http` ceiling:
 * start bare and footfall on each store (a fresh redis-server when asked), measure every target
 * in every run — order rotated per run, so drift on a shared machine favours none — collect the
 * CPU profiles, stop everything, and take ratios to bare within each run.
 */
import type { ProfileSummary } from './cpu-profile.js';
import type { PhaseResult } from './load.js';
import { startScenarioFootfall, type ProfiledTarget } from './profiled-footfall.js';
import type { ScenarioContext } from './scenario.js';
import { startBare, startBenchRedis, type Target } from './servers.js';
import { median, round } from './stats.js';

export interface Comparison<R> {
  /** Target names: `bare`, then `footfall-<store>` per store. */
  names: string[];
  /** Per run: target name → what `measure` returned. */
  runs: Array<Map<string, R>>;
  profiles: ProfileSummary[];
}

export async function compareWithBare<R>(
  context: ScenarioContext,
  scenario: string,
  measure: (target: Target, run: number) => Promise<R>,
  prepare?: (footfall: ProfiledTarget) => Promise<void>,
): Promise<Comparison<R>> {
  const { options } = context;
  const redis = options.stores.includes('redis') ? await startBenchRedis() : undefined;
  const targets: Target[] = [];
  const footfalls: ProfiledTarget[] = [];
  try {
    targets.push(await startBare());
    for (const store of options.stores) {
      const footfall = await startScenarioFootfall(context, `${scenario}-${store}`, { store, ...(redis ? { redisUrl: redis.url } : {}) });
      footfalls.push(footfall);
      targets.push(footfall);
      await prepare?.(footfall);
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
    return { names: targets.map((target) => target.name), runs, profiles };
  } finally {
    for (const target of targets) await target.stop();
    await redis?.stop();
  }
}

/**
 * Per store: footfall's req/s over bare's in each run, their median, and the same per core of
 * each server's own CPU (steadier when other work takes CPU from the servers).
 */
export function ratiosToBare<R>(runs: Array<Map<string, R>>, stores: string[], phase: (result: R) => PhaseResult) {
  const ratioRuns: Record<string, number[]> = {};
  const ratios: Record<string, number> = {};
  const cpuRatios: Record<string, number> = {};
  const rps = (run: Map<string, R>, name: string) => phase(run.get(name)!).okRps;
  const perCore = (run: Map<string, R>, name: string) => rps(run, name) / (phase(run.get(name)!).serverCpuPercent ?? Number.NaN);
  for (const store of stores) {
    const name = `footfall-${store}`;
    ratioRuns[store] = runs.map((run) => round(rps(run, name) / rps(run, 'bare'), 3));
    ratios[store] = round(median(ratioRuns[store]!), 3);
    cpuRatios[store] = round(median(runs.map((run) => perCore(run, name) / perCore(run, 'bare'))), 3);
  }
  return { ratioRuns, ratios, cpuRatios };
}
