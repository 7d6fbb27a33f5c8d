// Issue 18, goal 2: during one namespace's burst, a single new resource in another namespace is
// not queued behind it. Namespace A creates a burst in account 1 (the pod's own); once the burst
// is writing, namespace B (same account) and namespace C (account 2, through the role named on
// its Namespace) each create one resource. Proved by counting A's PutIntegration calls in the
// emulator's request log: B's Put comes within 3 Puts of its creation (the namespaces take turns
// at account 1's write bucket) and C's within 2 (account 2's bucket is idle), while most of A's
// burst is still to come. Zero ThrottlingException throughout.
import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/emulator/request-log.ts';
import { connectInstanceArn } from '../support/aws.ts';
import { controllerStack } from './harness/stack.ts';
import type { Resources } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const OTHER_ACCOUNT = '210987654321';
const ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/customer-profiles-operator`;
const BURST = 20;
const uriOf = (e: RequestLogEntry) => (e.body as { Uri?: string } | undefined)?.Uri ?? '';

describe('fair scheduling: one namespace at a time never stalls the others', () => {
  let b: Resources;
  let c: Resources;
  // The controller watches every namespace (C's role is read from its Namespace), so it gets a
  // control plane of its own, as in credentials.test.ts. The emulator keeps AWS's default quotas:
  // 1 PutIntegration per second per account and region.
  const stack = controllerStack('fair-a', {
    allNamespaces: true,
    domains: ['retail', { name: 'retail', account: OTHER_ACCOUNT }],
    controllerArgs: ['--log-level', 'info'],
    async beforeController(s) {
      c = await s.namespace('fair-c', { roleArn: ROLE });
      b = await s.namespace('fair-b');
    },
  });

  it('a single new resource in another namespace, same account or not, does not wait for the burst', async () => {
    // An idle controller's latency in account 2 first (its role assumed, its buckets warm).
    const t0 = performance.now();
    await c.create('idle', { domainName: 'retail', uri: connectInstanceArn('cccccccc', 0, OTHER_ACCOUNT), objectTypeName: 'CTR' });
    await c.waitReady('idle');
    const idleMs = performance.now() - t0;

    const a = stack.res;
    const start = await stack.aws.mark();
    await Promise.all(Array.from({ length: BURST }, (_, i) => a.create(`a-${i}`, { domainName: 'retail', uri: connectInstanceArn('aaaaaaaa', i), objectTypeName: 'CTR' })));
    await waitFor(async () => (await stack.aws.since(start, 'PutIntegration')).length >= 4, { what: "A's burst writing", intervalMs: 100 });

    const mark = await stack.aws.mark();
    const t1 = performance.now();
    const readyMs: Record<string, number> = {};
    await Promise.all([
      b.create('one', { domainName: 'retail', uri: connectInstanceArn('bbbbbbbb', 0), objectTypeName: 'CTR' }).then(() => b.waitReady('one', 60_000)).then(() => (readyMs.b = performance.now() - t1)),
      c.create('one', { domainName: 'retail', uri: connectInstanceArn('cccccccc', 1, OTHER_ACCOUNT), objectTypeName: 'CTR' }).then(() => c.waitReady('one', 60_000)).then(() => (readyMs.c = performance.now() - t1)),
    ]);
    await waitFor(async () => (await stack.aws.since(start, 'PutIntegration')).filter((e) => e.status === 200).length >= BURST + 2, { what: "A's burst finished", intervalMs: 250, timeoutMs: 60_000 });

    const puts = (await stack.aws.since(mark, 'PutIntegration')).filter((e) => e.status === 200);
    const burstPutsBefore = (u: string) => {
      const i = puts.findIndex((e) => uriOf(e) === u);
      expect(i, `the Put of ${u}`).toBeGreaterThanOrEqual(0);
      return puts.slice(0, i).filter((e) => uriOf(e).includes('aaaaaaaa')).length;
    };
    const beforeB = burstPutsBefore(connectInstanceArn('bbbbbbbb', 0));
    const beforeC = burstPutsBefore(connectInstanceArn('cccccccc', 1, OTHER_ACCOUNT));
    const burstLeftAfterB = puts.filter((e) => uriOf(e).includes('aaaaaaaa')).length - beforeB;
    console.log(`[measure] during a ${BURST}-resource burst in another namespace: same account Ready in ${readyMs.b!.toFixed(0)} ms after ${beforeB} of the burst's Puts; other account Ready in ${readyMs.c!.toFixed(0)} ms after ${beforeC} (idle controller: ${idleMs.toFixed(0)} ms); ${burstLeftAfterB} burst Puts still to come after B's`);
    expect(beforeB).toBeLessThanOrEqual(3); // within 3 Puts' time: B took its turn
    expect(beforeC).toBeLessThanOrEqual(2); // account 2 never waited for account 1's bucket
    expect(burstLeftAfterB).toBeGreaterThanOrEqual(5); // ...and not because the burst was over
    expect(puts.find((e) => uriOf(e).includes('cccccccc'))?.account).toBe(OTHER_ACCOUNT);
    expect((await stack.aws.since(start)).filter((e) => e.errorType === 'ThrottlingException')).toEqual([]);
  }, 150_000);
});
