// Issue 18, goal 1: resources in several regions converge at the pace of each region's own
// bucket, not of the slowest one. 20 resources, 5 in each of 4 regions, created region by region
// (the worst order for a FIFO queue whose workers sleep on one region's pacer). Proved from the
// emulator's request log: the regions' PutIntegration calls interleave instead of running one
// region after another, with zero ThrottlingException. The convergence time is printed.
import { describe, expect, it } from 'vitest';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-2', 'ap-southeast-2'];
const PER_REGION = 5;
const uri = (r: number, i: number) => `arn:aws:connect:us-east-1:123456789012:instance/${r}${i}000000-0000-4000-8000-000000000018`;

describe('fair scheduling: every region at its own pace', () => {
  const stack = controllerStack('fair-regions', { domains: [] });

  it(`${REGIONS.length * PER_REGION} resources over ${REGIONS.length} regions: the regions' writes interleave`, async () => {
    for (const region of REGIONS) await stack.emulator.admin.createDomain('retail', region);
    const mark = await stack.aws.mark();
    const started = performance.now();
    // One region's resources at a time (each block at once, so a slow API server cannot spread
    // the blocks over several write intervals).
    for (const [r, region] of REGIONS.entries()) {
      await Promise.all(Array.from({ length: PER_REGION }, (_, i) => stack.res.create(`r${r}-${i}`, { domainName: 'retail', uri: uri(r, i), objectTypeName: 'CTR', region })));
    }
    const n = REGIONS.length * PER_REGION;
    await waitFor(async () => {
      const items = await stack.res.list();
      return items.length === n && items.every((o) => condition(o, 'Ready')?.status === 'True');
    }, { what: `${n} resources Ready`, intervalMs: 200, timeoutMs: 60_000 });
    const seconds = (performance.now() - started) / 1000;

    const log = await stack.aws.since(mark);
    expect(log.filter((e) => e.errorType === 'ThrottlingException')).toEqual([]);
    const puts = log.filter((e) => e.operation === 'PutIntegration' && e.status === 200).map((e) => e.region);
    expect(puts).toHaveLength(n);
    // Every region starts writing at once: each appears among the first two rounds of Puts. A
    // queue that lets one region's pacer hold the workers writes region after region instead.
    for (const region of REGIONS) expect(puts.slice(0, 2 * REGIONS.length)).toContain(region);
    // ...and keeps its own pace: no region makes more than 3 Puts in a row while others wait.
    let run = 1;
    let longest = 1;
    for (let i = 1; i < puts.length; i++) longest = Math.max(longest, (run = puts[i] === puts[i - 1] ? run + 1 : 1));
    expect(longest).toBeLessThanOrEqual(3);
    const putTimes = log.filter((e) => e.operation === 'PutIntegration').map((e) => e.time);
    const span = (Math.max(...putTimes) - Math.min(...putTimes)) / 1000;
    console.log(`[measure] ${n} resources over ${REGIONS.length} regions Ready in ${seconds.toFixed(1)} s (largest bucket's floor ${PER_REGION} s at 1 Put/s; first to last Put ${span.toFixed(1)} s); Put order by region: ${puts.map((r) => REGIONS.indexOf(r)).join('')}`);
  }, 120_000);

  it('SIGTERM during a burst: the reconciles waiting for a token give up at once, quietly', async () => {
    const mark = await stack.aws.mark();
    await Promise.all(Array.from({ length: 10 }, (_, i) => stack.res.create(`late-${i}`, { domainName: 'retail', uri: uri(9, i), objectTypeName: 'CTR' })));
    await waitFor(async () => (await stack.aws.since(mark, 'PutIntegration')).length >= 2, { what: 'the burst writing', intervalMs: 100 });
    expect(await stack.controller.stop('SIGTERM')).toBe(0);
    const written = (await stack.aws.since(mark, 'PutIntegration')).length;
    expect(written).toBeLessThan(10); // it did not drain the waiting writes first
    const lines = stack.controller.output.filter((l) => l.includes('"msg":"reconcile'));
    expect(lines.filter((l) => l.includes('"msg":"reconcile error"'))).toEqual([]);
    expect(lines.some((l) => l.includes('"msg":"reconcile ended by shutdown"'))).toBe(true);
  });
});
