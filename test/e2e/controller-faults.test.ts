// Under injected faults, 20% of every AWS operation's calls fail, alternating between throttling
// (429 ThrottlingException) and server errors (500 InternalServerException), STS included. Fifty
// resources must still all converge to Ready, with exactly one integration each, and deletions under
// the same faults must all reach AWS. Quotas and pacer are raised (40 TPS) so the test measures
// resilience, not the quota floor: every injected 429 slows the pacer (down to 8x slower, with no
// recovery while throttles keep coming), which at AWS's 1 TPS would make this take minutes.
import { afterAll, describe, expect, it } from 'vitest';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';

const uri = (i: number) => `arn:aws:connect:us-east-1:123456789012:instance/ffffffff-bbbb-cccc-dddd-${String(i).padStart(12, '0')}`;
const domainOf = (i: number) => (i % 2 ? 'odd' : 'even'); // at most 50 integrations per domain

describe('controller: injected throttling and 5xx', () => {
  const quotas = ['PutIntegration', 'DeleteIntegration', 'GetIntegration', 'ListIntegrations', 'TagResource', 'UntagResource'];
  const stack = controllerStack('ctl-faults', {
    domains: ['odd', 'even'],
    emulatorArgs: quotas.flatMap((op) => ['--quota', `${op}=40`]),
    controllerArgs: ['--put-tps', '40', '--read-tps', '40', '--tag-tps', '40', '--log-level', 'info'],
  });
  let flipper: NodeJS.Timeout | undefined;
  afterAll(() => clearInterval(flipper));

  /** 20% of calls fail; the kind of failure flips between 429 and 500 every 300 ms. */
  async function injectFaults() {
    let status: 429 | 500 = 429;
    await stack.emulator.admin.setFaults({ errorRates: { '*': { rate: 0.2, status } } });
    flipper = setInterval(() => {
      status = status === 429 ? 500 : 429;
      void stack.emulator.admin.setFaults({ errorRates: { '*': { rate: 0.2, status } } }).catch(() => {});
    }, 300);
  }

  it('50 resources converge to Ready with exactly 50 integrations', async () => {
    const n = 50;
    await injectFaults();
    const mark = await stack.aws.mark();
    await Promise.all(Array.from({ length: n }, (_, i) => stack.res.create(`r-${i}`, { domainName: domainOf(i), uri: uri(i), objectTypeName: 'CTR', tags: { n: String(i) } })));
    const t0 = performance.now();
    await waitFor(async () => {
      const items = await stack.res.list();
      return items.length === n && items.every((o) => condition(o, 'Ready')?.status === 'True' && condition(o, 'Ready')?.observedGeneration === o.metadata.generation);
    }, { what: `${n} resources Ready under faults`, intervalMs: 250, timeoutMs: 100_000 });
    const seconds = (performance.now() - t0) / 1000;

    const all = [...(await stack.aws.integrations('odd')), ...(await stack.aws.integrations('even'))];
    expect(all).toHaveLength(n);
    expect(new Set(all.map((i) => i.Uri)).size).toBe(n);
    expect(all.every((i) => i.ObjectTypeName === 'CTR' && i.Tags.n === String(Number(i.Uri.slice(-12))))).toBe(true);
    // The faults really hit: both kinds, on writes and on reads.
    const log = await stack.aws.since(mark);
    const failed = (op: string, type: string) => log.filter((e) => e.operation === op && e.errorType === type).length;
    expect(failed('PutIntegration', 'ThrottlingException')).toBeGreaterThan(0);
    expect(failed('PutIntegration', 'InternalServerException')).toBeGreaterThan(0);
    expect(failed('GetIntegration', 'ThrottlingException') + failed('GetIntegration', 'InternalServerException')).toBeGreaterThan(0);
    const okPuts = log.filter((e) => e.operation === 'PutIntegration' && e.status === 200).length;
    console.log(`[measure] under 20% faults: ${n} resources Ready in ${seconds.toFixed(1)} s; ${okPuts} successful PutIntegration for ${n} resources, ${log.filter((e) => e.status === 429 || e.status === 500).length} injected failures of ${log.length} calls`);
  }, 120_000);

  it('deletes under the same faults all reach AWS', async () => {
    const doomed = Array.from({ length: 10 }, (_, i) => i * 5);
    await Promise.all(doomed.map((i) => stack.res.delete(`r-${i}`)));
    await waitFor(async () => (await stack.res.list()).length === 40, { what: '10 resources gone', intervalMs: 250, timeoutMs: 60_000 });
    clearInterval(flipper);
    await stack.emulator.admin.clearFaults();
    const left = [...(await stack.aws.integrations('odd')), ...(await stack.aws.integrations('even'))].map((i) => i.Uri);
    expect(left).toHaveLength(40);
    for (const i of doomed) expect(left).not.toContain(uri(i));
  }, 90_000);
});
