// The soak's figures and invariants as tables.
import { printTable } from '../lib/report.ts';
import type { SoakReport } from './run.ts';

export function printSoak(r: SoakReport): void {
  const f = r.figures;
  printTable(`soak: ${r.options.minutes} min of chaos, ${r.options.slots} slots in ${r.options.domains} domains (seed ${r.options.seed})`, [
    { figure: 'user creates / spec edits / tag edits / deletes', value: `${f.workload.creates} / ${f.workload.specEdits} / ${f.workload.tagEdits} / ${f.workload.deletes}` },
    { figure: 'user calls failed (API server down)', value: f.workload.failedCalls },
    { figure: 'AWS requests (all operations, whole run)', value: f.awsRequests },
    { figure: 'AWS requests during the chaos', value: f.awsRequestsDuringChaos },
    { figure: 'of which injected ThrottlingException / 500', value: `${f.injectedThrottles} (${pct(f.injectedThrottles, f.awsRequestsDuringChaos)}) / ${f.injected5xx} (${pct(f.injected5xx, f.awsRequestsDuringChaos)})` },
    { figure: 'API server restarts / leader SIGKILLs', value: `${f.apiServerRestarts} / ${f.leaderKills}` },
    { figure: 'replica starts / Lease holder changes', value: `${f.replicaStarts} / ${f.leaseHolderChanges}` },
    { figure: 'settle time after the chaos (faults off)', value: `${f.settleSeconds.toFixed(1)} s` },
    { figure: 'live resources at the end', value: f.liveResources },
    ...f.rss.map((x) => ({ figure: `RSS of ${x.identity}: a quarter in -> end`, value: `${x.startMiB} -> ${x.endMiB} MiB (${x.growthPct >= 0 ? '+' : ''}${x.growthPct} %)` })),
  ]);
  printTable('invariants', r.checks.map((c) => ({
    invariant: c.name,
    result: c.ok ? 'ok' : `FAILED (${c.violations.length})`,
    figures: Object.entries(c.figures).map(([k, v]) => `${k}=${v}`).join(' '),
  })));
  for (const c of r.checks.filter((x) => !x.ok)) {
    process.stdout.write(`\n${c.name}:\n${c.violations.map((v) => `  - ${v}`).join('\n')}\n`);
  }
}
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
