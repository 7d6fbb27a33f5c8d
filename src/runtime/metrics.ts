// The controller's Prometheus metrics, on a registry of their own (never prom-client's global one,
// so two controllers in one test process do not collide).
//
// Names follow Prometheus conventions: one `cpi_` prefix, base units with a plural suffix
// (`_seconds`), `_total` on counters. Labels are bounded sets (result, operation, outcome, condition,
// status): never a resource name, namespace or uid, whose cardinality grows with the cluster.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueMetrics } from './queue.ts';

export const METRIC_PREFIX = 'cpi_';

/**
 * How one reconcile ended:
 * - success: it ended without an error, whether or not it scheduled the next drift check (an
 *   ordinary reconcile always does: counting those as requeue_after hid every success);
 * - error: it failed and is retried with per-key exponential backoff (AWS throttled or down,
 *   a Kubernetes write refused, ...);
 * - requeue_after_error: it failed in a way a person must fix (Stalled: InvalidSpec,
 *   AccessDenied, DomainNotFound, Conflict, ...) and is retried after a fixed delay, not backoff;
 * - requeue, requeue_after: controller-runtime's names, no longer produced; kept at 0 so
 *   existing queries that name them keep working.
 */
export type ReconcileResult = 'success' | 'error' | 'requeue_after_error' | 'requeue' | 'requeue_after';
export const RECONCILE_RESULTS: readonly ReconcileResult[] = ['success', 'error', 'requeue_after_error', 'requeue', 'requeue_after'];

/**
 * The result label of one reconcile from what it returned and whether it left the resource
 * Stalled. `threw`: it ended in an exception (the controller retries those with backoff).
 */
export function reconcileResultOf(ended: { retry?: boolean | undefined } | undefined, stalled: boolean, threw = false): ReconcileResult {
  if (threw || ended?.retry) return 'error';
  return stalled ? 'requeue_after_error' : 'success';
}

export type ConditionType = 'Ready' | 'Synced' | 'Stalled';
export type ConditionStatus = 'True' | 'False' | 'Unknown';
export const CONDITION_TYPES: readonly ConditionType[] = ['Ready', 'Synced', 'Stalled'];
export const CONDITION_STATUSES: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];

/** Resources per condition and status; absent entries count as 0. */
export type ConditionCounts = Partial<Record<ConditionType, Partial<Record<ConditionStatus, number>>>>;

/**
 * The outcome of one AWS call as the gateway reports it: 'ok' or the failure kind of
 * src/aws/errors.ts (Throttled, AWSUnavailable, NotFound, InvalidSpec, AccessDenied,
 * CredentialsError, NotLeader). A small fixed set, so it is safe as a label.
 */
/** 'ok', or the kind of failure (the AWS layer's names: Throttled, AWSUnavailable, ...). */
export type AwsCallOutcome = string;

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC); on by default. */
  defaultMetrics?: boolean;
  /** The package version, reported in cpi_build_info (`unknown` when not given). */
  version?: string | undefined;
}

// Reconciles span a status write (ms) to a slow AWS call with retries (tens of seconds).
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// Queue waits include the pacer: at 1 write per second, a burst waits minutes.
const QUEUE_BUCKETS = [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600];
const AWS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry: Registry;
  private readonly reconcileTotal: Counter<'result'>;
  private readonly reconcileErrors: Counter;
  private readonly reconcileDuration: Histogram;
  private readonly queueDepth: Gauge;
  private readonly queueDepths = new Map<number, number>();
  private readonly queueAdds: Counter;
  private readonly queueDuration: Histogram;
  private readonly workDuration: Histogram;
  private readonly queueRetries: Counter;
  private readonly awsRequests: Counter<'operation' | 'outcome'>;
  private readonly awsDuration: Histogram<'operation'>;
  private readonly awsThrottles: Counter<'operation'>;
  private readonly resources: Gauge<'condition' | 'status'>;
  private readonly leader: Gauge;
  private readonly informerSynced: Gauge;
  private readonly informerRestarts: Counter;

  constructor(options: MetricsOptions = {}) {
    this.registry = new Registry();
    // Every metric: the cpi_ prefix, on this registry only.
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name: `${p}${name}`, help, labelNames, registers });
    const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name: `${p}${name}`, help, labelNames, registers });
    const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
      new Histogram<L>({ name: `${p}${name}`, help, buckets, labelNames, registers });

    this.reconcileTotal = counter(
      'reconcile_total',
      'Reconciles by result: success, error (retried with backoff), requeue_after_error (Stalled: retried after a fixed delay); requeue and requeue_after are no longer produced.',
      ['result'],
    );
    // Pre-zeroed so rate() works from the first scrape and absent series never hide an error.
    for (const result of RECONCILE_RESULTS) this.reconcileTotal.inc({ result }, 0);
    this.reconcileErrors = counter('reconcile_errors_total', 'Reconciles that ended in an error (result error or requeue_after_error).');
    this.reconcileDuration = histogram('reconcile_duration_seconds', 'Time spent in one reconcile, AWS calls and status write included.', RECONCILE_BUCKETS);

    this.queueDepth = gauge('workqueue_depth', 'Keys waiting in the work queue.');
    this.queueAdds = counter('workqueue_adds_total', 'Keys added to the work queue (an add of a key already waiting is not counted).');
    this.queueDuration = histogram('workqueue_queue_duration_seconds', 'Time a key waits in the work queue before a worker takes it.', QUEUE_BUCKETS);
    this.workDuration = histogram('workqueue_work_duration_seconds', 'Time a worker holds a key.', RECONCILE_BUCKETS);
    this.queueRetries = counter('workqueue_retries_total', 'Keys re-queued with backoff.');

    this.awsRequests = counter('aws_requests_total', 'AWS API calls by operation and outcome (ok, or the failure kind: Throttled, AWSUnavailable, ...).', ['operation', 'outcome']);
    this.awsDuration = histogram('aws_request_duration_seconds', 'AWS API call latency by operation, SDK retries included.', AWS_BUCKETS, ['operation']);
    this.awsThrottles = counter('aws_throttles_total', 'AWS API calls rejected with a throttling error, by operation.', ['operation']);

    this.resources = gauge('resources', 'Resources of every kind (integrations, domains, object types) by condition type and status.', ['condition', 'status']);
    this.setResourceConditions({});

    this.leader = gauge('leader', '1 while this process reconciles: it holds the leader Lease, or runs without leader election (--leader-elect=false); else 0.');
    this.leader.set(0);
    this.informerSynced = gauge('informer_synced', '1 once the informer has listed and is watching, else 0.');
    this.informerSynced.set(0);
    this.informerRestarts = counter('informer_restarts_total', 'Times the informer re-listed or reconnected its watch after an error or 410 Gone.');

    const info = gauge('build_info', 'Always 1; labels carry the operator and Node.js versions.', ['version', 'nodejs_version']);
    info.set({ version: options.version ?? 'unknown', nodejs_version: process.version }, 1);

    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** One finished reconcile: counts it by result and records its duration. */
  observeReconcile(result: ReconcileResult, seconds: number): void {
    this.reconcileTotal.inc({ result });
    if (result === 'error' || result === 'requeue_after_error') this.reconcileErrors.inc();
    this.reconcileDuration.observe(seconds);
  }

  /** One AWS call, as the gateway's `observe` hook reports it. */
  observeAwsCall(operation: string, outcome: AwsCallOutcome | string, seconds: number): void {
    this.awsRequests.inc({ operation, outcome });
    this.awsDuration.observe({ operation }, seconds);
    if (outcome === 'Throttled') this.awsThrottles.inc({ operation });
  }

  /** Replaces the per-condition resource counts; combinations not given are set to 0. */
  setResourceConditions(counts: ConditionCounts): void {
    for (const condition of CONDITION_TYPES) {
      for (const status of CONDITION_STATUSES) {
        this.resources.set({ condition, status }, counts[condition]?.[status] ?? 0);
      }
    }
  }

  setLeader(isLeader: boolean): void {
    this.leader.set(isLeader ? 1 : 0);
  }

  setInformerSynced(synced: boolean): void {
    this.informerSynced.set(synced ? 1 : 0);
  }

  informerRestarted(): void {
    this.informerRestarts.inc();
  }

  /**
   * The work queue's hooks (its QueueMetrics contract), bound to this registry. One call per queue
   * (one per kind's controller): the depth reported is the sum over them.
   */
  queueMetrics(): Required<QueueMetrics> {
    const id = this.queueDepths.size;
    this.queueDepths.set(id, 0);
    return {
      depth: (n) => {
        this.queueDepths.set(id, n);
        let sum = 0;
        for (const d of this.queueDepths.values()) sum += d;
        this.queueDepth.set(sum);
      },
      added: () => this.queueAdds.inc(),
      queueLatency: (s) => this.queueDuration.observe(s),
      workDuration: (s) => this.workDuration.observe(s),
      retried: () => this.queueRetries.inc(),
    };
  }
}
