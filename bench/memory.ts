// The controller's memory as the image runs it, with 0, 1,000 and 5,000 resources (50 per domain:
// 100 domains at 5,000), quotas off. Targets (issue J): RSS < 150 MiB settled after the 5,000
// converge and after a restart, peak RSS < 200 MiB during the creation burst, < 100 MiB idle.
//
//   npm run bench:memory [-- --steps 0,1000,5000] [--no-bundle] [--source]
//                        [--node-options="--max-old-space-size=160"] [--env MALLOC_ARENA_MAX=2] [--no-delete]
//
// By default the controller runs as in the image: dist/ compiled by tsc plus the production bundle
// (dist/cpi-run.mjs), which bin/cpi.js runs for `cpi run`, with the NODE_OPTIONS of
// deploy/base/deployment.yaml, and its MALLOC_* settings. --no-bundle runs the tsc output alone
// (the image before the bundle); --source runs the TypeScript sources through Node's type
// stripping. --node-options replaces the Deployment's NODE_OPTIONS ("" for none); --env K=V adds
// or replaces an environment variable (K= for empty).
//
// RSS (VmRSS of /proc/<pid>/status) is sampled once a second for the whole run. Each step:
// 1. Burst: the step's new resources are created by 16 concurrent clients; the controller (Manage
//    mode, unpaced: finalizer, Put, status) brings them to Ready. Peak = the largest sample from
//    the first create until every resource is Ready and nothing changed for 5 s.
// 2. Settled: then 15 samples, one a second; the median is reported.
// 3. Restart: a new controller process with the same resources, until it has reconciled each of
//    them (its restart cost: seconds, AWS reads, API-server writes, which should be 0), then 5 s,
//    then 15 samples (median).
// Finally (unless --no-delete) every resource is deleted (DeleteIntegration, finalizer removed) and
// the controller's RSS is measured once they are all gone.
import { parseArgs } from 'node:util';
import { PLURAL } from '../src/api/group.ts';
import { buildToTemp } from './lib/build.ts';
import { connectResources, domainsFor, inParallel } from './lib/cluster.ts';
import { apiServerMetrics, cpuSeconds, machineBusy, percentile, rssParts, sumRequests, WRITE_VERBS } from './lib/measure.ts';
import type { ControllerProcess } from '../test/support/cpi.ts';
import { log, printTable, writeResult } from './lib/report.ts';
import { RssSampler } from './lib/rss-sampler.ts';
import { callsByOperation, startScenario, UNPACED, withCluster } from './lib/stack.ts';
import { sleep, waitFor } from '../test/support/wait.ts';
import { deploymentMemoryEnv } from './lib/deployment-env.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '0,1000,5000' },
    'per-domain': { type: 'string', default: '50' },
    'node-options': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    bundle: { type: 'boolean', default: true },
    source: { type: 'boolean', default: false },
    delete: { type: 'boolean', default: true },
    out: { type: 'string', default: 'memory' },
    'heap-snapshots': { type: 'string' },
  },
  allowNegative: true,
});

const ENV: Record<string, string> = { ...deploymentMemoryEnv(), ...Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
if (values['node-options'] !== undefined) ENV.NODE_OPTIONS = values['node-options'];
// --heap-snapshots DIR: a V8 heap snapshot of the controller at each settled measurement, into DIR.
const SNAPSHOTS = values['heap-snapshots'];
const RUN_ENV = SNAPSHOTS ? { ...ENV, NODE_OPTIONS: `${ENV.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${SNAPSHOTS}`.trim() } : ENV;
if (!ENV.NODE_OPTIONS) delete ENV.NODE_OPTIONS;
const STEPS = values.steps.split(',').map(Number).sort((a, b) => a - b);
const MIB = 2 ** 20;
const runs = values.source ? 'from the TypeScript sources' : values.bundle ? 'the production bundle (dist/cpi-run.mjs, as in the image)' : 'compiled dist/ without the bundle';

/** The sum of every sample of a metric on the controller's /metrics, or undefined if absent. */
async function metricValue(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length ? lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0) : undefined;
}

/** The V8 heap (the controller's /metrics) and where the RSS is (/proc). */
async function heap(c: ControllerProcess) {
  const mib = async (name: string) => ((await metricValue(c.metricsUrl, name)) ?? NaN) / MIB;
  return { heapUsedMiB: await mib('cpi_nodejs_heap_size_used_bytes'), heapTotalMiB: await mib('cpi_nodejs_heap_size_total_bytes'), externalMiB: await mib('cpi_nodejs_external_memory_bytes'), ...rssParts(c.pid) };
}

/** 15 samples, one a second: the median. */
async function settledRss(sampler: RssSampler, phase: string, pid: number): Promise<number> {
  sampler.phase(phase);
  if (SNAPSHOTS) process.kill(pid, 'SIGUSR2'); // written synchronously, so the samples below follow it
  await sleep(15_000);
  sampler.sample();
  const rss = sampler.samples.filter((s) => s.phase === phase).map((s) => s.rssMiB).sort((a, b) => a - b);
  sampler.phase('between');
  return percentile(rss, 50);
}

interface StepRow {
  resources: number;
  domains: number;
  readySeconds: number;
  /** CPU time the controller spent from the first create until all were Ready and quiet. */
  burstCpuSeconds: number;
  burstPeakMiB: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  anonMiB: number;
  fileMiB: number;
  mallocHeapMiB: number;
  restart: { seconds: number; peakMiB: number; rssMiB: number; heapUsedMiB: number; mallocHeapMiB: number; listIntegrations: number; getIntegration: number; awsWrites: number; apiServerWrites: number };
}

await withCluster(async (cluster) => {
  const max = STEPS[STEPS.length - 1]!;
  const perDomain = Number(values['per-domain']);
  const domains = domainsFor(max, perDomain);
  const s = await startScenario(cluster, { namespace: 'memory', emulatorArgs: ['--no-quotas'], domains });
  const build = values.source ? undefined : buildToTemp({ bundle: values.bundle });
  let controller = await s.startController(UNPACED, RUN_ENV, build?.cli);
  const sampler = new RssSampler(controller.pid);
  try {
    const all = connectResources(max, domains, { prefix: 11 });
    const rows: StepRow[] = [];
    let created = 0;
    const busy = machineBusy(5000);
    const quiet = async () => {
      let seen = s.watch.modified;
      let since = Date.now();
      await waitFor(() => {
        if (s.watch.modified !== seen) [seen, since] = [s.watch.modified, Date.now()];
        return Date.now() - since >= 5000;
      }, { what: '5 s without a change', timeoutMs: 600_000, intervalMs: 200 });
    };
    for (const step of STEPS) {
      const burst = `burst ${step}`;
      sampler.phase(burst);
      const t0 = Date.now();
      const cpu0 = cpuSeconds(controller.pid);
      if (step > created) {
        log(`creating resources ${created}..${step - 1}`);
        await inParallel(all.slice(created, step), 16, (r) => s.user.create(r));
        created = step;
      }
      await s.watch.waitAllReady(step, 1_800_000);
      const readySeconds = (Date.now() - t0) / 1000;
      await quiet();
      const burstPeakMiB = sampler.peak(burst);
      const burstCpuSeconds = cpuSeconds(controller.pid) - cpu0;
      const rssMiB = await settledRss(sampler, `settled ${step}`, controller.pid);
      const h = await heap(controller);

      // A fresh controller with the same resources, until it has reconciled each of them.
      const counters0 = callsByOperation(await s.emulator.admin.counters());
      const metrics0 = await apiServerMetrics(cluster.admin);
      const restart = `restart ${step}`;
      await controller.stop();
      sampler.phase(restart);
      const t1 = Date.now();
      controller = await s.startController(UNPACED, RUN_ENV, build?.cli);
      sampler.follow(controller.pid);
      const c = controller;
      await waitFor(async () => ((await metricValue(c.metricsUrl, 'cpi_reconcile_total')) ?? 0) >= step && (await metricValue(c.metricsUrl, 'cpi_workqueue_depth')) === 0, { what: `the restarted controller to reconcile ${step} resources`, timeoutMs: 1_800_000, intervalMs: 250 });
      const restartSeconds = (Date.now() - t1) / 1000;
      await sleep(5000);
      const restartPeakMiB = sampler.peak(restart);
      const counters1 = callsByOperation(await s.emulator.admin.counters());
      const metrics1 = await apiServerMetrics(cluster.admin);
      const calls = (op: string) => (counters1[op] ?? 0) - (counters0[op] ?? 0);
      const writes = (resource: string) => sumRequests(metrics1, { resource }, WRITE_VERBS) - sumRequests(metrics0, { resource }, WRITE_VERBS);
      const rssAfter = await settledRss(sampler, `restarted ${step}`, controller.pid);
      const hAfter = await heap(controller);
      rows.push({
        resources: step, domains: new Set(all.slice(0, step).map((r) => r.spec.domainName)).size, readySeconds, burstCpuSeconds, burstPeakMiB, rssMiB, ...h,
        restart: {
          seconds: restartSeconds, peakMiB: restartPeakMiB, rssMiB: rssAfter, heapUsedMiB: hAfter.heapUsedMiB, mallocHeapMiB: hAfter.mallocHeapMiB,
          listIntegrations: calls('ListIntegrations'), getIntegration: calls('GetIntegration'),
          awsWrites: calls('PutIntegration') + calls('DeleteIntegration') + calls('TagResource') + calls('UntagResource'),
          apiServerWrites: writes(PLURAL) + writes('events'),
        },
      });
      log(`${step} resources: burst peak ${burstPeakMiB.toFixed(0)} MiB, settled ${rssMiB.toFixed(0)} MiB; restarted: ${rssAfter.toFixed(0)} MiB after ${restartSeconds.toFixed(1)} s`);
    }

    let afterDelete: { seconds: number; peakMiB: number; rssMiB: number; heapUsedMiB: number } | undefined;
    if (values.delete && created > 0) {
      log(`deleting ${created} resources`);
      sampler.phase('delete');
      const t2 = Date.now();
      await inParallel(all.slice(0, created), 16, (r) => s.user.delete(r.name));
      await waitFor(() => s.watch.objects.size === 0, { what: 'every resource gone', timeoutMs: 1_800_000, intervalMs: 500 });
      const seconds = (Date.now() - t2) / 1000;
      await sleep(5000);
      const peakMiB = sampler.peak('delete');
      const rssMiB = await settledRss(sampler, 'deleted', controller.pid);
      afterDelete = { seconds, peakMiB, rssMiB, heapUsedMiB: (await heap(controller)).heapUsedMiB };
    }
    const busyShare = await busy;

    printTable(`memory (MiB): ${runs}${Object.entries(ENV).map(([k, v]) => `, ${k}=${v}`).join('')}`, rows.map((r) => ({
      resources: r.resources, domains: r.domains, 'burst peak': r.burstPeakMiB, settled: r.rssMiB, 'heap used': r.heapUsedMiB, 'heap total': r.heapTotalMiB, 'malloc heap': r.mallocHeapMiB, 'file pages': r.fileMiB,
      restarted: r.restart.rssMiB, 'restart peak': r.restart.peakMiB, 'restarted heap used': r.restart.heapUsedMiB, 'Ready after (s)': r.readySeconds, 'burst CPU (s)': r.burstCpuSeconds,
    })));
    printTable('restart cost', rows.map((r) => ({
      resources: r.resources, 'all re-verified after (s)': r.restart.seconds, ListIntegrations: r.restart.listIntegrations, GetIntegration: r.restart.getIntegration,
      'AWS writes': r.restart.awsWrites, 'API-server writes': r.restart.apiServerWrites,
    })));
    if (afterDelete) printTable(`after deleting all ${created}`, [{ 'all gone after (s)': afterDelete.seconds, 'peak RSS': afterDelete.peakMiB, 'settled RSS': afterDelete.rssMiB, 'heap used': afterDelete.heapUsedMiB }]);
    writeResult(values.out, {
      steps: rows, afterDelete, perDomain, controllerFlags: UNPACED, env: ENV, runs, mode: 'Manage, quotas off',
      samples: sampler.samples.map((x) => ({ t: (x.at - sampler.samples[0]!.at) / 1000, phase: x.phase, rssMiB: Math.round(x.rssMiB * 10) / 10 })),
    }, { machineBusyShare: busyShare });
  } finally {
    sampler.stop();
    await s.stop();
    build?.remove();
  }
});
