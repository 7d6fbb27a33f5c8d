// Fair scheduling (issue 18): every account and region at its own pace, and fair between
// namespaces. One controller watches every namespace of its own cluster, at AWS's default quotas
// (the emulator enforces 1 PutIntegration per second per account and region) and default flags.
//
//   npm run bench:fairness [-- --burst 60 --per-region 10 --cli /path/to/other/bin/cpi.js]
//
// 1. regions:   4 regions x 10 resources, created region by region. Floor: 10 s (10 / 1 TPS, the
//               largest bucket's). Target: <= 1.1 x floor plus start-up.
// 2. burst:     namespace a creates 60 resources in account 1; once it is writing, namespace b
//               (account 1) and namespace c (account 2, by the role on its Namespace) create one
//               each. Target: b Ready within ~3 Puts (3 s), c within 1 s of an idle controller.
// 3. throttled: account 3 answers 20 % of its calls with ThrottlingException (a proxy in front of
//               the emulator); account 1 converges 20 resources beside it. Target: account 1 at
//               its own floor (20 s), as if account 3 were healthy.
// `--cli` runs another build's controller (say, the commit before this change) for comparison.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { RequestLogEntry } from '../src/emulator/request-log.ts';
import { startAccountFaults } from '../test/support/account-faults.ts';
import { connectUri, inParallel, type NewResource } from './lib/cluster.ts';
import { Resources } from '../test/support/resources.ts';
import { machineBusy } from './lib/measure.ts';
import { startController, startEmulator } from '../test/support/cpi.ts';
import { createNamespace, type PrivateCluster as Cluster } from '../test/support/cluster.ts';
import { ReadyWatch } from './lib/ready-watch.ts';
import { log, printTable, writeResult } from './lib/report.ts';
import { throttles, withCluster } from './lib/stack.ts';
import { waitFor } from '../test/support/wait.ts';

const { values } = parseArgs({ options: { burst: { type: 'string', default: '60' }, 'per-region': { type: 'string', default: '10' }, cli: { type: 'string' } } });
const BURST = Number(values.burst);
const PER_REGION = Number(values['per-region']);
for (const [flag, v] of [['--burst', BURST], ['--per-region', PER_REGION]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} must be a positive integer`);
}
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-2', 'ap-southeast-2'];
const ACCOUNT1 = '123456789012';
const ACCOUNT2 = '210987654321';
const ACCOUNT3 = '333333333333';
const role = (account: string) => `arn:aws:iam::${account}:role/customer-profiles-operator`;
const THROTTLED_N = 20;
const HEALTHY_N = 20;

interface Space {
  user: Resources;
  watch: ReadyWatch;
}

async function space(cluster: Cluster, name: string, roleAccount?: string): Promise<Space> {
  await createNamespace(cluster.admin, name);
  if (roleAccount) {
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await cluster.admin.makeApiClient(k8s.CoreV1Api).patchNamespace({ name, body: { metadata: { annotations: { 'customerprofiles.gitops.dev/role-arn': role(roleAccount) } } } }, merge);
  }
  const watch = new ReadyWatch(cluster.admin, name);
  await watch.start();
  return { user: new Resources(name, cluster.admin), watch };
}

const resource = (name: string, domainName: string, uri: string, region?: string): NewResource => ({
  name,
  spec: { domainName, uri, objectTypeName: 'CTR', ...(region ? { region } : {}) },
});
const uriOf = (e: RequestLogEntry) => (e.body as { Uri?: string } | undefined)?.Uri ?? '';
/**
 * Seconds from t0 until `count` resources of the watch were Ready; Infinity when they were not
 * within the timeout (a build without fair scheduling may starve a namespace for minutes).
 */
async function allReady(w: ReadyWatch, count: number, t0: number, timeoutMs: number): Promise<number> {
  try {
    await w.waitAllReady(count, timeoutMs);
  } catch (err) {
    log(`${(err as Error).message}: counted as not Ready`);
    return Number.POSITIVE_INFINITY;
  }
  return (Math.max(...w.readyEvents.map((e) => e.at)) - t0) / 1000;
}

await withCluster(async (cluster) => {
  const busyBefore = await machineBusy(2000);
  const emulator = await startEmulator([], { logFile: join(cluster.work, 'fairness-emulator.log') });
  const proxy = await startAccountFaults(emulator.url);
  for (const region of REGIONS) await emulator.admin.createDomain('regions', region);
  for (const d of ['burst-0', 'burst-1', 'single', 'healthy']) await emulator.admin.createDomain(d);
  await emulator.admin.createDomain('single', 'us-east-1', ACCOUNT2);
  await emulator.admin.createDomain('throttled', 'us-east-1', ACCOUNT3);

  const regions = await space(cluster, 'fair-regions');
  const a = await space(cluster, 'fair-a');
  const b = await space(cluster, 'fair-b');
  const c = await space(cluster, 'fair-c', ACCOUNT2);
  const healthy = await space(cluster, 'fair-healthy');
  const throttled = await space(cluster, 'fair-throttled', ACCOUNT3);

  const controller = await startController({
    kubeconfig: cluster.controllerKubeconfig,
    emulator,
    env: { AWS_ENDPOINT_URL_CUSTOMER_PROFILES: proxy.url, AWS_ENDPOINT_URL_STS: proxy.url },
    logFile: join(cluster.work, 'fairness-controller.log'),
    logLevel: 'info',
    ...(values.cli ? { cli: values.cli } : {}),
  });
  log(`controller pid ${controller.pid}${values.cli ? ` (${values.cli})` : ''}, watching every namespace`);
  const rows: Array<Record<string, string | number>> = [];
  const result: Record<string, unknown> = { burst: BURST, perRegion: PER_REGION, cli: values.cli ?? 'this checkout' };
  try {
    // 1. Regions.
    {
      const n = REGIONS.length * PER_REGION;
      const items = REGIONS.flatMap((region, r) => Array.from({ length: PER_REGION }, (_, i) => resource(`r${r}-${i}`, 'regions', connectUri(0x10 + r, i), region)));
      const mark = (await emulator.admin.requestLog({ limit: 1 })).lastSeq;
      log(`regions: ${n} resources over ${REGIONS.length} regions, created region by region`);
      const t0 = Date.now();
      await inParallel(items, 4, (r) => regions.user.create(r));
      const seconds = await allReady(regions.watch, n, t0, 300_000);
      const floor = PER_REGION / 1;
      const puts = await emulator.admin.requests({ since: mark, operation: 'PutIntegration' });
      const order = puts.filter((e) => e.status === 200).map((e) => REGIONS.indexOf(e.region)).join('');
      result.regions = { n, seconds, floorSeconds: floor, ratio: seconds / floor, putOrder: order };
      rows.push({ scenario: `${n} resources over ${REGIONS.length} regions`, measure: 'all Ready', seconds, 'target (s)': `<= ${(1.1 * floor).toFixed(1)} + start-up`, note: `floor ${floor} s; Put order by region ${order.slice(0, 16)}...` });
    }

    // 2. A burst in one namespace; a single resource in another, same account and other account.
    {
      const idleStart = Date.now();
      await c.user.create(resource('idle', 'single', connectUri(0x20, 0).replace(ACCOUNT1, ACCOUNT2)));
      const idleMs = (await c.watch.waitReady('idle', 1, 60_000)).at - idleStart;
      const items = Array.from({ length: BURST }, (_, i) => resource(`a-${i}`, `burst-${i % 2}`, connectUri(0x30, i)));
      const mark = (await emulator.admin.requestLog({ limit: 1 })).lastSeq;
      log(`burst: namespace a creates ${BURST} resources in account 1`);
      const t0 = Date.now();
      await inParallel(items, 16, (r) => a.user.create(r));
      await waitFor(async () => (await emulator.admin.requests({ since: mark, operation: 'PutIntegration' })).length >= 5, { what: 'the burst writing', timeoutMs: 120_000 });
      const startedAt = Date.now();
      const bUri = connectUri(0x40, 0);
      const cUri = connectUri(0x41, 0).replace(ACCOUNT1, ACCOUNT2);
      log('burst: namespaces b (account 1) and c (account 2) create one resource each');
      await Promise.all([b.user.create(resource('one', 'single', bUri)), c.user.create(resource('one', 'single', cUri))]);
      const readyIn = async (s: Space) => {
        try {
          return ((await s.watch.waitReady('one', 1, 180_000)).at - startedAt) / 1000;
        } catch {
          return Number.POSITIVE_INFINITY; // not Ready within 180 s
        }
      };
      const [bSeconds, cSeconds] = await Promise.all([readyIn(b), readyIn(c)]);
      const burstSeconds = await allReady(a.watch, BURST, t0, 600_000);
      const puts = (await emulator.admin.requests({ since: mark, operation: 'PutIntegration' })).filter((e) => e.status === 200);
      const burstBefore = (u: string) => puts.slice(0, puts.findIndex((e) => uriOf(e) === u)).filter((e) => e.account === ACCOUNT1 && uriOf(e) !== bUri).length;
      const before = { b: burstBefore(bUri), c: burstBefore(cUri) };
      // Puts of the burst made after the start of b's and c's, before each one's own.
      const atStart = puts.filter((e) => e.time < startedAt && e.account === ACCOUNT1).length;
      result.burst = { n: BURST, burstSeconds, idleSeconds: idleMs / 1000, bSeconds, cSeconds, burstPutsBefore: { b: before.b - atStart, c: before.c - atStart } };
      rows.push({ scenario: `burst of ${BURST} in namespace a (account 1)`, measure: 'all Ready', seconds: burstSeconds, 'target (s)': `${BURST} floor`, note: '' });
      rows.push({ scenario: '  + 1 new in namespace b, same account', measure: 'Ready after create', seconds: bSeconds, 'target (s)': '<= 3', note: `${before.b - atStart} of a's Puts went first` });
      rows.push({ scenario: '  + 1 new in namespace c, account 2', measure: 'Ready after create', seconds: cSeconds, 'target (s)': `<= ${(idleMs / 1000 + 1).toFixed(1)}`, note: `idle controller: ${(idleMs / 1000).toFixed(2)} s; ${before.c - atStart} of a's Puts went first` });
    }

    // 3. A throttled account beside a healthy one.
    {
      proxy.throttle(ACCOUNT3, 0.2);
      const t = Array.from({ length: THROTTLED_N }, (_, i) => resource(`t-${i}`, 'throttled', connectUri(0x50, i).replace(ACCOUNT1, ACCOUNT3)));
      const h = Array.from({ length: HEALTHY_N }, (_, i) => resource(`h-${i}`, 'healthy', connectUri(0x60, i)));
      log(`throttled: ${THROTTLED_N} resources in account 3 (20 % of its calls throttled) beside ${HEALTHY_N} in account 1`);
      const t0 = Date.now();
      await Promise.all([inParallel(t, 8, (r) => throttled.user.create(r)), inParallel(h, 8, (r) => healthy.user.create(r))]);
      const healthySeconds = await allReady(healthy.watch, HEALTHY_N, t0, 240_000);
      const healthyReadyCount = healthy.watch.readyCount();
      const throttledSeconds = await allReady(throttled.watch, THROTTLED_N, t0, 300_000);
      proxy.throttle(ACCOUNT3, 0);
      const injected = proxy.injected.get(ACCOUNT3) ?? 0;
      const passed = proxy.passed.get(ACCOUNT3) ?? 0;
      result.throttled = { healthyN: HEALTHY_N, throttledN: THROTTLED_N, healthySeconds, healthyReadyCount, healthyFloorSeconds: HEALTHY_N, throttledSeconds, injectedThrottles: injected, throttledAccountCalls: injected + passed };
      rows.push({ scenario: `${HEALTHY_N} in a healthy account`, measure: 'all Ready', seconds: healthySeconds, 'target (s)': `<= ${(1.1 * HEALTHY_N).toFixed(0)} + start-up`, note: `floor ${HEALTHY_N} s${Number.isFinite(healthySeconds) ? '' : `; ${healthyReadyCount} Ready after 240 s`}` });
      rows.push({ scenario: `  beside ${THROTTLED_N} in a 20 %-throttled account`, measure: 'all Ready', seconds: throttledSeconds, 'target (s)': 'slower, alone', note: `${injected} of its ${injected + passed} calls throttled` });
    }
    const emulatorThrottles = throttles(await emulator.admin.counters());
    result.emulatorThrottlingExceptions = emulatorThrottles;
    rows.push({ scenario: 'whole run', measure: 'ThrottlingException from the quotas', seconds: emulatorThrottles, 'target (s)': '0', note: `count, not seconds; controller ${controller.alive() ? 'still running' : `exited ${await controller.exited}`}` });
  } finally {
    await controller.stop();
    await proxy.stop();
    await emulator.stop();
    for (const s of [regions, a, b, c, healthy, throttled]) s.watch.stop();
  }
  const busyAfter = await machineBusy(2000);
  printTable(`fairness${values.cli ? ` (${values.cli})` : ''}: default quotas, default flags, one controller for every namespace`, rows);
  writeResult(values.cli ? 'fairness-other-build' : 'fairness', result, { machineBusyShare: (busyBefore + busyAfter) / 2 });
});
