// How fast N new resources converge, against the floor that bounds it.
//
//   npm run bench:converge [-- --n 100]
//
// 1. Default quotas: the emulator enforces AWS's 1 PutIntegration per second, the controller runs
//    with its defaults. Floor: N / 1 TPS. Target: ratio <= 1.1 with zero ThrottlingException.
// 2. Quotas off: emulator --no-quotas, controller unpaced. Floor: the API server's own write path,
//    measured in the same run: create N objects, then write N statuses (merge patch on /status,
//    4 at a time like the controller's 4 workers) with nothing else running.
// Time runs from just before the first create to the watch event that shows the last one Ready.
import { parseArgs } from 'node:util';
import type { PrivateCluster as Cluster } from '../test/support/cluster.ts';
import { connectResources, domainsFor, inParallel } from './lib/cluster.ts';
import { machineBusy } from './lib/measure.ts';
import { log, printTable, writeResult } from './lib/report.ts';
import { startScenario, throttles, UNPACED, withCluster } from './lib/stack.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100' }, creators: { type: 'string', default: '16' } } });
const N = Number(values.n);
const CREATORS = Number(values.creators);
if (!Number.isInteger(N) || N < 1) throw new Error(`--n must be a positive integer, got ${values.n}`);

interface Run {
  scenario: string;
  n: number;
  seconds: number;
  floorSeconds: number;
  ratio: number;
  throttlingExceptions: number;
  putCalls: number;
  /** [seconds since start, resources Ready] */
  timeline: Array<[number, number]>;
}

async function converge(cluster: Cluster, name: string, emulatorArgs: string[], controllerArgs: string[], floorSeconds: number | (() => number)): Promise<Run> {
  const domains = domainsFor(N, 25);
  const s = await startScenario(cluster, { namespace: `converge-${name}`, emulatorArgs, domains });
  try {
    await s.startController(controllerArgs);
    const resources = connectResources(N, domains, { prefix: name === 'quotas' ? 1 : 2 });
    log(`${name}: creating ${N} resources across ${domains.length} domains, ${CREATORS} at a time`);
    const t0 = Date.now();
    await inParallel(resources, CREATORS, (r) => s.user.create(r));
    const created = Date.now();
    const progress = process.stderr.isTTY ? (k: number) => process.stderr.write(`\r  ${k}/${N} Ready after ${((Date.now() - t0) / 1000).toFixed(0)} s   `) : undefined;
    await s.watch.waitAllReady(N, Math.max(600_000, N * 5_000), progress);
    if (progress) process.stderr.write('\n');
    const events = s.watch.readyEvents.slice().sort((a, b) => a.at - b.at);
    const seconds = (events[events.length - 1]!.at - t0) / 1000;
    const timeline: Array<[number, number]> = [[0, 0], ...events.map((e, i) => [(e.at - t0) / 1000, i + 1] as [number, number])];
    const counters = await s.emulator.admin.counters();
    const floor = typeof floorSeconds === 'function' ? floorSeconds() : floorSeconds;
    log(`${name}: all created after ${((created - t0) / 1000).toFixed(1)} s, all Ready after ${seconds.toFixed(1)} s`);
    return {
      scenario: name, n: N, seconds, floorSeconds: floor, ratio: seconds / floor,
      throttlingExceptions: throttles(counters),
      putCalls: Object.values(counters.PutIntegration ?? {}).reduce((a, b) => a + b, 0),
      timeline,
    };
  } finally {
    await s.stop();
  }
}

/** Create N objects, then write N statuses, with no controller: the API server's write floor. */
async function apiServerFloor(cluster: Cluster): Promise<{ seconds: number; createSeconds: number; statusSeconds: number }> {
  const domains = domainsFor(N, 25);
  const s = await startScenario(cluster, { namespace: 'converge-floor', domains });
  try {
    const resources = connectResources(N, domains, { prefix: 3 });
    const t0 = Date.now();
    await inParallel(resources, CREATORS, (r) => s.user.create(r));
    const t1 = Date.now();
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await inParallel(resources, 4, (r) =>
      s.user.patchStatus(r.name, {
        observedGeneration: 1, uri: r.spec.uri, lastSyncTime: now,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'floor', observedGeneration: 1, lastTransitionTime: now }],
      }),
    );
    const t2 = Date.now();
    return { seconds: (t2 - t0) / 1000, createSeconds: (t1 - t0) / 1000, statusSeconds: (t2 - t1) / 1000 };
  } finally {
    await s.stop();
  }
}

await withCluster(async (cluster) => {
  const busyBefore = await machineBusy(2000);
  const quotas = await converge(cluster, 'quotas', [], [], N / 1);
  const floor = await apiServerFloor(cluster);
  log(`API server floor: ${floor.seconds.toFixed(2)} s (create ${floor.createSeconds.toFixed(2)} s + status ${floor.statusSeconds.toFixed(2)} s)`);
  const unpaced = await converge(cluster, 'no-quotas', ['--no-quotas'], UNPACED, floor.seconds);
  const busyAfter = await machineBusy(2000);

  const rows = [quotas, unpaced].map((r) => ({
    scenario: r.scenario === 'quotas' ? 'default quotas (1 Put/s)' : 'quotas off',
    N: r.n,
    'all Ready (s)': r.seconds,
    floor: r.scenario === 'quotas' ? `${r.floorSeconds} s (N / 1 TPS)` : `${r.floorSeconds.toFixed(2)} s (API server)`,
    ratio: r.ratio,
    ThrottlingException: r.throttlingExceptions,
    PutIntegration: r.putCalls,
  }));
  printTable(`converge: ${N} new resources`, rows);
  writeResult('converge', { n: N, creators: CREATORS, runs: [quotas, unpaced], apiServerFloor: floor }, { machineBusyShare: (busyBefore + busyAfter) / 2 });
});
