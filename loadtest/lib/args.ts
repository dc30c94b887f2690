/**
 * Command-line flags of `npm run bench`, parsed once into a frozen options object. A bad flag
 * stops the run with what is allowed.
 */

export const SCENARIOS = ['ingest', 'hit-cost', 'reads', 'store-cost', 'live', 'memory', 'subscriptions', 'topology', 'fanout', 'ceiling'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export const STORES = ['sqlite', 'redis'] as const;
export type StoreName = (typeof STORES)[number];

export interface BenchOptions {
  scenarios: ScenarioName[];
  stores: StoreName[];
  /** Runs per scenario; figures are medians over them. */
  runs: number;
  /** Seconds of each measured load phase (saturation, fixed rate). */
  durationS: number;
  /** Seconds of unmeasured load before each phase (connections, JIT, caches). */
  warmupS: number;
  /** Keep-alive connections of the HTTP load generator. */
  connections: number;
  /** Live clients per tier. */
  liveClients: number[];
  /** Store of the live scenario's server. */
  liveStore: StoreName;
  /** Seconds over which the idle CPU of the live server is read. */
  idleS: number;
  /** Hits whose delay to every client is measured, per tier and run. */
  liveSamples: number;
  /** Hits per second sent while broadcasts run (live scenario). */
  liveIngestRate: number;
  /** Simulated hits and visitors of the busy day (memory scenario). */
  dayHits: number;
  dayVisitors: number;
  /** Simulated days of history and hits per day (memory scenario). */
  historyDays: number;
  historyHitsPerDay: number;
  /** Simulated instances per tier of the fanout scenario. */
  fanoutInstances: number[];
  /** Sites each simulated instance writes per flush (fanout scenario). */
  fanoutSitesPerFlush: number;
  /** Hits per second of the hit-cost scenario (below saturation). */
  hitRate: number;
  /** A commit that ingest, reads and hit-cost also measure, beside the tree as it is. */
  against?: string;
  /** Run footfall under `node --cpu-prof` and summarise the profile. */
  profile: boolean;
  /** Directory for .cpuprofile files (gitignored by *.cpuprofile). */
  profileDir: string;
  /** Run footfall with tsx from src/ instead of building dist/bench with tsc. */
  tsx: boolean;
  quick: boolean;
}

const HELP = `npm run bench -- [flags]
  --scenarios a,b       ${SCENARIOS.join(',')} (default: all)
  --stores a,b          ${STORES.join(',')} (default: both)
  --runs N              runs per scenario, figures are medians (default 3; quick 1)
  --duration S          seconds per measured load phase (default 10; quick 2)
  --warmup S            seconds of unmeasured load before each phase (default 2; quick 1)
  --connections N       HTTP keep-alive connections of the load generator (default 32)
  --live-clients a,b    live clients per tier (default 1000,5000,10000,20000; quick 1000)
  --live-store s        store of the live server (default sqlite)
  --idle S              seconds of idle CPU reading (default 10; quick 3)
  --live-samples N      hits timed to every client per tier and run (default 5; quick 2)
  --live-ingest-rate R  hits/s sent while broadcasts run (default 1000)
  --day-hits N          busy-day hits (default 100000), --day-visitors N (default 30000)
  --history-days N      days of history (default 400), --history-hits N per day (default 300; quick 50)
  --fanout-instances a,b  simulated instances per fanout tier (default 3,10,30; quick 3,10)
  --fanout-sites-per-flush N  sites each simulated instance writes per 50 ms flush (default 50)
  --hit-rate R          hits/s of the hit-cost scenario (default 4000; quick 2000)
  --against REF         ingest, reads and hit-cost also measure commit REF (same dependencies)
  --profile             run footfall under node --cpu-prof, summarise top self time
  --profile-dir D       where .cpuprofile files go (default loadtest/profiles)
  --tsx                 run footfall from src/ through tsx instead of a tsc build
  --quick               short everything: the whole bench in under two minutes`;

const FLAGS = [
  'scenarios', 'stores', 'runs', 'duration', 'warmup', 'connections', 'live-clients', 'live-store', 'idle', 'live-samples',
  'live-ingest-rate', 'day-hits', 'day-visitors', 'history-days', 'history-hits', 'fanout-instances', 'fanout-sites-per-flush', 'hit-rate', 'against', 'profile', 'profile-dir', 'tsx', 'quick',
];

function list<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`${flag}: "${item}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

function positive(flag: string, raw: string | undefined, integer = true): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} needs a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  }
  return value;
}

/** Parses `argv` (without node and the script). Throws with a usage line on a bad flag. */
export function parseArgs(argv: readonly string[]): Readonly<BenchOptions> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new Error(HELP);
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n${HELP}`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!FLAGS.includes(name)) throw new Error(`unknown flag --${name}\n${HELP}`);
    const boolean = ['quick', 'profile', 'tsx'].includes(name);
    const value = eq >= 0 ? arg.slice(eq + 1) : boolean ? 'true' : argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${HELP}`);
    flags.set(name, value);
  }
  const quick = flags.get('quick') === 'true';
  const options: BenchOptions = {
    scenarios: [...SCENARIOS],
    stores: [...STORES],
    runs: quick ? 1 : 3,
    durationS: quick ? 2 : 10,
    warmupS: quick ? 1 : 2,
    connections: 32,
    liveClients: quick ? [1000] : [1000, 5000, 10000, 20000],
    liveStore: 'sqlite',
    idleS: quick ? 3 : 10,
    liveSamples: quick ? 2 : 5,
    liveIngestRate: 1000,
    dayHits: 100_000,
    dayVisitors: 30_000,
    historyDays: 400,
    historyHitsPerDay: quick ? 50 : 300,
    fanoutInstances: quick ? [3, 10] : [3, 10, 30],
    fanoutSitesPerFlush: 50,
    hitRate: quick ? 2000 : 4000,
    profile: false,
    profileDir: 'loadtest/profiles',
    tsx: false,
    quick,
  };
  for (const [name, value] of flags) {
    switch (name) {
      case 'quick': break;
      case 'scenarios': options.scenarios = list('--scenarios', value, SCENARIOS); break;
      case 'stores': options.stores = list('--stores', value, STORES); break;
      case 'runs': options.runs = positive('--runs', value); break;
      case 'duration': options.durationS = positive('--duration', value, false); break;
      case 'warmup': options.warmupS = Number(value) === 0 ? 0 : positive('--warmup', value, false); break;
      case 'connections': options.connections = positive('--connections', value); break;
      case 'live-clients': options.liveClients = value.split(',').map((n) => positive('--live-clients', n)); break;
      case 'live-store': options.liveStore = list('--live-store', value, STORES)[0] ?? 'sqlite'; break;
      case 'idle': options.idleS = positive('--idle', value, false); break;
      case 'live-samples': options.liveSamples = positive('--live-samples', value); break;
      case 'live-ingest-rate': options.liveIngestRate = positive('--live-ingest-rate', value); break;
      case 'day-hits': options.dayHits = positive('--day-hits', value); break;
      case 'day-visitors': options.dayVisitors = positive('--day-visitors', value); break;
      case 'history-days': options.historyDays = positive('--history-days', value); break;
      case 'history-hits': options.historyHitsPerDay = positive('--history-hits', value); break;
      case 'fanout-instances': options.fanoutInstances = value.split(',').map((n) => positive('--fanout-instances', n)); break;
      case 'fanout-sites-per-flush': options.fanoutSitesPerFlush = positive('--fanout-sites-per-flush', value); break;
      case 'hit-rate': options.hitRate = positive('--hit-rate', value); break;
      case 'against': options.against = value; break;
      case 'profile': options.profile = true; break;
      case 'profile-dir': options.profileDir = value; break;
      case 'tsx': options.tsx = true; break;
      default: throw new Error(`unknown flag --${name}\n${HELP}`);
    }
  }
  return Object.freeze(options);
}
