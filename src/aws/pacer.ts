// Keeps the operator under AWS's per-account, per-region API quotas so that throttling is the
// exception, not the control loop. One bucket per (account, region, operation class); each hands
// out one call per interval, 'high' waiters (user changes, deletions) before 'low' ones (drift
// checks), and within a priority the flows (namespaces) take turns, first come first served
// within a flow (src/runtime/fair-queue.ts): one namespace's burst never queues in front of
// another namespace's single change.
//
// Contract:
// - Burst capacity is 1: an idle bucket lets one call through at once, then at most one call per
//   interval. N calls therefore take at least (N−1)·interval, and no 1-second window ever holds
//   more than TPS calls.
// - interval = (1 + safetyMargin) / TPS seconds, margin 2 % by default: Node timers may fire a
//   millisecond early, and AWS measures from when a request arrives, not from when we sent it.
//   A grant is never earlier than the previous grant plus the interval, on our clock.
// - onThrottled(key): AWS said we were too fast anyway (another client on the account, a lower
//   quota). The bucket halves its rate (up to 8× slower) and pauses one interval; it doubles the
//   rate back every `recoveryMs` (30 s) without a throttle. Several throttles answered to calls that
//   were already in flight together count once per interval.
// - answered(key): AWS answered a call of the bucket; the next grant is at least one interval
//   from now. The gateway calls it for writes, whose quota has no burst to absorb a request
//   that arrived late (see WriteSpacing in gateway.ts).
// - acquire(..., signal): an aborted signal rejects with the signal's reason and gives the place
//   in line up.
import { realClock, type Clock, type TimerHandle } from '../runtime/clock.ts';
import { FairQueue } from '../runtime/fair-queue.ts';

export type OpClass = 'write' | 'read' | 'tag';
export type PacerPriority = 'high' | 'low';

export interface BucketKey {
  account: string;
  region: string;
  opClass: OpClass;
}

/** Which bucket each Customer Profiles operation draws from (AWS's default quota in comments). */
export const OPERATION_CLASS: Readonly<Record<string, OpClass>> = {
  PutIntegration: 'write', // 1 TPS
  DeleteIntegration: 'write', // 1 TPS
  CreateDomain: 'write', // 1 TPS
  UpdateDomain: 'write', // 1 TPS
  DeleteDomain: 'write', // 1 TPS
  PutProfileObjectType: 'write', // 1 TPS
  // Unpublished quota: paced as the other deletions.
  DeleteProfileObjectType: 'write',
  GetIntegration: 'read', // 5 TPS
  ListIntegrations: 'read',
  GetDomain: 'read',
  ListDomains: 'read',
  GetProfileObjectType: 'read', // 10 TPS
  ListProfileObjectTypes: 'read', // 5 TPS
  TagResource: 'tag', // 5 TPS
  UntagResource: 'tag',
  ListTagsForResource: 'tag',
  // AppFlow, for the flows Customer Profiles made for integrations (paced as conservatively).
  DescribeFlow: 'read',
  DeleteFlow: 'write',
};

/** The class of an operation; unknown operations are paced as reads. */
export function operationClass(operation: string): OpClass {
  return OPERATION_CLASS[operation] ?? 'read';
}

export interface PacerMetrics {
  /** Seconds a granted call waited in acquire(). */
  waited?(opClass: OpClass, seconds: number, key: BucketKey): void;
  /** onThrottled was called. */
  throttled?(opClass: OpClass): void;
  /** The number of calls waiting for the bucket, after every change. */
  waiting?(key: BucketKey, n: number): void;
}

export interface PacerOptions {
  /** Every write (PutIntegration, CreateDomain, PutProfileObjectType, the deletions ...), one bucket. Default 1. */
  writeTps?: number;
  /** GetIntegration, ListIntegrations, GetDomain, GetProfileObjectType ... Default 5. */
  readTps?: number;
  /** TagResource, UntagResource, ListTagsForResource. Default 5. */
  tagTps?: number;
  clock?: Clock;
  /** Fraction added to every interval. Default 0.02. */
  safetyMargin?: number;
  /** Slowest a throttled bucket gets, as a factor of its interval. Default 8. */
  maxSlowdown?: number;
  /** Quiet time after which a throttled bucket doubles its rate again. Default 30 s. */
  recoveryMs?: number;
  metrics?: PacerMetrics;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  bucket: Bucket;
  priority: PacerPriority;
  flow: string;
  since: number;
}

class Bucket {
  readonly waiters = new FairQueue<Waiter>();
  /** Earliest time of the next grant. */
  nextAt = -Infinity;
  timer: TimerHandle | undefined;
  slowdown = 1;
  slowdownSince = -Infinity;
  lastThrottleAt = -Infinity;

  readonly key: BucketKey;
  readonly opClass: OpClass;
  readonly baseIntervalMs: number;

  constructor(key: BucketKey, baseIntervalMs: number) {
    this.key = { ...key };
    this.opClass = key.opClass;
    this.baseIntervalMs = baseIntervalMs;
  }

  waiting(): number {
    return this.waiters.size;
  }
}

export class Pacer {
  readonly #clock: Clock;
  readonly #tps: Record<OpClass, number>;
  readonly #margin: number;
  readonly #maxSlowdown: number;
  readonly #recoveryMs: number;
  readonly #metrics: PacerMetrics;
  readonly #buckets = new Map<string, Bucket>();
  // One abort listener per signal, however many calls wait with it: hundreds of paced calls
  // share the controller's shutdown signal, and a listener each would trip Node's leak warning.
  readonly #bySignal = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  constructor(opts: PacerOptions = {}) {
    this.#clock = opts.clock ?? realClock;
    this.#tps = { write: opts.writeTps ?? 1, read: opts.readTps ?? 5, tag: opts.tagTps ?? 5 };
    for (const [cls, tps] of Object.entries(this.#tps)) {
      if (!(Number.isFinite(tps) && tps > 0)) throw new Error(`pacer: ${cls} TPS must be a positive number, got ${tps}`);
    }
    this.#margin = opts.safetyMargin ?? 0.02;
    this.#maxSlowdown = opts.maxSlowdown ?? 8;
    this.#recoveryMs = opts.recoveryMs ?? 30_000;
    this.#metrics = opts.metrics ?? {};
  }

  /** Resolves when a call for `key` may be sent now; `flow` is who it is for (fair turns). */
  acquire(key: BucketKey, priority: PacerPriority = 'high', signal?: AbortSignal, flow = ''): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const bucket = this.#bucket(key);
    const now = this.#clock.now();
    if (bucket.waiting() === 0 && now >= bucket.nextAt) {
      this.#grant(bucket, now);
      this.#metrics.waited?.(bucket.opClass, 0, bucket.key);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, bucket, priority, flow, since: now };
      if (signal) this.#watchSignal(waiter, signal);
      bucket.waiters.push(waiter, flow, priority);
      this.#metrics.waiting?.(bucket.key, bucket.waiting());
      this.#arm(bucket);
    });
  }

  /** AWS answered a call of `key`: no grant before one interval from now. */
  answered(key: BucketKey): void {
    const bucket = this.#bucket(key);
    const now = this.#clock.now();
    bucket.nextAt = Math.max(bucket.nextAt, now + this.#interval(bucket, now));
    this.#arm(bucket);
  }

  /** AWS answered ThrottlingException for a call of `key`: slow the bucket down for a while. */
  onThrottled(key: BucketKey): void {
    const bucket = this.#bucket(key);
    const now = this.#clock.now();
    this.#metrics.throttled?.(bucket.opClass);
    const current = this.#currentSlowdown(bucket, now);
    // Calls that were in flight together get throttled together: slow down once per interval.
    if (now - bucket.lastThrottleAt >= bucket.baseIntervalMs * current) {
      bucket.slowdown = Math.min(this.#maxSlowdown, current * 2);
      bucket.slowdownSince = now;
      bucket.lastThrottleAt = now;
    }
    bucket.nextAt = Math.max(bucket.nextAt, now + this.#interval(bucket, now));
    this.#arm(bucket);
  }

  /** Current interval between calls of `key`, in ms (the base interval times any slowdown). */
  intervalMs(key: BucketKey): number {
    return this.#interval(this.#bucket(key), this.#clock.now());
  }

  /** Calls waiting for `key`. */
  waiting(key: BucketKey): number {
    return this.#buckets.get(bucketId(key))?.waiting() ?? 0;
  }

  #bucket(key: BucketKey): Bucket {
    const id = bucketId(key);
    let bucket = this.#buckets.get(id);
    if (!bucket) {
      const tps = this.#tps[key.opClass];
      if (tps === undefined) throw new Error(`pacer: unknown operation class "${key.opClass}"`);
      bucket = new Bucket(key, ((1 + this.#margin) * 1000) / tps);
      this.#buckets.set(id, bucket);
    }
    return bucket;
  }

  #currentSlowdown(bucket: Bucket, now: number): number {
    // Recover lazily: one halving of the slowdown per full quiet recovery period.
    while (bucket.slowdown > 1 && now - bucket.slowdownSince >= this.#recoveryMs) {
      bucket.slowdown = Math.max(1, bucket.slowdown / 2);
      bucket.slowdownSince += this.#recoveryMs;
    }
    return bucket.slowdown;
  }

  #interval(bucket: Bucket, now: number): number {
    return bucket.baseIntervalMs * this.#currentSlowdown(bucket, now);
  }

  #grant(bucket: Bucket, now: number): void {
    bucket.nextAt = now + this.#interval(bucket, now);
  }

  #arm(bucket: Bucket): void {
    this.#clock.clearTimeout(bucket.timer);
    bucket.timer = undefined;
    if (bucket.waiting() === 0) return;
    const delay = Math.max(0, bucket.nextAt - this.#clock.now());
    bucket.timer = this.#clock.setTimeout(() => this.#fire(bucket), delay);
  }

  #fire(bucket: Bucket): void {
    bucket.timer = undefined;
    const now = this.#clock.now();
    // A timer may fire a little early; never grant before nextAt.
    if (now < bucket.nextAt) return this.#arm(bucket);
    const waiter = bucket.waiters.shift();
    if (waiter) {
      this.#unwatchSignal(waiter);
      this.#grant(bucket, now);
      this.#metrics.waiting?.(bucket.key, bucket.waiting());
      this.#metrics.waited?.(bucket.opClass, (now - waiter.since) / 1000, bucket.key);
      waiter.resolve();
    }
    this.#arm(bucket);
  }

  #watchSignal(waiter: Waiter, signal: AbortSignal): void {
    let entry = this.#bySignal.get(signal);
    if (!entry) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        this.#bySignal.delete(signal);
        const touched = new Set<Bucket>();
        for (const w of waiters) {
          w.bucket.waiters.remove(w, w.flow, w.priority);
          touched.add(w.bucket);
          w.reject(signal.reason);
        }
        for (const b of touched) {
          this.#metrics.waiting?.(b.key, b.waiting());
          this.#arm(b);
        }
      };
      entry = { waiters, onAbort };
      this.#bySignal.set(signal, entry);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    entry.waiters.add(waiter);
  }

  #unwatchSignal(waiter: Waiter): void {
    if (!waiter.signal) return;
    const entry = this.#bySignal.get(waiter.signal);
    if (!entry) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0) {
      waiter.signal.removeEventListener('abort', entry.onAbort);
      this.#bySignal.delete(waiter.signal);
    }
  }
}

function bucketId(key: BucketKey): string {
  return `${key.account}\u0000${key.region}\u0000${key.opClass}`;
}
