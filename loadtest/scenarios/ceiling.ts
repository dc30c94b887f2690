/**
 * ceiling: what a few more microseconds of work per request cost on this machine. The bare
 * `node:http` server answers counts-sized GETs at saturation, as in `reads`, then again spinning
 * 5, 10, 20 and 40 µs more per request. If the extra work only added itself, the server's CPU
 * per request would grow by exactly that much; on a machine where the load generator shares
 * the cores, a slower server leaves the generator idle between answers, and every answer has to
 * wake it: the socket write costs more. The "amplification" is the CPU each added µs really
 * costs; it says how far a ratio to bare can move for a given saving in footfall's own code.
 */
import { countsRequest, runPhase } from '../lib/load.js';
import type { Scenario, ScenarioReport } from '../lib/scenario.js';
import { startBare } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

const EXTRA_US = [0, 5, 10, 20, 40];

interface Sample {
  rps: number;
  /** Server CPU per answered request, µs. */
  cpuUs: number;
}

export const ceiling: Scenario = async ({ options, log }) => {
  const samples = new Map<number, Sample[]>(EXTRA_US.map((extra) => [extra, []]));
  for (let run = 0; run < options.runs; run++) {
    // Rotated, so that a slow spell of the machine does not always fall on the same tier.
    const order = EXTRA_US.map((_, i) => EXTRA_US[(i + run) % EXTRA_US.length]!);
    for (const extra of order) {
      const bare = await startBare(extra);
      try {
        const result = await runPhase({ port: bare.port, connections: options.connections, warmupS: options.warmupS, durationS: options.durationS, request: countsRequest(), serverPid: bare.pid });
        const cpuUs = ((result.serverCpuPercent ?? Number.NaN) / 100) * 1e6 / result.okRps;
        samples.get(extra)!.push({ rps: result.okRps, cpuUs });
        log(`ceiling run ${run + 1}/${options.runs} bare + ${extra} µs: ${result.okRps} req/s, ${round(cpuUs, 1)} µs CPU per request`);
      } finally {
        await bare.stop();
      }
    }
  }
  const base = figures(samples.get(0)!);
  const tiers = EXTRA_US.map((extra) => {
    const { rps, cpuUs } = figures(samples.get(extra)!);
    return {
      extraUs: extra,
      rps,
      cpuUsPerRequest: round(cpuUs, 1),
      ratioToBare: round(rps / base.rps, 3),
      // What the ratio would be if the added work cost only itself.
      ratioIfLinear: round(base.cpuUs / (base.cpuUs + extra), 3),
      amplification: extra === 0 ? 1 : round((cpuUs - base.cpuUs) / extra, 2),
    };
  });
  const report: ScenarioReport = {
    result: { tiers, runs: options.runs },
    tables: [{
      header: ['extra µs', 'req/s', 'CPU µs/req', 'ratio to bare', 'ratio if linear', 'CPU per added µs'],
      rows: tiers.map((t) => [t.extraUs, t.rps, t.cpuUsPerRequest, t.ratioToBare, t.ratioIfLinear, t.amplification]),
    }],
    targets: [],
  };
  return report;
};

function figures(runs: Sample[]): Sample {
  return { rps: median(runs.map((r) => r.rps)), cpuUs: median(runs.map((r) => r.cpuUs)) };
}
