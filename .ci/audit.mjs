// Fails CI when a production dependency has a known vulnerability rated high or critical.
// Where the registry offers no audit endpoint (some mirrors answer 405), says so loudly and
// does not fail: an audit that cannot run is not a passed audit, and the log shows which.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`ci: npm audit gave no report (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.error(`ci: WARNING npm audit could not run against this registry (${report.message ?? report.error?.summary ?? 'no report'}); dependencies NOT audited.`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`ci: npm audit --omit=dev: ${JSON.stringify(counts)}`);
if (serious > 0) {
  console.error('ci: production dependencies have high or critical vulnerabilities; run `npm audit --omit=dev` for details.');
  process.exit(1);
}
