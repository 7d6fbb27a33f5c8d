// Apply -> Ready for one resource at a time on a system at rest, at default quotas.
//
//   npm run bench:latency [-- --trials 50]
//
// Each trial creates one new resource and stops the clock at the watch event that shows it
// Ready=True at generation 1. Between trials the system comes to rest: the next create waits until
// 1.1 s after the previous Ready, so AWS's 1 PutIntegration/s quota (and the controller's pacer,
// which spaces writes by it) has refilled, as it would for a person applying one manifest.
// The split shows where the time goes: create -> the PutIntegration reaching AWS -> Ready.
// The first resource after the controller starts pays one-time costs (SDK client and credential
// chain, STS account lookup, first connections); it is measured and reported on its own
// (--warmup 1), not mixed into the distribution of a controller at rest.
import { parseArgs } from 'node:util';
import { connectResources, domainsFor } from './lib/cluster.ts';
import { machineBusy, percentile } from './lib/measure.ts';
import { log, printTable, writeResult } from './lib/report.ts';
import { startScenario, withCluster } from './lib/stack.ts';
import { sleep } from '../test/support/wait.ts';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '50' }, warmup: { type: 'string', default: '1' } } });
const WARMUP = Number(values.warmup);
const TRIALS = Number(values.trials);
if (!Number.isInteger(TRIALS) || TRIALS < 1) throw new Error(`--trials must be a positive integer, got ${values.trials}`);
const REST_MS = 1100;

await withCluster(async (cluster) => {
  const domains = domainsFor(TRIALS + WARMUP, 50);
  const s = await startScenario(cluster, { namespace: 'latency', domains });
  try {
    await s.startController();
    const resources = connectResources(TRIALS + WARMUP, domains, { prefix: 7 });
    const trials: Array<{ totalMs: number; toPutMs: number; putToReadyMs: number }> = [];
    const busy = machineBusy(TRIALS * 1500);
    let lastReady = 0;
    for (const r of resources) {
      const rest = lastReady + REST_MS - Date.now();
      if (rest > 0) await sleep(rest);
      const t0 = Date.now();
      await s.user.create(r);
      const e = await s.watch.waitReady(r.name, 1, 60_000);
      lastReady = e.at;
      const put = (await s.emulator.admin.requests({ operation: 'PutIntegration' })).find((x) => (x.body as { Uri?: string })?.Uri === r.spec.uri && x.status === 200);
      const putAt = put?.time ?? NaN;
      trials.push({ totalMs: e.at - t0, toPutMs: putAt - t0, putToReadyMs: e.at - putAt });
      log(`${trials.length <= WARMUP ? 'warm-up' : 'trial'} ${trials.length}: ${e.at - t0} ms`);
    }
    const busyShare = await busy;
    const warmup = trials.splice(0, WARMUP);
    const stats = (xs: number[]) => {
      const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
      return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
    };
    const total = stats(trials.map((t) => t.totalMs));
    const toPut = stats(trials.map((t) => t.toPutMs));
    const putToReady = stats(trials.map((t) => t.putToReadyMs));
    printTable(`latency: apply -> Ready, ${TRIALS} trials, one resource at a time (ms)`, [
      { span: 'create -> Ready=True (watch)', ...total, target: 'p50 < 1000, p99 < 2000' },
      { span: 'create -> PutIntegration at AWS', ...toPut, target: '' },
      { span: 'PutIntegration -> Ready=True', ...putToReady, target: '' },
    ]);
    for (const w of warmup) process.stdout.write(`first resource after the controller started (not in the table): ${w.totalMs} ms (create -> Put ${w.toPutMs} ms)\n`);
    writeResult('latency', { trials: TRIALS, restMs: REST_MS, warmup, totalMs: total, createToPutMs: toPut, putToReadyMs: putToReady, samples: trials }, { machineBusyShare: busyShare });
  } finally {
    await s.stop();
  }
});
