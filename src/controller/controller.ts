// The controller: informer events become queue keys, workers reconcile keys. It knows nothing of
// leader election, metrics servers or signals: `cpi run` composes those around it.
import type { Logger } from 'pino';
import { ANNOTATIONS } from '../api/group.ts';
import { keyOf, type ManagedObject } from '../api/managed-object.ts';
import type { CustomerProfilesIntegration } from '../api/types.ts';
import { pollIntervalAnnotation } from '../api/annotations.ts';
import type { ReconcileResult, Trigger } from '../reconcile/managed.ts';
import { WorkQueue, type QueueMetrics } from '../runtime/queue.ts';
import { runWorkers, type Result } from '../runtime/workers.ts';
import type { ClaimIndex } from './claims.ts';
import { nextPollDelay } from './poll.ts';

/** The informer as the controller needs it (src/runtime/informer.ts implements it). */
export interface ObjectCache<T> {
  on(verb: 'add' | 'update' | 'delete', fn: (obj: T) => void): void;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

/** What the controller needs of a reconciler (reconcile/managed.ts's). */
export interface Reconciler<R> {
  reconcile(obj: R, trigger: Trigger): Promise<ReconcileResult>;
  forget(key: string): void;
}

export interface ControllerOptions<R extends ManagedObject> {
  informer: ObjectCache<R>;
  reconciler: Reconciler<R>;
  claims: Pick<ClaimIndex<R>, 'upsert' | 'remove'>;
  /** The domain a resource's polls are aligned by (drift checks of one domain come due together). */
  domainOf?: (obj: R) => string;
  concurrency: number;
  pollIntervalMs: number;
  log: Logger;
  queueMetrics?: QueueMetrics;
  observeReconcile?: (result: 'success' | 'error' | 'requeue' | 'requeue_after', seconds: number) => void;
  drainTimeoutMs?: number;
}

/** What the controller keeps of its own write until the cache shows it. */
interface OwnWrite {
  resourceVersion: string | undefined;
  finalizers: string[] | undefined;
  status: unknown;
}

export { keyOf };
const namespaceOf = (key: string) => key.slice(0, key.indexOf('/'));

function annotationsChanged(a: ManagedObject, b: ManagedObject): boolean {
  const x = a.metadata.annotations ?? {};
  const y = b.metadata.annotations ?? {};
  const keys = Object.values(ANNOTATIONS);
  return keys.some((k) => x[k] !== y[k]);
}

/** Status writes (ours) and finalizer edits come back as updates: they need no reconcile. */
export function needsReconcile(before: ManagedObject | undefined, after: ManagedObject): boolean {
  if (!before) return true;
  if (before.metadata.generation !== after.metadata.generation) return true;
  if (!before.metadata.deletionTimestamp && after.metadata.deletionTimestamp) return true;
  return annotationsChanged(before, after);
}

export class Controller<R extends ManagedObject = CustomerProfilesIntegration> {
  readonly queue: WorkQueue;
  private readonly o: ControllerOptions<R>;
  private readonly triggers = new Map<string, Trigger>();
  /** What we last wrote per key, until the informer shows it (the cache can lag our own writes). */
  private readonly written = new Map<string, OwnWrite>();
  private readonly seen = new Map<string, R>();

  constructor(opts: ControllerOptions<R>) {
    this.o = opts;
    this.queue = new WorkQueue(opts.queueMetrics ? { metrics: opts.queueMetrics } : {});
    opts.informer.on('add', (obj) => this.onUpsert(undefined, obj));
    opts.informer.on('update', (obj) => this.onUpsert(this.seen.get(keyOf(obj)), obj));
    opts.informer.on('delete', (obj) => this.onDelete(obj));
  }

  /** A change: reconciled soon, reading AWS fresh (a dependency became Ready, a person asked). */
  enqueue(key: string): void {
    this.triggers.set(key, 'change');
    this.queue.add(key, { priority: 'high' });
  }

  /**
   * A resource met for the first time (start-up, a new leader, a relist). One whose status already
   * answers its spec only needs a drift check: a poll, served by one ListIntegrations per domain
   * instead of a GetIntegration each, behind any real change.
   */
  private enqueueSeen(obj: R): void {
    const key = keyOf(obj);
    if (!converged(obj)) return this.enqueue(key);
    if (this.triggers.get(key) === 'change') return; // already due for a fresh look
    this.queue.add(key, { priority: 'low' });
  }

  private onUpsert(before: R | undefined, obj: R): void {
    const key = keyOf(obj);
    this.seen.set(key, obj);
    const mine = this.written.get(key);
    if (mine && !rvOlder(obj.metadata.resourceVersion, mine.resourceVersion)) this.written.delete(key);
    const peers = this.o.claims.upsert(obj);
    if (!before) this.enqueueSeen(obj);
    else if (needsReconcile(before, obj)) this.enqueue(key);
    for (const peer of peers) this.enqueue(peer);
  }

  private onDelete(obj: R): void {
    const key = keyOf(obj);
    this.seen.delete(key);
    this.written.delete(key);
    this.triggers.delete(key);
    this.queue.forget(key);
    // Replaces its pending poll, which would otherwise hold the key for a whole poll interval: the
    // key runs once more, finds nothing in the cache and leaves the queue.
    this.queue.add(key);
    this.o.reconciler.forget(key);
    // A conflicting younger resource may now own the integration.
    for (const peer of this.o.claims.remove(obj)) this.enqueue(peer);
  }

  /** Entries in the controller's per-key maps: none once every resource is gone. */
  trackedKeys(): { seen: number; written: number; triggers: number } {
    return { seen: this.seen.size, written: this.written.size, triggers: this.triggers.size };
  }

  /** The writer calls this with what the API server returned for our own writes. */
  recordWrite(written: R): void {
    const key = keyOf(written);
    const cached = this.seen.get(key);
    // The watch often delivers our write before its answer arrives (and the DELETE before the
    // answer to the write that removed the last finalizer): kept then, the entry would never be
    // cleared, a second copy of the object for as long as it lives.
    if (!cached || !rvOlder(cached.metadata.resourceVersion, written.metadata.resourceVersion)) return;
    // Only what current() reads, not the whole answer (managedFields included).
    this.written.set(key, { resourceVersion: written.metadata.resourceVersion, finalizers: written.metadata.finalizers, status: written.status });
  }

  private current(key: string): R | undefined {
    const [namespace, name] = key.split('/') as [string, string];
    const cached = this.o.informer.get(name, namespace);
    if (!cached) return undefined;
    const mine = this.written.get(key);
    const obj: R = structuredClone(cached);
    if (mine && rvOlder(cached.metadata.resourceVersion, mine.resourceVersion)) {
      // Our write is newer than the cache: trust it for what we own (status, finalizers).
      obj.status = structuredClone(mine.status) as R['status'];
      obj.metadata.finalizers = mine.finalizers;
      obj.metadata.resourceVersion = mine.resourceVersion;
    }
    return obj;
  }

  pollIntervalMs(obj: R): number {
    // An invalid annotation keeps the default; the reconciler reports it (Warning InvalidAnnotation).
    const interval = pollIntervalAnnotation(obj.metadata.annotations).ms ?? this.o.pollIntervalMs;
    return nextPollDelay(Date.now(), interval, this.o.domainOf?.(obj) ?? obj.spec.domainName);
  }

  private async handle(key: string): Promise<Result> {
    const obj = this.current(key);
    if (!obj) {
      this.triggers.delete(key); // set by a reconcile that was still running when it went away
      return {};
    }
    const trigger = this.triggers.get(key) ?? 'poll';
    this.triggers.delete(key);
    const log = this.o.log.child({ key, generation: obj.metadata.generation, trigger });
    const started = performance.now();
    try {
      const result = await this.o.reconciler.reconcile(obj, trigger);
      const seconds = (performance.now() - started) / 1000;
      if (result.retry) {
        this.triggers.set(key, 'change'); // a retry reads AWS fresh, not from a poll snapshot
        this.o.observeReconcile?.('error', seconds);
        return { error: new Error('retry') };
      }
      this.o.observeReconcile?.(result.requeueAfterMs !== undefined ? 'requeue_after' : 'success', seconds);
      log.debug({ seconds }, 'reconciled');
      return result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : {};
    } catch (err) {
      this.triggers.set(key, 'change');
      this.o.observeReconcile?.('error', (performance.now() - started) / 1000);
      // At shutdown every reconcile still waiting for an AWS token ends here: expected, not news.
      if (this.queue.shuttingDown) log.debug({ err: errorText(err) }, 'reconcile ended by shutdown');
      else log.warn({ err: errorText(err) }, 'reconcile error');
      return { error: err };
    }
  }

  /** Runs the workers until the queue is shut down (then drains in-flight reconciles). */
  async run(): Promise<void> {
    // Everything already in the cache is due now: a new leader or a restarted process relists.
    for (const obj of this.o.informer.list()) this.enqueueSeen(obj);
    await runWorkers(this.queue, this.o.concurrency, (key) => this.handle(key), {
      drainTimeoutMs: this.o.drainTimeoutMs ?? 20_000,
      // Namespaces are the tenants that take turns for AWS quota (a team's burst never queues
      // in front of another team's change); the gateway reads this through the work context.
      flowOf: namespaceOf,
    });
  }

  async stop(drainTimeoutMs = 20_000): Promise<boolean> {
    return this.queue.shutDownWithDrain(drainTimeoutMs);
  }
}

/** Status answers the current spec: Ready at this generation, no reconcile asked for since, not deleting. */
export function converged(obj: ManagedObject): boolean {
  const gen = obj.metadata.generation;
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
  const asked = obj.metadata.annotations?.[ANNOTATIONS.reconcileRequestedAt];
  return !obj.metadata.deletionTimestamp && obj.status?.observedGeneration === gen && ready?.status === 'True' && ready.observedGeneration === gen && (!asked || asked === obj.status?.lastHandledReconcileAt);
}

/** Whether resourceVersion a is older than b (they are etcd revisions in practice). */
export function rvOlder(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && 'body' in err) {
    const e = err as { code: number; body: unknown };
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      return `HTTP ${e.code}: ${(body as { message?: string })?.message ?? ''}`;
    } catch {
      return `HTTP ${e.code}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

