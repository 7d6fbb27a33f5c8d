// Under injected faults, 20% of every AWS operation's calls fail, alternating between throttling
// (429 ThrottlingException) and server errors (500 InternalServerException), STS included. Fifty
// resources must still all converge to Ready, with exactly one integration each, and deletions under
// the same faults must all reach AWS. Quotas and pacer are raised (40 TPS) so the test measures
// resilience, not the quota floor: every injected 429 slows the pacer (down to 8x slower, with no
// recovery while throttles keep coming), which at AWS's 1 TPS would make this take minutes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AwsView } from './harness/aws-view.ts';
import { startController, startEmulator, type EmulatorProcess as Emulator, type CpiProcess as Proc } from '../support/cpi.ts';
import { Resources, condition } from './harness/resources.ts';
import { freshNamespace, waitFor } from './support/index.ts';

const uri = (i: number) => `arn:aws:connect:us-east-1:123456789012:instance/ffffffff-bbbb-cccc-dddd-${String(i).padStart(12, '0')}`;
const domainOf = (i: number) => (i % 2 ? 'odd' : 'even'); // at most 50 integrations per domain

describe('controller: injected throttling and 5xx', () => {
  let emulator: Emulator;
  let controller: Proc;
  let res: Resources;
  let aws: AwsView;
  let flipper: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    const ns = await freshNamespace('ctl-faults');
    res = new Resources(ns);
    const quotas = ['PutIntegration', 'DeleteIntegration', 'GetIntegration', 'ListIntegrations', 'TagResource', 'UntagResource'];
    emulator = await startEmulator(quotas.flatMap((op) => ['--quota', `${op}=40`]));
    aws = new AwsView(emulator.admin);
    await emulator.admin.createDomain('odd');
    await emulator.admin.createDomain('even');
    controller = await startController({
      kubeconfig: inject('e2e').controllerKubeconfig,
      emulator,
      namespace: ns,
      args: ['--put-tps', '40', '--read-tps', '40', '--tag-tps', '40', '--log-level', 'info'],
    });
  });
  afterAll(async () => {
    clearInterval(flipper);
    await controller?.stop();
    await emulator?.stop();
  });

  /** 20% of calls fail; the kind of failure flips between 429 and 500 every 300 ms. */
  async function injectFaults() {
    let status: 429 | 500 = 429;
    await emulator.admin.setFaults({ errorRates: { '*': { rate: 0.2, status } } });
    flipper = setInterval(() => {
      status = status === 429 ? 500 : 429;
      void emulator.admin.setFaults({ errorRates: { '*': { rate: 0.2, status } } }).catch(() => {});
    }, 300);
  }

  it('50 resources converge to Ready with exactly 50 integrations', async () => {
    const n = 50;
    await injectFaults();
    const mark = await aws.mark();
    await Promise.all(Array.from({ length: n }, (_, i) => res.create(`r-${i}`, { domainName: domainOf(i), uri: uri(i), objectTypeName: 'CTR', tags: { n: String(i) } })));
    const t0 = performance.now();
    await waitFor(async () => {
      const items = await res.list();
      return items.length === n && items.every((o) => condition(o, 'Ready')?.status === 'True' && condition(o, 'Ready')?.observedGeneration === o.metadata.generation);
    }, { what: `${n} resources Ready under faults`, intervalMs: 250, timeoutMs: 100_000 });
    const seconds = (performance.now() - t0) / 1000;

    const all = [...(await aws.integrations('odd')), ...(await aws.integrations('even'))];
    expect(all).toHaveLength(n);
    expect(new Set(all.map((i) => i.Uri)).size).toBe(n);
    expect(all.every((i) => i.ObjectTypeName === 'CTR' && i.Tags.n === String(Number(i.Uri.slice(-12))))).toBe(true);
    // The faults really hit: both kinds, on writes and on reads.
    const log = await aws.since(mark);
    const failed = (op: string, type: string) => log.filter((e) => e.operation === op && e.errorType === type).length;
    expect(failed('PutIntegration', 'ThrottlingException')).toBeGreaterThan(0);
    expect(failed('PutIntegration', 'InternalServerException')).toBeGreaterThan(0);
    expect(failed('GetIntegration', 'ThrottlingException') + failed('GetIntegration', 'InternalServerException')).toBeGreaterThan(0);
    const okPuts = log.filter((e) => e.operation === 'PutIntegration' && e.status === 200).length;
    console.log(`[measure] under 20% faults: ${n} resources Ready in ${seconds.toFixed(1)} s; ${okPuts} successful PutIntegration for ${n} resources, ${log.filter((e) => e.status === 429 || e.status === 500).length} injected failures of ${log.length} calls`);
  }, 120_000);

  it('deletes under the same faults all reach AWS', async () => {
    const doomed = Array.from({ length: 10 }, (_, i) => i * 5);
    await Promise.all(doomed.map((i) => res.delete(`r-${i}`)));
    await waitFor(async () => (await res.list()).length === 40, { what: '10 resources gone', intervalMs: 250, timeoutMs: 60_000 });
    clearInterval(flipper);
    await emulator.admin.clearFaults();
    const left = [...(await aws.integrations('odd')), ...(await aws.integrations('even'))].map((i) => i.Uri);
    expect(left).toHaveLength(40);
    for (const i of doomed) expect(left).not.toContain(uri(i));
  }, 90_000);
});
