import { describe, expect, it } from 'vitest';
import type { MetricObjectWithValues, MetricValueWithName } from 'prom-client';
import { Metrics, reconcileResultOf } from '../../../src/runtime/metrics.ts';

async function series(m: Metrics, name: string): Promise<MetricValueWithName<string>[]> {
  const all = (await m.registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValueWithName<string>>[];
  const metric = all.find((x) => x.name === name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  return metric.values;
}

async function value(m: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const hit = (await series(m, name)).find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want) &&
    Object.keys(v.labels).length === Object.keys(labels).length,
  );
  return hit?.value;
}

describe('Metrics', () => {
  it('pre-zeroes every reconcile result, resource condition, leader and informer gauge', async () => {
    const m = new Metrics({ defaultMetrics: false });
    for (const result of ['success', 'error', 'requeue_after_error', 'requeue', 'requeue_after']) {
      expect(await value(m, 'cpi_reconcile_total', { result })).toBe(0);
    }
    const resources = await series(m, 'cpi_resources');
    expect(resources).toHaveLength(9);
    expect(resources.every((v) => v.value === 0)).toBe(true);
    expect(await value(m, 'cpi_leader')).toBe(0);
    expect(await value(m, 'cpi_informer_synced')).toBe(0);
  });

  it('counts reconciles by result, errors separately, and times them', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observeReconcile('success', 0.02);
    m.observeReconcile('error', 0.3);
    m.observeReconcile('error', 3);
    m.observeReconcile('requeue_after', 0.001);
    expect(await value(m, 'cpi_reconcile_total', { result: 'success' })).toBe(1);
    expect(await value(m, 'cpi_reconcile_total', { result: 'error' })).toBe(2);
    expect(await value(m, 'cpi_reconcile_total', { result: 'requeue_after' })).toBe(1);
    expect(await value(m, 'cpi_reconcile_errors_total')).toBe(2);
    const hist = await series(m, 'cpi_reconcile_duration_seconds');
    const count = hist.find((v) => v.metricName === 'cpi_reconcile_duration_seconds_count');
    const sum = hist.find((v) => v.metricName === 'cpi_reconcile_duration_seconds_sum');
    expect(count?.value).toBe(4);
    expect(sum?.value).toBeCloseTo(3.321, 6);
    const le05 = hist.find((v) => v.metricName === 'cpi_reconcile_duration_seconds_bucket' && v.labels.le === 0.5);
    expect(le05?.value).toBe(3);
  });

  it('tells a success (even with a drift check scheduled) from a retry and from a Stalled requeue', async () => {
    expect(reconcileResultOf({}, false)).toBe('success');
    expect(reconcileResultOf({ retry: false }, false)).toBe('success');
    expect(reconcileResultOf({ retry: true }, false)).toBe('error');
    expect(reconcileResultOf({}, true)).toBe('requeue_after_error');
    expect(reconcileResultOf(undefined, false, true)).toBe('error');
    const m = new Metrics({ defaultMetrics: false });
    m.observeReconcile('requeue_after_error', 0.01);
    expect(await value(m, 'cpi_reconcile_total', { result: 'requeue_after_error' })).toBe(1);
    expect(await value(m, 'cpi_reconcile_errors_total')).toBe(1);
  });

  it('carries the version it is given in cpi_build_info', async () => {
    const m = new Metrics({ defaultMetrics: false, version: '1.2.3' });
    expect(await value(m, 'cpi_build_info', { version: '1.2.3', nodejs_version: process.version })).toBe(1);
  });

  it('counts AWS calls by operation and outcome, and throttles by operation', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observeAwsCall('PutIntegration', 'ok', 0.05);
    m.observeAwsCall('PutIntegration', 'Throttled', 0.01);
    m.observeAwsCall('GetIntegration', 'NotFound', 0.01);
    expect(await value(m, 'cpi_aws_requests_total', { operation: 'PutIntegration', outcome: 'ok' })).toBe(1);
    expect(await value(m, 'cpi_aws_requests_total', { operation: 'PutIntegration', outcome: 'Throttled' })).toBe(1);
    expect(await value(m, 'cpi_aws_throttles_total', { operation: 'PutIntegration' })).toBe(1);
    expect(await value(m, 'cpi_aws_throttles_total', { operation: 'GetIntegration' })).toBeUndefined();
    const durations = await series(m, 'cpi_aws_request_duration_seconds');
    const putCount = durations.find(
      (v) => v.metricName === 'cpi_aws_request_duration_seconds_count' && v.labels.operation === 'PutIntegration',
    );
    expect(putCount?.value).toBe(2);
  });

  it('replaces resource counts, zeroing the combinations not given', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.setResourceConditions({ Ready: { True: 7, False: 2 }, Stalled: { True: 1 } });
    expect(await value(m, 'cpi_resources', { condition: 'Ready', status: 'True' })).toBe(7);
    expect(await value(m, 'cpi_resources', { condition: 'Stalled', status: 'True' })).toBe(1);
    m.setResourceConditions({ Ready: { True: 9 } });
    expect(await value(m, 'cpi_resources', { condition: 'Ready', status: 'False' })).toBe(0);
    expect(await value(m, 'cpi_resources', { condition: 'Stalled', status: 'True' })).toBe(0);
    expect(await value(m, 'cpi_resources', { condition: 'Ready', status: 'True' })).toBe(9);
  });

  it('drives the queue metrics through the hooks object', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const q = m.queueMetrics();
    q.added();
    q.added();
    q.depth(2);
    q.queueLatency(0.2);
    q.workDuration(0.4);
    q.retried();
    q.depth(1);
    expect(await value(m, 'cpi_workqueue_adds_total')).toBe(2);
    expect(await value(m, 'cpi_workqueue_depth')).toBe(1);
    expect(await value(m, 'cpi_workqueue_retries_total')).toBe(1);
    const queued = await series(m, 'cpi_workqueue_queue_duration_seconds');
    expect(queued.find((v) => v.metricName?.endsWith('_sum'))?.value).toBeCloseTo(0.2, 9);
    const worked = await series(m, 'cpi_workqueue_work_duration_seconds');
    expect(worked.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
  });

  it('tracks leadership and the informer', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.setLeader(true);
    m.setInformerSynced(true);
    m.informerRestarted();
    m.informerRestarted();
    expect(await value(m, 'cpi_leader')).toBe(1);
    expect(await value(m, 'cpi_informer_synced')).toBe(1);
    expect(await value(m, 'cpi_informer_restarts_total')).toBe(2);
    m.setLeader(false);
    expect(await value(m, 'cpi_leader')).toBe(0);
  });

  it('keeps registries apart and prefixes the process metrics', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.observeReconcile('success', 0.1);
    expect(await value(b, 'cpi_reconcile_total', { result: 'success' })).toBe(0);
    const names = (await a.registry.getMetricsAsJSON()).map((x) => x.name);
    expect(names).toContain('cpi_process_resident_memory_bytes');
    expect(names).toContain('cpi_nodejs_eventloop_lag_seconds');
    // Every metric is ours: the prefix, and no label that identifies one resource.
    expect(names.every((n) => n.startsWith('cpi_'))).toBe(true);
    for (const metric of (await a.registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValueWithName<string>>[]) {
      for (const v of metric.values) {
        expect(Object.keys(v.labels)).not.toContain('name');
        expect(Object.keys(v.labels)).not.toContain('namespace');
      }
    }
  });
});

describe('Metrics with the real work queue', () => {
  it('counts adds, retries, depth and durations that the queue reports', async () => {
    const { WorkQueue } = await import('../../../src/runtime/queue.ts');
    const m = new Metrics({ defaultMetrics: false });
    const q = new WorkQueue({ metrics: m.queueMetrics() });
    q.add('a');
    q.add('b');
    q.add('a'); // already waiting: not a new add
    expect(await value(m, 'cpi_workqueue_depth')).toBe(2);
    const key = await q.get();
    expect(key).toBe('a');
    expect(await value(m, 'cpi_workqueue_depth')).toBe(1);
    q.addRateLimited('a');
    q.done('a');
    expect(await value(m, 'cpi_workqueue_adds_total')).toBe(2);
    expect(await value(m, 'cpi_workqueue_retries_total')).toBe(1);
    const worked = await series(m, 'cpi_workqueue_work_duration_seconds');
    expect(worked.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
    const queued = await series(m, 'cpi_workqueue_queue_duration_seconds');
    expect(queued.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
    q.shutDown();
  });
});
