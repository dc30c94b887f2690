/** What every scenario file exports and returns, and the checks against the targets. */
import type { BenchOptions } from './args.js';
import type { ProfileSummary } from './cpu-profile.js';
import type { Runtime } from './servers.js';

export interface ScenarioContext {
  options: Readonly<BenchOptions>;
  runtime: Runtime;
  /** Progress for the operator, on stderr. */
  log(message: string): void;
}

/** One target of the issue with what was measured. */
export interface TargetCheck {
  id: string;
  target: string;
  measured: number | string;
  unit?: string;
  /** null: not measured in this run (scenario skipped or not applicable). */
  pass: boolean | null;
}

export interface ScenarioReport {
  /** Figures (medians over runs), as the JSON document carries them. */
  result: Record<string, unknown>;
  /** Tables for stderr: first cell a label, the rest values. */
  tables: Table[];
  targets: TargetCheck[];
  profiles?: ProfileSummary[];
}

export interface Table {
  title?: string;
  header: string[];
  rows: Array<Array<string | number>>;
}

export type Scenario = (context: ScenarioContext) => Promise<ScenarioReport>;
