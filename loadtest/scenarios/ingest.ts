/**
 * ingest: `POST /api/v1/hit` at saturation (closed loop, N keep-alive connections), then at a
 * fixed 50 % of that rate (open loop: p50/p99 counted from when each request was due), on
 * footfall (each store) and on the bare `node:http` ceiling, one after the other in each run.
 * The ratio footfall / bare is taken within each run, then the median over runs.
 */
import { hitRequest, runPhase, type PhaseResult } from '../lib/load.js';
import { startScenarioFootfall, type ProfiledTarget } from '../lib/profiled-footfall.js';
import type { Scenario, ScenarioReport, TargetCheck } from '../lib/scenario.js';
import { startBare, startBenchRedis, type Target } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

interface TargetRun {
  saturated: PhaseResult;
  fixed: PhaseResult;
}

const P99_LIMIT_MS = 20;
const RATIO_TARGET = 0.4;
const RATIO_AIM = 0.6;
const ERROR_LIMIT_PERCENT = 1;

export const ingest: Scenario = async (context) => {
  const { options, log } = context;
  const redis = options.stores.includes('redis') ? await startBenchRedis() : undefined;
  const targets: Target[] = [];
  const footfalls: ProfiledTarget[] = [];
  try {
    targets.push(await startBare());
    for (const store of options.stores) {
      const footfall = await startScenarioFootfall(context, `ingest-${store}`, { store, ...(redis ? { redisUrl: redis.url } : {}) });
      footfalls.push(footfall);
      targets.push(footfall);
    }
    const runs: Array<Map<string, TargetRun>> = [];
    for (let run = 0; run < options.runs; run++) {
      const results = new Map<string, TargetRun>();
      // Rotate the order each run so that drift on a shared machine does not favour one target.
      const order = targets.map((_, i) => targets[(i + run) % targets.length]!);
      for (const target of order) {
        const phase = { port: target.port, connections: options.connections, warmupS: options.warmupS, durationS: options.durationS, serverPid: target.pid };
        const saturated = await runPhase({ ...phase, request: hitRequest(run + 1) });
        const rate = Math.max(1, Math.round(saturated.okRps / 2));
        const fixed = await runPhase({ ...phase, rate, request: hitRequest(run + 101) });
        results.set(target.name, { saturated, fixed });
        log(`ingest run ${run + 1}/${options.runs} ${target.name}: ${saturated.okRps} req/s saturated, p99 ${fixed.latencyMs.p99} ms at ${rate} req/s`);
      }
      runs.push(results);
    }
    const profiles = [];
    for (const footfall of footfalls) {
      const summary = await footfall.finish();
      if (summary) profiles.push(summary);
    }
    return report(runs, targets.map((t) => t.name), options.stores, profiles);
  } finally {
    for (const target of targets) await target.stop();
    await redis?.stop();
  }
};

function report(runs: Array<Map<string, TargetRun>>, names: string[], stores: string[], profiles: ScenarioReport['profiles']): ScenarioReport {
  const pick = (name: string, f: (run: TargetRun) => number) => median(runs.map((r) => f(r.get(name)!)));
  const perTarget: Record<string, unknown> = {};
  for (const name of names) {
    perTarget[name] = {
      saturatedRps: pick(name, (r) => r.saturated.okRps),
      saturatedP99Ms: pick(name, (r) => r.saturated.latencyMs.p99),
      saturatedErrorPercent: pick(name, (r) => r.saturated.errorPercent),
      serverCpuPercentSaturated: pick(name, (r) => r.saturated.serverCpuPercent ?? Number.NaN),
      // Requests per second of the server's own CPU: steadier than req/s when other work
      // on the machine takes CPU from the server.
      rpsPerServerCore: pick(name, (r) => r.saturated.okRps / ((r.saturated.serverCpuPercent ?? Number.NaN) / 100)),
      loadWorkerCpuPercent: pick(name, (r) => r.saturated.workerCpuPercent),
      fixedRate: pick(name, (r) => r.fixed.targetRate ?? Number.NaN),
      fixedAchievedRps: pick(name, (r) => r.fixed.okRps),
      fixedP50Ms: pick(name, (r) => r.fixed.latencyMs.p50),
      fixedP99Ms: pick(name, (r) => r.fixed.latencyMs.p99),
      fixedMaxMs: pick(name, (r) => r.fixed.latencyMs.max),
      fixedErrorPercent: pick(name, (r) => r.fixed.errorPercent),
      statuses: runs[0]!.get(name)!.saturated.statuses,
    };
  }
  const ratios: Record<string, number> = {};
  const ratioRuns: Record<string, number[]> = {};
  for (const store of stores) {
    const name = `footfall-${store}`;
    ratioRuns[store] = runs.map((r) => round(r.get(name)!.saturated.okRps / r.get('bare')!.saturated.okRps, 3));
    ratios[store] = round(median(ratioRuns[store]!), 3);
  }
  const cpuRatios: Record<string, number> = {};
  for (const store of stores) {
    const perCore = (run: Map<string, TargetRun>, name: string) => run.get(name)!.saturated.okRps / (run.get(name)!.saturated.serverCpuPercent ?? Number.NaN);
    cpuRatios[store] = round(median(runs.map((r) => perCore(r, `footfall-${store}`) / perCore(r, 'bare'))), 3);
  }
  const targets: TargetCheck[] = [];
  for (const store of stores) {
    const name = `footfall-${store}`;
    const t = perTarget[name] as Record<string, number>;
    targets.push(
      { id: `ingest.${store}.ratio`, target: `≥ ${RATIO_TARGET} × bare req/s (aim ${RATIO_AIM})`, measured: ratios[store]!, pass: ratios[store]! >= RATIO_TARGET },
      { id: `ingest.${store}.p99_at_50pct`, target: `p99 ≤ ${P99_LIMIT_MS} ms at 50 % load`, measured: t.fixedP99Ms!, unit: 'ms', pass: t.fixedP99Ms! <= P99_LIMIT_MS },
      { id: `ingest.${store}.errors`, target: `errors < ${ERROR_LIMIT_PERCENT} %`, measured: Math.max(t.saturatedErrorPercent!, t.fixedErrorPercent!), unit: '%', pass: Math.max(t.saturatedErrorPercent!, t.fixedErrorPercent!) < ERROR_LIMIT_PERCENT },
    );
  }
  const rows = names.map((name) => {
    const t = perTarget[name] as Record<string, number>;
    const store = name.replace('footfall-', '');
    return [name, name === 'bare' ? 1 : ratios[store]!, name === 'bare' ? 1 : cpuRatios[store]!, t.saturatedRps!, t.serverCpuPercentSaturated!, t.fixedRate!, t.fixedP50Ms!, t.fixedP99Ms!, t.fixedErrorPercent!];
  });
  return {
    result: { ratioToBare: ratios, ratioRuns, cpuEfficiencyRatioToBare: cpuRatios, targets: perTarget, runs: runs.length },
    tables: [{ header: ['target', 'ratio', 'CPU-eff. ratio', 'req/s sat.', 'srv CPU %', 'rate 50%', 'p50 ms', 'p99 ms', 'err %'], rows }],
    targets,
    ...(profiles && profiles.length > 0 ? { profiles } : {}),
  };
}
