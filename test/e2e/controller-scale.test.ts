// Speed at AWS's default quotas (PutIntegration 1 TPS, no burst): the apply -> Ready latency of one
// resource when the controller is at rest, and 30 resources created at once, which must converge
// with zero ThrottlingException. The figures are printed (the closing note quotes them);
// the only timing asserted is the test timeout.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AwsView } from './harness/aws-view.ts';
import { startController, startEmulator, type EmulatorProcess as Emulator, type CpiProcess as Proc } from '../support/cpi.ts';
import { Resources, condition } from './harness/resources.ts';
import { freshNamespace, waitFor } from './support/index.ts';

const uri = (prefix: string, i: number) => `arn:aws:connect:us-east-1:123456789012:instance/${prefix}-bbbb-cccc-dddd-${String(i).padStart(12, '0')}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('controller: latency and burst at default quotas', () => {
  let emulator: Emulator;
  let controller: Proc;
  let res: Resources;
  let aws: AwsView;

  beforeAll(async () => {
    const ns = await freshNamespace('ctl-scale');
    res = new Resources(ns);
    emulator = await startEmulator(); // AWS's default quotas are on
    aws = new AwsView(emulator.admin);
    await emulator.admin.createDomain('latency');
    await emulator.admin.createDomain('burst');
    controller = await startController({ kubeconfig: inject('e2e').controllerKubeconfig, emulator, namespace: ns, args: ['--log-level', 'info', '--poll-interval', '2s'] });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
  });

  it('apply -> Ready for one resource at rest (median of 10)', async () => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      // At rest: more than one write interval since the last Put, so the pacer has a token ready.
      await sleep(1_100);
      const started = performance.now();
      await res.create(`lat-${i}`, { domainName: 'latency', uri: uri('aaaaaaaa', i), objectTypeName: 'CTR' });
      await waitFor(async () => condition(await res.get(`lat-${i}`), 'Ready')?.status === 'True', { what: `lat-${i} Ready`, intervalMs: 10, timeoutMs: 10_000 });
      samples.push(performance.now() - started);
    }
    const m = median(samples);
    console.log(`[measure] apply -> Ready at rest: median ${m.toFixed(0)} ms over ${samples.length} (min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)}; target < 2000 ms)`);
    expect(samples).toHaveLength(10);
    expect((await aws.integrations('latency')).length).toBe(10);
  });

  it('30 resources created at once converge with zero ThrottlingException', async () => {
    const n = 30;
    const mark = await aws.mark();
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => res.create(`burst-${i}`, { domainName: 'burst', uri: uri('bbbbbbbb', i), objectTypeName: 'CTR' })));
    await waitFor(async () => {
      const items = (await res.list()).filter((o) => o.metadata.name.startsWith('burst-'));
      return items.length === n && items.every((o) => condition(o, 'Ready')?.status === 'True' && condition(o, 'Ready')?.observedGeneration === o.metadata.generation);
    }, { what: `${n} burst resources Ready`, intervalMs: 200, timeoutMs: 90_000 });
    const seconds = (performance.now() - started) / 1000;
    const floor = n / 1; // PutIntegration quota: 1 TPS
    console.log(`[measure] ${n} resources converged in ${seconds.toFixed(1)} s against the ${floor} s quota floor (${(seconds / floor).toFixed(2)} x; target <= 1.1 x)`);

    const log = await aws.since(mark);
    expect(log.filter((e) => e.errorType === 'ThrottlingException')).toEqual([]);
    expect(log.filter((e) => e.operation === 'PutIntegration').map((e) => e.status)).toEqual(Array(n).fill(200));
    expect((await aws.integrations('burst')).length).toBe(n);
  }, 120_000);

  it('at rest, drift checks cost about one ListIntegrations per domain and poll, and no writes', async () => {
    const before = new Map((await res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    expect(before.size).toBe(40);
    const mark = await aws.mark();
    await sleep(6_000); // three 2 s poll intervals at rest are the thing measured
    const ops = await aws.operations(mark);
    const lists = ops.filter((o) => o === 'ListIntegrations').length;
    console.log(`[measure] at rest, 40 resources in 2 domains, 6 s at a 2 s poll interval: ${lists} ListIntegrations, ${ops.filter((o) => o === 'GetIntegration').length} GetIntegration`);
    expect(ops.filter((o) => o === 'GetIntegration')).toEqual([]);
    expect(lists).toBeGreaterThanOrEqual(2); // both domains were checked
    expect(lists).toBeLessThanOrEqual(2 * (6 / 2 + 2)); // one per domain and poll, with slack for the grid
    expect(await aws.writes(mark)).toEqual([]);
    const after = new Map((await res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    expect(after).toEqual(before); // and no status writes
  });
});
