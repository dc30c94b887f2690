/**
 * reads: `GET /api/v1/sites/:site/counts` at saturation on footfall (each store; served from
 * the per-instance counts cache) and the bare `node:http` ceiling answering a counts-sized JSON.
 * The ratio footfall / bare is taken within each run, then the median over runs.
 */
import { countsRequest, hitRequest, runPhase, type PhaseResult } from '../lib/load.js';
import { compareWithBare, ratiosToBare } from '../lib/compare-with-bare.js';
import type { Scenario, TargetCheck } from '../lib/scenario.js';
import { median } from '../lib/stats.js';

const RATIO_TARGET = 0.8;

export const reads: Scenario = async (context) => {
  const { options, log } = context;
  const { names, variants, runs, profiles } = await compareWithBare<PhaseResult>(
    context,
    'reads',
    async (target, run) => {
      const result = await runPhase({
        port: target.port,
        connections: options.connections,
        warmupS: options.warmupS,
        durationS: options.durationS,
        request: countsRequest(),
        serverPid: target.pid,
      });
      log(`reads run ${run + 1}/${options.runs} ${target.name}: ${result.okRps} req/s`);
      return result;
    },
    // Some figures to read: two seconds of hits at 1,000/s.
    (footfall) => runPhase({ port: footfall.port, connections: 8, warmupS: 0, durationS: 2, rate: 1000, request: hitRequest(7) }).then(() => undefined),
  );
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
  const { ratioRuns, ratios, cpuRatios } = ratiosToBare(runs, variants, (result) => result);
  const checks: TargetCheck[] = [];
  for (const store of options.stores) {
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
};
