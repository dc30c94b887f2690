/**
 * ingest: `POST /api/v1/hit` at saturation (closed loop, N keep-alive connections), then at a
 * fixed 50 % of that rate (open loop: p50/p99 counted from when each request was due), on
 * footfall (each store) and on the bare `node:http` ceiling, one after the other in each run.
 * Then saturated again with every hit a visitor never seen before (the worst honest case: an id,
 * sources and budgets for each). The ratio footfall / bare is taken within each run, then the
 * median over runs.
 */
import { hitRequest, runPhase, type PhaseResult } from '../lib/load.js';
import { compareWithBare, ratiosToBare } from '../lib/compare-with-bare.js';
import type { Scenario, ScenarioReport, TargetCheck } from '../lib/scenario.js';
import { median } from '../lib/stats.js';

interface TargetRun {
  saturated: PhaseResult;
  fixed: PhaseResult;
  /** Saturated again, every hit a visitor never seen before. */
  fresh: PhaseResult;
}

const P99_LIMIT_MS = 20;
const RATIO_TARGET = 0.4;
const RATIO_AIM = 0.6;
const ERROR_LIMIT_PERCENT = 1;

export const ingest: Scenario = async (context) => {
  const { options, log } = context;
  const { names, variants, runs, profiles } = await compareWithBare<TargetRun>(context, 'ingest', async (target, run) => {
    const phase = { port: target.port, connections: options.connections, warmupS: options.warmupS, durationS: options.durationS, serverPid: target.pid };
    const saturated = await runPhase({ ...phase, request: hitRequest(run + 1) });
    const rate = Math.max(1, Math.round(saturated.okRps / 2));
    const fixed = await runPhase({ ...phase, rate, request: hitRequest(run + 101) });
    const fresh = await runPhase({ ...phase, request: hitRequest(run + 201, 30_000, true) });
    log(`ingest run ${run + 1}/${options.runs} ${target.name}: ${saturated.okRps} req/s saturated, p99 ${fixed.latencyMs.p99} ms at ${rate} req/s, ${fresh.okRps} req/s all new visitors`);
    return { saturated, fixed, fresh };
  });
  return report(runs, names, variants, options.stores, profiles);
};

/** `variants`: every footfall measured; `stores`: this tree's, the ones the targets are checked on. */
function report(runs: Array<Map<string, TargetRun>>, names: string[], variants: string[], stores: string[], profiles: ScenarioReport['profiles']): ScenarioReport {
  const pick = (name: string, f: (run: TargetRun) => number) => median(runs.map((r) => f(r.get(name)!)));
  const perTarget: Record<string, unknown> = {};
  for (const name of names) {
    perTarget[name] = {
      saturatedRps: pick(name, (r) => r.saturated.okRps),
      saturatedP99Ms: pick(name, (r) => r.saturated.latencyMs.p99),
      saturatedErrorPercent: pick(name, (r) => r.saturated.errorPercent),
      serverCpuPercentSaturated: pick(name, (r) => r.saturated.serverCpuPercent ?? Number.NaN),
      // Near 100 %: the event loop is what binds, whatever the other core does.
      serverMainCpuPercentSaturated: pick(name, (r) => r.saturated.serverMainCpuPercent ?? Number.NaN),
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
      freshSaturatedRps: pick(name, (r) => r.fresh.okRps),
      freshErrorPercent: pick(name, (r) => r.fresh.errorPercent),
      freshStatuses: runs[0]!.get(name)!.fresh.statuses,
    };
  }
  const { ratioRuns, ratios, cpuRatios } = ratiosToBare(runs, variants, (run) => run.saturated);
  const fresh = ratiosToBare(runs, variants, (run) => run.fresh);
  const targets: TargetCheck[] = [];
  for (const store of stores) {
    const name = `footfall-${store}`;
    const t = perTarget[name] as Record<string, number>;
    targets.push(
      { id: `ingest.${store}.ratio`, target: `≥ ${RATIO_TARGET} × bare req/s (aim ${RATIO_AIM})`, measured: ratios[store]!, pass: ratios[store]! >= RATIO_TARGET },
      { id: `ingest.${store}.fresh_ratio`, target: `every hit a new visitor: ≥ ${RATIO_TARGET} × bare req/s`, measured: fresh.ratios[store]!, pass: fresh.ratios[store]! >= RATIO_TARGET },
      {
        id: `ingest.${store}.fresh_errors`,
        target: `errors < ${ERROR_LIMIT_PERCENT} %, every hit a new visitor`,
        measured: t.freshErrorPercent!,
        unit: '%',
        pass: t.freshErrorPercent! < ERROR_LIMIT_PERCENT,
      },
      { id: `ingest.${store}.p99_at_50pct`, target: `p99 ≤ ${P99_LIMIT_MS} ms at 50 % load`, measured: t.fixedP99Ms!, unit: 'ms', pass: t.fixedP99Ms! <= P99_LIMIT_MS },
      { id: `ingest.${store}.errors`, target: `errors < ${ERROR_LIMIT_PERCENT} %`, measured: Math.max(t.saturatedErrorPercent!, t.fixedErrorPercent!), unit: '%', pass: Math.max(t.saturatedErrorPercent!, t.fixedErrorPercent!) < ERROR_LIMIT_PERCENT },
    );
  }
  const rows = names.map((name) => {
    const t = perTarget[name] as Record<string, number>;
    const store = name.replace('footfall-', '');
    const bare = name === 'bare';
    return [name, bare ? 1 : ratios[store]!, bare ? 1 : cpuRatios[store]!, t.saturatedRps!, t.serverCpuPercentSaturated!, t.serverMainCpuPercentSaturated!, t.fixedRate!, t.fixedP50Ms!, t.fixedP99Ms!, t.fixedErrorPercent!, bare ? 1 : fresh.ratios[store]!, t.freshSaturatedRps!];
  });
  return {
    result: { ratioToBare: ratios, ratioRuns, cpuEfficiencyRatioToBare: cpuRatios, freshRatioToBare: fresh.ratios, freshRatioRuns: fresh.ratioRuns, targets: perTarget, runs: runs.length },
    tables: [{ header: ['target', 'ratio', 'CPU-eff. ratio', 'req/s sat.', 'srv CPU %', 'main thread %', 'rate 50%', 'p50 ms', 'p99 ms', 'err %', 'new-visitor ratio', 'new-visitor req/s'], rows }],
    targets,
    ...(profiles && profiles.length > 0 ? { profiles } : {}),
  };
}
