import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/runtime/metrics.ts';
import { pacerMetrics } from '../../../src/runtime/pacer-metrics.ts';
import { Pacer } from '../../../src/aws/pacer.ts';
import { FakeClock } from '../../../src/runtime/clock.ts';

describe('pacer metrics per bucket', () => {
  it('exposes queue depth and token waits labelled by account, region and operation class', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const clock = new FakeClock();
    const pacer = new Pacer({ clock, metrics: pacerMetrics(metrics.registry) });
    const key = { account: '210987654321', region: 'eu-west-2', opClass: 'write' as const };
    const calls = [pacer.acquire(key, 'high', undefined, 'team-a'), pacer.acquire(key, 'high', undefined, 'team-a'), pacer.acquire(key, 'high', undefined, 'team-b')];
    const text1 = await metrics.registry.metrics();
    expect(text1).toContain('cpi_aws_pacer_queue_depth{account="210987654321",region="eu-west-2",operation_class="write"} 2');
    await clock.tick(3_000);
    await Promise.all(calls);
    const text = await metrics.registry.metrics();
    expect(text).toContain('cpi_aws_pacer_queue_depth{account="210987654321",region="eu-west-2",operation_class="write"} 0');
    expect(text).toContain('cpi_aws_pacer_wait_seconds_count{account="210987654321",region="eu-west-2",operation_class="write"} 3');
    expect(text).toMatch(/cpi_aws_pacer_wait_seconds_sum\{account="210987654321",region="eu-west-2",operation_class="write"\} 3\.06/);
    expect(text).not.toContain('team-'); // never a namespace (or a resource) as a label
  });
});
