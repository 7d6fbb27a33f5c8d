// Speed at AWS's default quotas (PutIntegration 1 TPS, no burst): the apply -> Ready latency of one
// resource when the controller is at rest, and 30 resources created at once, which must converge
// with zero ThrottlingException. The figures are printed (the closing note quotes them);
// the only timing asserted is the test timeout.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { condition } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';
import { waitFor } from './support/index.ts';

const uri = (prefix: string, i: number) => `arn:aws:connect:us-east-1:123456789012:instance/${prefix}-bbbb-cccc-dddd-${String(i).padStart(12, '0')}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('controller: latency and burst at default quotas', () => {
  // The emulator keeps AWS's default quotas.
  const stack = controllerStack('ctl-scale', { domains: ['latency', 'burst'], controllerArgs: ['--log-level', 'info', '--poll-interval', '2s'] });

  it('apply -> Ready for one resource at rest (median of 10)', async () => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      // At rest: more than one write interval since the last Put, so the pacer has a token ready.
      await sleep(1_100);
      const started = performance.now();
      await stack.res.create(`lat-${i}`, { domainName: 'latency', uri: uri('aaaaaaaa', i), objectTypeName: 'CTR' });
      await waitFor(async () => condition(await stack.res.get(`lat-${i}`), 'Ready')?.status === 'True', { what: `lat-${i} Ready`, intervalMs: 10, timeoutMs: 10_000 });
      samples.push(performance.now() - started);
    }
    const m = median(samples);
    console.log(`[measure] apply -> Ready at rest: median ${m.toFixed(0)} ms over ${samples.length} (min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)}; target < 2000 ms)`);
    expect(samples).toHaveLength(10);
    expect((await stack.aws.integrations('latency')).length).toBe(10);
  });

  it('30 resources created at once converge with zero ThrottlingException', async () => {
    const n = 30;
    const mark = await stack.aws.mark();
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => stack.res.create(`burst-${i}`, { domainName: 'burst', uri: uri('bbbbbbbb', i), objectTypeName: 'CTR' })));
    await waitFor(async () => {
      const items = (await stack.res.list()).filter((o) => o.metadata.name.startsWith('burst-'));
      return items.length === n && items.every((o) => condition(o, 'Ready')?.status === 'True' && condition(o, 'Ready')?.observedGeneration === o.metadata.generation);
    }, { what: `${n} burst resources Ready`, intervalMs: 200, timeoutMs: 90_000 });
    const seconds = (performance.now() - started) / 1000;
    const floor = n / 1; // PutIntegration quota: 1 TPS
    console.log(`[measure] ${n} resources converged in ${seconds.toFixed(1)} s against the ${floor} s quota floor (${(seconds / floor).toFixed(2)} x; target <= 1.1 x)`);

    const log = await stack.aws.since(mark);
    expect(log.filter((e) => e.errorType === 'ThrottlingException')).toEqual([]);
    expect(log.filter((e) => e.operation === 'PutIntegration').map((e) => e.status)).toEqual(Array(n).fill(200));
    expect((await stack.aws.integrations('burst')).length).toBe(n);
  }, 120_000);

  it('at rest, drift checks cost about one ListIntegrations per domain and poll, and no writes', async () => {
    const before = new Map((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    expect(before.size).toBe(40);
    const mark = await stack.aws.mark();
    await sleep(6_000); // three 2 s poll intervals at rest are the thing measured
    const ops = await stack.aws.operations(mark);
    const lists = ops.filter((o) => o === 'ListIntegrations').length;
    console.log(`[measure] at rest, 40 resources in 2 domains, 6 s at a 2 s poll interval: ${lists} ListIntegrations, ${ops.filter((o) => o === 'GetIntegration').length} GetIntegration`);
    expect(ops.filter((o) => o === 'GetIntegration')).toEqual([]);
    expect(lists).toBeGreaterThanOrEqual(2); // both domains were checked
    expect(lists).toBeLessThanOrEqual(2 * (6 / 2 + 2)); // one per domain and poll, with slack for the grid
    expect(await stack.aws.writes(mark)).toEqual([]);
    const after = new Map((await stack.res.list()).map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    expect(after).toEqual(before); // and no status writes
  });
});
