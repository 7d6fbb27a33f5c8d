// What 1,000 resources at rest cost: AWS writes (target 0), API server writes (target 0), AWS reads
// per domain per poll (target about one ListIntegrations page each), and the controller's CPU.
//
//   npm run bench:at-rest [-- --n 1000 --poll-interval 20]
//
// To get there fast the emulator runs with quotas off and the controller unpaced; the controller
// polls every --poll-interval seconds. Once every resource is Ready and no object has changed for
// 5 s, the window opens and lasts three poll intervals. API server writes are counted twice, by two
// independent means: MODIFIED events on a watch of the resources, and the API server's own
// apiserver_request_total for write verbs on the resources and on Events.
import { parseArgs } from 'node:util';
import { connectResources, domainsFor, inParallel } from './lib/cluster.ts';
import { apiServerMetrics, cpuSeconds, machineBusy, rssBytes, sumRequests, WRITE_VERBS } from './lib/measure.ts';
import { log, printTable, writeResult } from './lib/report.ts';
import { startScenario, UNPACED, withCluster } from './lib/stack.ts';
import { WRITE_OPERATIONS } from '../test/support/aws.ts';
import { sleep, waitFor } from '../test/support/wait.ts';
import { PLURAL } from '../src/api/group.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' }, 'poll-interval': { type: 'string', default: '20' } } });
const N = Number(values.n);
const POLL_S = Number(values['poll-interval']);
const POLLS = 3;

await withCluster(async (cluster) => {
  const domains = domainsFor(N, 50);
  const s = await startScenario(cluster, { namespace: 'at-rest', emulatorArgs: ['--no-quotas'], domains });
  try {
    const controller = await s.startController([...UNPACED, '--poll-interval', `${POLL_S}s`]);
    log(`creating ${N} resources in ${domains.length} domains`);
    const t0 = Date.now();
    await inParallel(connectResources(N, domains, { prefix: 9 }), 16, (r) => s.user.create(r));
    await s.watch.waitAllReady(N, 1_200_000);
    log(`all ${N} Ready after ${((Date.now() - t0) / 1000).toFixed(1)} s; waiting for 5 s without a change`);
    let seen = s.watch.modified;
    let quietSince = Date.now();
    await waitFor(() => {
      if (s.watch.modified !== seen) {
        seen = s.watch.modified;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 5000;
    }, { what: '5 s without a change to any resource', timeoutMs: 300_000, intervalMs: 200 });

    // The window: three poll intervals.
    const windowMs = POLLS * POLL_S * 1000;
    log(`observing ${POLLS} poll intervals (${windowMs / 1000} s)`);
    const seq0 = (await s.emulator.admin.requestLog({ limit: 1 })).lastSeq;
    const metrics0 = await apiServerMetrics(cluster.admin);
    const modified0 = s.watch.modified;
    const cpu0 = cpuSeconds(controller.pid);
    const busy = machineBusy(windowMs);
    await sleep(windowMs);
    const cpu1 = cpuSeconds(controller.pid);
    const modified1 = s.watch.modified;
    const metrics1 = await apiServerMetrics(cluster.admin);
    const busyShare = await busy;
    const requests = await s.emulator.admin.requests({ since: seq0 });

    const apiWrites = (m: string, resource: string) => sumRequests(m, { resource }, WRITE_VERBS);
    const crWrites = apiWrites(metrics1, PLURAL) - apiWrites(metrics0, PLURAL);
    const eventWrites = apiWrites(metrics1, 'events') - apiWrites(metrics0, 'events');
    const awsWrites = requests.filter((r) => WRITE_OPERATIONS.has(r.operation)).length;
    const byOp: Record<string, number> = {};
    for (const r of requests) byOp[r.operation] = (byOp[r.operation] ?? 0) + 1;
    const reads = (byOp.GetIntegration ?? 0) + (byOp.ListIntegrations ?? 0);
    const readsPerDomainPerPoll = reads / (domains.length * POLLS);
    const cpu = cpu1 - cpu0;
    const rssMiB = rssBytes(controller.pid) / 2 ** 20;

    printTable(`at rest: ${N} resources, ${domains.length} domains, ${POLLS} poll intervals of ${POLL_S} s`, [
      { measure: 'AWS writes (Put/Delete/Tag/Untag)', value: awsWrites, target: '0' },
      { measure: 'API server writes: watch MODIFIED events', value: modified1 - modified0, target: '0' },
      { measure: `API server writes: apiserver_request_total ${PLURAL}`, value: crWrites, target: '0' },
      { measure: 'API server writes: apiserver_request_total events', value: eventWrites, target: '0' },
      { measure: `(same counter before the window: ${PLURAL} writes so far)`, value: apiWrites(metrics0, PLURAL), target: `>= ${2 * N} (proves it counts)` },
      { measure: 'AWS reads (GetIntegration + ListIntegrations)', value: reads, target: '' },
      { measure: 'AWS reads per domain per poll', value: readsPerDomainPerPoll, target: '~1 (one ListIntegrations page)' },
      { measure: 'controller CPU seconds in the window', value: cpu, target: '' },
      { measure: 'controller CPU share of one core', value: `${((100 * cpu) / (windowMs / 1000)).toFixed(2)}%`, target: '' },
      { measure: 'controller RSS (MiB)', value: rssMiB, target: '' },
    ]);
    writeResult('at-rest', {
      n: N, domains: domains.length, pollIntervalSeconds: POLL_S, polls: POLLS, windowSeconds: windowMs / 1000,
      awsWrites, apiServerWrites: { watchModified: modified1 - modified0, customResources: crWrites, events: eventWrites, customResourcesBeforeWindow: apiWrites(metrics0, PLURAL) },
      awsCallsByOperation: byOp, awsReads: reads, readsPerDomainPerPoll, controllerCpuSeconds: cpu, controllerRssMiB: rssMiB,
    }, { machineBusyShare: busyShare });
  } finally {
    await s.stop();
  }
});
