// Prints the latest results (bench/results/*.json) as Markdown tables, for docs/BENCHMARKS.md.
//
//   node bench/tables.ts [converge|at-rest|latency|memory|soak ...]   (default: all)
import { existsSync, readFileSync } from 'node:fs';
import { fmt, RESULTS_DIR } from './lib/report.ts';

type Json = Record<string, any>;
const load = (name: string): Json | undefined => (existsSync(`${RESULTS_DIR}${name}.json`) ? JSON.parse(readFileSync(`${RESULTS_DIR}${name}.json`, 'utf8')) : undefined);
const cell = (v: unknown) => (typeof v === 'number' ? fmt(v) : String(v ?? ''));
function table(rows: Array<Record<string, unknown>>): string {
  const cols = Object.keys(rows[0] ?? {});
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`)].join('\n');
}
const machine = (r: Json) => `_${r.machine.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.nproc} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, load average ${r.machine.loadavg1m}, CPU busy ~${Math.round(100 * (r.machine.machineBusyShare ?? NaN))}% (/proc/stat, sampled around the run)_`;
const out: string[] = [];
const wanted = process.argv.slice(2);
const want = (name: string) => wanted.length === 0 || wanted.includes(name);

const c = want('converge') ? load('converge') : undefined;
if (c) {
  out.push(machine(c), '', table(c.runs.map((r: Json) => ({
    scenario: r.scenario === 'quotas' ? 'default quotas (1 Put/s)' : 'quotas off',
    'all Ready (s)': r.seconds,
    'floor (s)': r.floorSeconds,
    floor: r.scenario === 'quotas' ? 'N / 1 TPS' : 'API server: create N + write N statuses',
    'ratio': r.ratio,
    ThrottlingException: r.throttlingExceptions,
    PutIntegration: r.putCalls,
  }))), '', `API server floor: create ${fmt(c.apiServerFloor.createSeconds)} s + status ${fmt(c.apiServerFloor.statusSeconds)} s.`, '');
}
const a = want('at-rest') ? load('at-rest') : undefined;
if (a) {
  out.push(`${a.n} resources in ${a.domains} domains, ${a.polls} poll intervals of ${a.pollIntervalSeconds} s. ${machine(a)}`, '', table([
    { measure: 'AWS writes (Put/Delete/Tag/Untag)', value: a.awsWrites, target: '0' },
    { measure: 'API server writes, watch MODIFIED events', value: a.apiServerWrites.watchModified, target: '0' },
    { measure: 'API server writes, apiserver_request_total (resources)', value: a.apiServerWrites.customResources, target: '0' },
    { measure: 'API server writes, apiserver_request_total (Events)', value: a.apiServerWrites.events, target: '0' },
    { measure: 'AWS reads', value: `${a.awsReads} (${Object.entries(a.awsCallsByOperation).map(([k, v]) => `${k} ${v}`).join(', ')})`, target: '' },
    { measure: 'AWS reads per domain per poll', value: a.readsPerDomainPerPoll, target: '~1' },
    { measure: `controller CPU seconds in ${a.windowSeconds} s`, value: a.controllerCpuSeconds, target: '' },
    { measure: 'controller RSS (MiB)', value: a.controllerRssMiB, target: '' },
  ]), '');
}
const l = want('latency') ? load('latency') : undefined;
if (l) {
  const row = (span: string, s: Json, target = '') => ({ span, 'p50 (ms)': s.p50, 'p90 (ms)': s.p90, 'p99 (ms)': s.p99, 'max (ms)': s.max, target });
  out.push(`${l.trials} trials. ${machine(l)}`, '', table([
    row('create -> Ready=True (watch event)', l.totalMs, 'p50 < 1000, p99 < 2000'),
    row('create -> PutIntegration at AWS', l.createToPutMs),
    row('PutIntegration -> Ready=True', l.putToReadyMs),
  ]), '', ...(l.warmup ?? []).map((w: Json) => `The first resource after the controller started, left out of the table above: ${fmt(w.totalMs)} ms (create -> Put at AWS ${fmt(w.toPutMs)} ms).`), '');
}
const m = want('memory') ? load('memory') : undefined;
if (m) {
  out.push(`Controller: ${m.runs}, ${Object.entries(m.env ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}. ${machine(m)}`, '', table(m.steps.map((s: Json) => ({
    resources: s.resources, domains: s.domains, 'peak RSS during the burst (MiB)': s.burstPeakMiB, 'RSS settled after it (MiB)': s.rssMiB,
    'V8 heap used / total (MiB)': `${fmt(s.heapUsedMiB)} / ${fmt(s.heapTotalMiB)}`, 'RSS restarted (MiB)': s.restart.rssMiB,
    'all Ready after (s)': s.readySeconds, 'burst CPU (s)': s.burstCpuSeconds,
  }))), '', table(m.steps.map((s: Json) => ({
    resources: s.resources, 'restart: all re-verified after (s)': s.restart.seconds, ListIntegrations: s.restart.listIntegrations, GetIntegration: s.restart.getIntegration,
    'AWS writes': s.restart.awsWrites, 'API-server writes': s.restart.apiServerWrites,
  }))), '', ...(m.afterDelete ? [`After deleting all of them (${fmt(m.afterDelete.seconds)} s): RSS ${fmt(m.afterDelete.rssMiB)} MiB, peak ${fmt(m.afterDelete.peakMiB)} MiB.`, ''] : []));
}
const s = want('soak') ? load('soak') : undefined;
if (s) {
  const f = s.figures;
  out.push(`${s.options.minutes} minutes of chaos, ${s.options.slots} slots in ${s.options.domains} domains, seed ${s.options.seed}. ${machine(s)}`, '', table([
    { figure: 'user creates / spec edits / tag edits / deletes', value: `${f.workload.creates} / ${f.workload.specEdits} / ${f.workload.tagEdits} / ${f.workload.deletes}` },
    { figure: 'user calls that failed (API server down)', value: f.workload.failedCalls },
    { figure: 'AWS requests during the chaos / whole run', value: `${f.awsRequestsDuringChaos} / ${f.awsRequests}` },
    { figure: 'injected ThrottlingException / 500 (share of chaos requests)', value: `${f.injectedThrottles} (${fmt((100 * f.injectedThrottles) / f.awsRequestsDuringChaos)}%) / ${f.injected5xx} (${fmt((100 * f.injected5xx) / f.awsRequestsDuringChaos)}%)` },
    { figure: 'API server restarts / leader SIGKILLs', value: `${f.apiServerRestarts} / ${f.leaderKills}` },
    { figure: 'replica starts / Lease holder changes', value: `${f.replicaStarts} / ${f.leaseHolderChanges}` },
    { figure: 'settle time after the chaos, faults off (s)', value: f.settleSeconds },
    { figure: 'live resources at the end', value: f.liveResources },
  ]), '', table(s.checks.map((c: Json) => ({ invariant: c.name, result: c.ok ? 'holds' : `FAILED (${c.violations.length})`, figures: Object.entries(c.figures).map(([k, v]) => `${k} ${v}`).join(', ') }))), '');
}
process.stdout.write(`${out.join('\n')}\n`);
