// Metrics per pacer bucket: how many calls wait for a token, and how long they waited. Labels are
// the bucket's account, region and operation class, a set bounded by the accounts and regions in
// use; never a resource or namespace. Kept apart from metrics.ts so the pacer's hooks live with
// their metrics; they register on the controller's registry (Metrics.registry).
import { Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metrics.ts';

/** A pacer bucket as these metrics label it (src/aws/pacer.ts's BucketKey). */
export interface BucketLabels {
  account: string;
  region: string;
  opClass: string;
}

/** The pacer's metrics hooks (src/aws/pacer.ts PacerMetrics), bound to a registry. */
export interface BucketMetricHooks {
  waiting(key: BucketLabels, n: number): void;
  waited(opClass: string, seconds: number, key: BucketLabels): void;
}

// From an idle bucket's 0 to minutes behind a large burst at 1 write per second.
const WAIT_BUCKETS = [0.001, 0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

export function pacerMetrics(registry: Registry): BucketMetricHooks {
  const labelNames = ['account', 'region', 'operation_class'] as const;
  const depth = new Gauge({
    name: `${METRIC_PREFIX}aws_pacer_queue_depth`,
    help: 'AWS calls waiting for a token of their pacer bucket (account, region, operation class).',
    labelNames,
    registers: [registry],
  });
  const wait = new Histogram({
    name: `${METRIC_PREFIX}aws_pacer_wait_seconds`,
    help: 'Time an AWS call waited for a token of its pacer bucket (account, region, operation class).',
    labelNames,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const labels = (k: BucketLabels) => ({ account: k.account, region: k.region, operation_class: k.opClass });
  return {
    waiting: (key, n) => depth.set(labels(key), n),
    waited: (_opClass, seconds, key) => wait.observe(labels(key), seconds),
  };
}
