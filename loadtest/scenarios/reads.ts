/**
 * reads: `GET /api/v1/sites/:site/counts` at saturation on footfall (each store; served from
 * the per-instance counts cache) and the bare `node:http` ceiling answering a counts-sized JSON.
 * The ratio footfall / bare is taken within each run, then the median over runs.
 */
import { countsRequest, hitRequest, runPhase, type PhaseResult } from '../lib/load.js';
import { startScenarioFootfall, type ProfiledTarget } from '../lib/profiled-footfall.js';
import type { Scenario, TargetCheck } from '../lib/scenario.js';
import { startBare, startBenchRedis, type Target } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

const RATIO_TARGET = 0.8;

export const reads: Scenario = async (context) => {
  const { options, log } = context;
  const redis = options.stores.includes('redis') ? await startBenchRedis() : undefined;
  const targets: Target[] = [];
  const footfalls: ProfiledTarget[] = [];
  try {
    targets.push(await startBare());
    for (const store of options.stores) {
      const footfall = await startScenarioFootfall(context, `reads-${store}`, { store, ...(redis ? { redisUrl: redis.url } : {}) });
      footfalls.push(footfall);
      targets.push(footfall);
      // Some figures to read: two seconds of hits at 1,000/s.
      await runPhase({ port: footfall.port, connections: 8, warmupS: 0, durationS: 2, rate: 1000, request: hitRequest(7) });
    }
    const runs: Array<Map<string, PhaseResult>> = [];
    for (let run = 0; run < options.runs; run++) {
      const results = new Map<string, PhaseResult>();
      const order = targets.map((_, i) => targets[(i + run) % targets.length]!);
      for (const target of order) {
        const result = await runPhase({
          port: target.port,
          connections: options.connections,
          warmupS: options.warmupS,
          durationS: options.durationS,
          request: countsRequest(),
          serverPid: target.pid,
        });
        results.set(target.name, result);
        log(`reads run ${run + 1}/${options.runs} ${target.name}: ${result.okRps} req/s`);
      }
      runs.push(results);
    }
    const profiles = [];
    for (const footfall of footfalls) {
      const summary = await footfall.finish();
      if (summary) profiles.push(summary);
    }
    const names = targets.map((t) => t.name);
    const pick = (name: string, f: (r: PhaseResult) => number) => median(runs.map((r) => f(r.get(name)!)));
    const perTarget: Record<string, Record<string, number>> = {};
    for (const name of names) {
      perTarget[name] = {
        rps: pick(name, (r) => r.okRps),
        p50Ms: pick(name, (r) => r.latencyMs.p50),
        p99Ms: pick(name, (r) => r.latencyMs.p99),
        errorPercent: pick(name, (r) => r.errorPercent),
        serverCpuPercent: pick(name, (r) => r.serverCpuPercent ?? Number.NaN),
        rpsPerServerCore: pick(name, (r) => r.okRps / ((r.serverCpuPercent ?? Number.NaN) / 100)),
      };
    }
    const ratios: Record<string, number> = {};
    const ratioRuns: Record<string, number[]> = {};
    const cpuRatios: Record<string, number> = {};
    const checks: TargetCheck[] = [];
    for (const store of options.stores) {
      ratioRuns[store] = runs.map((r) => round(r.get(`footfall-${store}`)!.okRps / r.get('bare')!.okRps, 3));
      ratios[store] = round(median(ratioRuns[store]!), 3);
      const perCore = (r: Map<string, PhaseResult>, name: string) => r.get(name)!.okRps / (r.get(name)!.serverCpuPercent ?? Number.NaN);
      cpuRatios[store] = round(median(runs.map((r) => perCore(r, `footfall-${store}`) / perCore(r, 'bare'))), 3);
      checks.push({ id: `reads.${store}.ratio`, target: `≥ ${RATIO_TARGET} × bare req/s`, measured: ratios[store]!, pass: ratios[store]! >= RATIO_TARGET });
    }
    return {
      result: { ratioToBare: ratios, ratioRuns, cpuEfficiencyRatioToBare: cpuRatios, targets: perTarget, runs: runs.length },
      tables: [{
        header: ['target', 'ratio', 'CPU-eff. ratio', 'req/s', 'p50 ms', 'p99 ms', 'srv CPU %', 'err %'],
        rows: names.map((name) => {
          const t = perTarget[name]!;
          const store = name.replace('footfall-', '');
          return [name, name === 'bare' ? 1 : ratios[store]!, name === 'bare' ? 1 : cpuRatios[store]!, t.rps!, t.p50Ms!, t.p99Ms!, t.serverCpuPercent!, t.errorPercent!];
        }),
      }],
      targets: checks,
      ...(profiles.length > 0 ? { profiles } : {}),
    };
  } finally {
    for (const target of targets) await target.stop();
    await redis?.stop();
  }
};
