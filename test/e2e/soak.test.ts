// A two-minute fault-injection soak (issue 8): random creates, edits and deletes over 200
// resources while AWS throttles 20% and fails 5% of calls, the API server restarts twice and the
// leader is SIGKILLed twice, with a second replica standing by. It runs its own control plane
// (it restarts the API server). Once the faults stop it waits generously for the system to settle,
// then every invariant must hold. `npm run soak -- --minutes 30` is the long form.
import { describe, expect, it } from 'vitest';
import { printSoak } from '../../bench/soak/print.ts';
import { runSoak } from '../../bench/soak/run.ts';

describe('soak', () => {
  it('loses nothing and duplicates nothing under faults, restarts and failovers', async () => {
    const report = await runSoak({ minutes: 2, log: (line) => process.stderr.write(`[soak] ${line}\n`) });
    printSoak(report);
    const f = report.figures;
    // The chaos really happened.
    expect(f.apiServerRestarts).toBe(2);
    expect(f.leaderKills).toBe(2);
    expect(f.injectedThrottles).toBeGreaterThan(0);
    expect(f.injected5xx).toBeGreaterThan(0);
    expect(f.workload.creates).toBeGreaterThanOrEqual(200);
    expect(f.workload.specEdits).toBeGreaterThan(0);
    expect(f.workload.tagEdits).toBeGreaterThan(0);
    expect(f.workload.deletes).toBeGreaterThan(0);
    // And nothing broke: every invariant, with its violations as the failure message.
    for (const c of report.checks) expect(c.violations, c.name).toEqual([]);
    const writers = report.checks.find((c) => c.name.includes('leadership'))!.figures.writers!;
    expect(writers).toBeGreaterThanOrEqual(2); // the writes came from more than one leader over time
  }, 20 * 60_000);
});
