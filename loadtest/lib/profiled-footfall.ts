/**
 * footfall for a scenario, under `node --cpu-prof` when the bench runs with --profile: stopping
 * it (SIGTERM: footfall exits cleanly, so V8 writes the profile) yields the profile's summary.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { summariseProfile, type ProfileSummary } from './cpu-profile.js';
import type { ScenarioContext } from './scenario.js';
import { ROOT, startFootfall, type FootfallOptions, type Target } from './servers.js';

export interface ProfiledTarget extends Target {
  /** Stops footfall; with --profile, returns the summary of its CPU profile. */
  finish(): Promise<ProfileSummary | undefined>;
}

export async function startScenarioFootfall(
  context: ScenarioContext,
  profileName: string,
  options: Omit<FootfallOptions, 'runtime' | 'cpuProfDir' | 'profileName'>,
): Promise<ProfiledTarget> {
  const dir = path.resolve(ROOT, context.options.profileDir);
  const name = `${profileName}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (context.options.profile) mkdirSync(dir, { recursive: true });
  const target = await startFootfall({
    ...options,
    runtime: context.runtime,
    ...(context.options.profile ? { cpuProfDir: dir, profileName: name } : {}),
  });
  return {
    ...target,
    async finish() {
      await target.stop();
      const file = path.join(dir, `${name}.cpuprofile`);
      if (!context.options.profile || !existsSync(file)) return undefined;
      return { ...summariseProfile(file), file: path.relative(ROOT, file) };
    },
  };
}
