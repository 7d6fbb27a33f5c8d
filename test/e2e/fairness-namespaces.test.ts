// Issue 18, goal 2: during one namespace's burst, a single new resource in another namespace is
// not queued behind it. Namespace A creates a burst in account 1 (the pod's own); once the burst
// is writing, namespace B (same account) and namespace C (account 2, through the role named on
// its Namespace) each create one resource. Proved by counting A's PutIntegration calls in the
// emulator's request log: B's Put comes within 3 Puts of its creation (the namespaces take turns
// at account 1's write bucket) and C's within 2 (account 2's bucket is idle), while most of A's
// burst is still to come. Zero ThrottlingException throughout.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/dev/cluster-setup.ts';
import type { RequestLogEntry } from '../../src/emulator/request-log.ts';
import { AwsView } from './harness/aws-view.ts';
import { startController, startEmulator, type EmulatorProcess as Emulator, type CpiProcess as Proc } from '../support/cpi.ts';
import { Resources } from './harness/resources.ts';
import { freshNamespace, privateControlPlane, waitFor, type PrivateControlPlane } from './support/index.ts';

const OTHER_ACCOUNT = '210987654321';
const ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/customer-profiles-operator`;
const BURST = 20;
const uri = (account: string, tag: string, i: number) => `arn:aws:connect:us-east-1:${account}:instance/${tag}-0000-4000-8000-${String(i).padStart(12, '0')}`;
const uriOf = (e: RequestLogEntry) => (e.body as { Uri?: string } | undefined)?.Uri ?? '';

describe('fair scheduling: one namespace at a time never stalls the others', () => {
  let cluster: PrivateControlPlane;
  let emulator: Emulator;
  let controller: Proc;
  let aws: AwsView;
  let a: Resources;
  let b: Resources;
  let c: Resources;

  beforeAll(async () => {
    // The controller watches every namespace (C's role is read from its Namespace), so it gets a
    // control plane of its own, as in credentials.test.ts.
    cluster = await privateControlPlane();
    const admin = loadKubeConfig(cluster.adminKubeconfig);
    const nsC = await freshNamespace('fair-c', admin);
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await admin.makeApiClient(k8s.CoreV1Api).patchNamespace({ name: nsC, body: { metadata: { annotations: { 'customerprofiles.gitops.dev/role-arn': ROLE } } } }, merge);
    a = new Resources(await freshNamespace('fair-a', admin), admin);
    b = new Resources(await freshNamespace('fair-b', admin), admin);
    c = new Resources(nsC, admin);
    emulator = await startEmulator(); // AWS's default quotas: 1 PutIntegration per second per account and region
    aws = new AwsView(emulator.admin);
    await emulator.admin.createDomain('retail');
    await emulator.admin.createDomain('retail', 'us-east-1', OTHER_ACCOUNT);
    controller = await startController({ kubeconfig: cluster.controllerKubeconfig, emulator, args: ['--log-level', 'info'] });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
    await cluster?.stop();
  });

  it('a single new resource in another namespace, same account or not, does not wait for the burst', async () => {
    // An idle controller's latency in account 2 first (its role assumed, its buckets warm).
    const t0 = performance.now();
    await c.create('idle', { domainName: 'retail', uri: uri(OTHER_ACCOUNT, 'cccccccc', 0), objectTypeName: 'CTR' });
    await c.waitReady('idle');
    const idleMs = performance.now() - t0;

    const start = await aws.mark();
    await Promise.all(Array.from({ length: BURST }, (_, i) => a.create(`a-${i}`, { domainName: 'retail', uri: uri('123456789012', 'aaaaaaaa', i), objectTypeName: 'CTR' })));
    await waitFor(async () => (await aws.since(start, 'PutIntegration')).length >= 4, { what: "A's burst writing", intervalMs: 100 });

    const mark = await aws.mark();
    const t1 = performance.now();
    const readyMs: Record<string, number> = {};
    await Promise.all([
      b.create('one', { domainName: 'retail', uri: uri('123456789012', 'bbbbbbbb', 0), objectTypeName: 'CTR' }).then(() => b.waitReady('one', 60_000)).then(() => (readyMs.b = performance.now() - t1)),
      c.create('one', { domainName: 'retail', uri: uri(OTHER_ACCOUNT, 'cccccccc', 1), objectTypeName: 'CTR' }).then(() => c.waitReady('one', 60_000)).then(() => (readyMs.c = performance.now() - t1)),
    ]);
    await waitFor(async () => (await aws.since(start, 'PutIntegration')).filter((e) => e.status === 200).length >= BURST + 2, { what: "A's burst finished", intervalMs: 250, timeoutMs: 60_000 });

    const puts = (await aws.since(mark, 'PutIntegration')).filter((e) => e.status === 200);
    const burstPutsBefore = (u: string) => {
      const i = puts.findIndex((e) => uriOf(e) === u);
      expect(i, `the Put of ${u}`).toBeGreaterThanOrEqual(0);
      return puts.slice(0, i).filter((e) => uriOf(e).includes('aaaaaaaa')).length;
    };
    const beforeB = burstPutsBefore(uri('123456789012', 'bbbbbbbb', 0));
    const beforeC = burstPutsBefore(uri(OTHER_ACCOUNT, 'cccccccc', 1));
    const burstLeftAfterB = puts.filter((e) => uriOf(e).includes('aaaaaaaa')).length - beforeB;
    console.log(`[measure] during a ${BURST}-resource burst in another namespace: same account Ready in ${readyMs.b!.toFixed(0)} ms after ${beforeB} of the burst's Puts; other account Ready in ${readyMs.c!.toFixed(0)} ms after ${beforeC} (idle controller: ${idleMs.toFixed(0)} ms); ${burstLeftAfterB} burst Puts still to come after B's`);
    expect(beforeB).toBeLessThanOrEqual(3); // within 3 Puts' time: B took its turn
    expect(beforeC).toBeLessThanOrEqual(2); // account 2 never waited for account 1's bucket
    expect(burstLeftAfterB).toBeGreaterThanOrEqual(5); // ...and not because the burst was over
    expect(puts.find((e) => uriOf(e).includes('cccccccc'))?.account).toBe(OTHER_ACCOUNT);
    expect((await aws.since(start)).filter((e) => e.errorType === 'ThrottlingException')).toEqual([]);
  }, 150_000);
});
