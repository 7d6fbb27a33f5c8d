// Issue 18, item 3: an account whose AWS answers slowly slows only its own calls. Namespace S maps
// (by the role on its Namespace) to an account whose every Customer Profiles call takes 3 s to
// answer (a proxy in front of the emulator holds it); namespace H uses the pod's own, healthy
// account. S creates its resources first, so a queue whose workers sit through S's answers would
// reach H only after S. Proved from the emulator's request log and the resources' conditions:
// H's first write reaches AWS before S's first, and H converges while S is still working.
import { describe, expect, it } from 'vitest';
import { startAccountFaults, type AccountFaults } from '../support/account-faults.ts';
import { connectInstanceArn } from '../support/aws.ts';
import { controllerStack } from './harness/stack.ts';
import { Resources, condition } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const SLOW_ACCOUNT = '333333333333';
const ROLE = `arn:aws:iam::${SLOW_ACCOUNT}:role/customer-profiles-operator`;
const N = 8;

describe('fair scheduling: a slow account slows only itself', () => {
  let proxy: AccountFaults;
  let slow: Resources;
  // The controller watches every namespace: S's role is read from its Namespace.
  const stack = controllerStack('fair-healthy', {
    allNamespaces: true,
    domains: ['retail', { name: 'retail', account: SLOW_ACCOUNT }],
    controllerArgs: ['--log-level', 'info'],
    async beforeController(s) {
      slow = await s.namespace('fair-slow', { roleArn: ROLE });
      proxy = await startAccountFaults(s.emulator.url);
      s.defer(() => proxy.stop());
      return { AWS_ENDPOINT_URL_CUSTOMER_PROFILES: proxy.url, AWS_ENDPOINT_URL_STS: proxy.url };
    },
  });

  it("the healthy account converges at its own pace while the slow one's calls are still out", async () => {
    proxy.slow(SLOW_ACCOUNT, 3_000);
    const healthy = stack.res;
    const mark = await stack.aws.mark();
    await Promise.all(Array.from({ length: N }, (_, i) => slow.create(`s-${i}`, { domainName: 'retail', uri: connectInstanceArn('dddddddd', i, SLOW_ACCOUNT), objectTypeName: 'CTR' })));
    await Promise.all(Array.from({ length: N }, (_, i) => healthy.create(`h-${i}`, { domainName: 'retail', uri: connectInstanceArn('eeeeeeee', i), objectTypeName: 'CTR' })));

    await waitFor(async () => {
      const items = await healthy.list();
      return items.length === N && items.every((o) => condition(o, 'Ready')?.status === 'True');
    }, { what: `${N} healthy-account resources Ready`, intervalMs: 200, timeoutMs: 60_000 });
    const slowReady = (await slow.list()).filter((o) => condition(o, 'Ready')?.status === 'True').length;

    const puts = (await stack.aws.since(mark, 'PutIntegration')).map((e) => e.account);
    console.log(`[measure] slow account (every call answered after 3 s) beside a healthy one: when all ${N} healthy resources were Ready, ${slowReady} of ${N} slow ones were; Put order by account: ${puts.map((a) => (a === SLOW_ACCOUNT ? 's' : 'h')).join('')}`);
    expect(puts.filter((a) => a === '123456789012')).toHaveLength(N);
    expect(puts[0]).toBe('123456789012'); // created last, written first: nobody sat through the slow answers
    expect(slowReady).toBeLessThan(N); // the slow account is still at work: the healthy one did not wait for it
    await waitFor(async () => (await slow.list()).every((o) => condition(o, 'Ready')?.status === 'True'), { what: 'the slow account converging too', intervalMs: 500, timeoutMs: 120_000 });
    expect((await stack.aws.since(mark)).filter((e) => e.errorType === 'ThrottlingException')).toEqual([]);
  }, 180_000);
});
