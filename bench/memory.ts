// The controller's memory with 0, 1,000 and 5,000 resources watched, at rest (target: RSS under
// 150 MB at 5,000).
//
// At each step the controller is then restarted and measured again once its first reconcile of
// every resource is done (no AWS or API server write is needed then): the memory of a controller
// that starts with N converged resources, without the creation burst behind it.
//
//   npm run bench:memory [-- --steps 0,1000,5000] [--source] [--node-options="--max-semi-space-size=2"] [--env MALLOC_ARENA_MAX=2]
//
// By default the controller runs compiled (tsc into a temporary dist/, as in the image); --source
// runs it from the TypeScript sources through Node's type stripping, as `node bin/cpi.js` in a
// checkout does (that loads the type stripper too, which costs memory of its own).
// The resources are created by 16 concurrent creators and brought to Ready with the emulator's
// quotas off and the controller unpaced (Manage mode, real reconciles: finalizer, Put, status).
// At each step, once every resource is Ready and nothing has changed for 5 s, RSS (VmRSS of
// /proc/<pid>/status) is sampled once a second for 15 s; the heap figures come from the
// controller's own /metrics (prom-client's Node.js collectors).
import { parseArgs } from 'node:util';
import { connectResources, domainsFor, inParallel } from './lib/cluster.ts';
import { machineBusy, percentile, rssBytes } from './lib/measure.ts';
import { log, printTable, writeResult } from './lib/report.ts';
import { buildToTemp } from './lib/build.ts';
import { startScenario, UNPACED, withCluster } from './lib/stack.ts';
import { sleep, waitUntil } from './lib/wait.ts';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '0,1000,5000' }, 'node-options': { type: 'string' }, env: { type: 'string', multiple: true, default: [] }, source: { type: 'boolean', default: false }, out: { type: 'string', default: 'memory' } } });
const NODE_OPTIONS = values['node-options'];
const ENV: Record<string, string> = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
if (NODE_OPTIONS) ENV.NODE_OPTIONS = NODE_OPTIONS;
const STEPS = values.steps.split(',').map(Number).sort((a, b) => a - b);
const MIB = 2 ** 20;

/** The sum of every sample of a metric on the controller's /metrics, or undefined if absent. */
async function metricValue(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length ? lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0) : undefined;
}

async function sampleRss(pid: number): Promise<{ median: number; max: number }> {
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    samples.push(rssBytes(pid) / MIB);
    await sleep(1000);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), max: samples[samples.length - 1]! };
}

await withCluster(async (cluster) => {
  const max = STEPS[STEPS.length - 1]!;
  const domains = domainsFor(max, 50);
  const s = await startScenario(cluster, { namespace: 'memory', emulatorArgs: ['--no-quotas'], domains });
  const build = values.source ? undefined : buildToTemp();
  try {
    let controller = await s.startController(UNPACED, ENV, build?.cli);
    const all = connectResources(max, domains, { prefix: 11 });
    const rows: Array<{ resources: number; rssMiB: number; rssMaxMiB: number; heapUsedMiB: number | undefined; heapTotalMiB: number | undefined; externalMiB: number | undefined; readySeconds: number; rssAfterRestartMiB: number; heapUsedAfterRestartMiB: number | undefined; restartSettleSeconds: number }> = [];
    let created = 0;
    const busy = machineBusy(5000);
    for (const step of STEPS) {
      const t0 = Date.now();
      if (step > created) {
        log(`creating resources ${created}..${step - 1}`);
        await inParallel(all.slice(created, step), 16, (r) => s.user.create(r));
        created = step;
      }
      await s.watch.waitAllReady(step, 1_800_000);
      const readySeconds = (Date.now() - t0) / 1000;
      let seen = s.watch.modified;
      let quiet = Date.now();
      await waitUntil(() => {
        if (s.watch.modified !== seen) [seen, quiet] = [s.watch.modified, Date.now()];
        return Date.now() - quiet >= 5000;
      }, { what: '5 s without a change', timeoutMs: 600_000, intervalMs: 200 });
      const rss = await sampleRss(controller.pid);
      const heapUsed = await metricValue(controller.metricsUrl, 'cpi_nodejs_heap_size_used_bytes');
      const heapTotal = await metricValue(controller.metricsUrl, 'cpi_nodejs_heap_size_total_bytes');
      const external = await metricValue(controller.metricsUrl, 'cpi_nodejs_external_memory_bytes');
      // A fresh controller with the same resources, once it has reconciled each of them.
      const t1 = Date.now();
      controller = await s.startController(UNPACED, ENV, build?.cli);
      const c = controller;
      await waitUntil(async () => ((await metricValue(c.metricsUrl, 'cpi_reconcile_total')) ?? 0) >= step && (await metricValue(c.metricsUrl, 'cpi_workqueue_depth')) === 0, { what: `the restarted controller to reconcile ${step} resources`, timeoutMs: 1_800_000, intervalMs: 500 });
      const restartSettleSeconds = (Date.now() - t1) / 1000;
      await sleep(5000);
      const after = await sampleRss(c.pid);
      const heapAfter = await metricValue(c.metricsUrl, 'cpi_nodejs_heap_size_used_bytes');
      rows.push({
        rssAfterRestartMiB: after.median, heapUsedAfterRestartMiB: heapAfter === undefined ? undefined : heapAfter / MIB, restartSettleSeconds,
        resources: step, rssMiB: rss.median, rssMaxMiB: rss.max,
        heapUsedMiB: heapUsed === undefined ? undefined : heapUsed / MIB, heapTotalMiB: heapTotal === undefined ? undefined : heapTotal / MIB,
        externalMiB: external === undefined ? undefined : external / MIB,
        readySeconds,
      });
      log(`${step} resources: RSS ${rss.median.toFixed(0)} MiB; after a restart ${after.median.toFixed(0)} MiB`);
    }
    const busyShare = await busy;
    printTable(`memory: controller at rest (MiB), ${values.source ? 'from sources' : 'compiled'}${Object.entries(ENV).map(([k, v]) => `, ${k}=${v}`).join('')}`, rows.map((r) => ({
      resources: r.resources, 'RSS median': r.rssMiB, 'RSS max': r.rssMaxMiB, 'RSS after restart': r.rssAfterRestartMiB, 'heap used after restart': r.heapUsedAfterRestartMiB ?? 'n/a',
      'heap used': r.heapUsedMiB ?? 'n/a', 'heap total': r.heapTotalMiB ?? 'n/a', external: r.externalMiB ?? 'n/a',
      target: r.resources === 5000 ? 'RSS < 150 MB (143 MiB)' : '',
    })));
    writeResult(values.out, { steps: rows, controllerFlags: UNPACED, env: ENV, runs: values.source ? 'TypeScript sources (type stripping)' : 'compiled dist/ (as in the image)', mode: 'Manage, quotas off' }, { machineBusyShare: busyShare });
  } finally {
    await s.stop();
    build?.remove();
  }
});
