/**
 * Mocha root hooks (loaded via `.mocharc.json` "require"). Each test names the site ids it
 * makes (counting.ts). Whatever a test left running
 * (redis-server, node servers, redis-cli) is SIGKILLed after the run; the exit/signal
 * hooks in child-processes.ts cover runs that end before this hook gets to run.
 */
import { killAll, trackedChildren } from './child-processes.js';
import { startTest } from './counting.js';

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    startTest(this.currentTest?.fullTitle() ?? 'unnamed test');
  },
  async afterAll(): Promise<void> {
    const leaked = trackedChildren().map((c) => `${c.pid} (${c.spawnfile})`);
    if (leaked.length > 0) console.warn(`[test support] killing leaked child processes: ${leaked.join(', ')}`);
    await killAll('SIGKILL');
  },
};
