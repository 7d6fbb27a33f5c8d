// The life of one managed resource, of any kind, read top to bottom: deleted? paused? conflict?
// waiting for what it needs? where does it live? observe AWS, decide ownership, plan, act, record
// status. Every exit sets conditions and says when to come back. Level-based and idempotent: it
// may run any number of times for the same state. What differs per kind (AWS calls, the plan,
// status fields) is the kind's (kind.ts); the rest is here, once (crossplane-runtime's
// managed.Reconciler is the model).
import deepEqual from 'fast-deep-equal';
import { ANNOTATIONS, FINALIZER } from '../api/group.ts';
import { keyOf } from '../api/managed-object.ts';
import { pausedAnnotationProblem, pollIntervalAnnotation } from '../api/annotations.ts';
import { AwsFailure, classifyAwsError } from '../aws/errors.ts';
import type { AwsTarget, CallPriority } from '../aws/types.ts';
import { Reason, terminalReasons, type ReasonName } from './conditions.ts';
import type { ActIo, ManagedKind, ManagedObject, Placement, Refusal, StatusOf } from './kind.ts';
import { assess, type Assessment } from './assess.ts';
import type { FieldChange } from './plan.ts';
import { describeChanges, failed, inProgress, observedStatus, paused, placementFields, readyStatus, stalled, waiting } from './status.ts';

export type Trigger = 'change' | 'poll';

export interface ReconcileResult {
  /** Come back after this long (poll interval, or a slow retry of a stalled resource). */
  requeueAfterMs?: number;
  /** Retry with per-key exponential backoff. */
  retry?: boolean;
  /** It ended needing a person (Stalled): the slow retry is a formality. For metrics. */
  stalled?: boolean;
}

export interface ResourceWriter<R extends ManagedObject = ManagedObject> {
  patchStatus(obj: R, status: StatusOf<R>): Promise<void>;
  setFinalizers(obj: R, finalizers: string[]): Promise<R>;
}

export interface EventSink<R extends ManagedObject = ManagedObject> {
  emit(obj: R, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void;
}

export interface ReconcileLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  debug(o: object, m: string): void;
  child(bindings: object): ReconcileLog;
}

/** What the reconciler needs of the world besides the kind: the cluster, identity, time. */
export interface ManagedDeps<R extends ManagedObject> {
  /** The account of the target's credentials (STS GetCallerIdentity, cached). */
  account(target: AwsTarget): Promise<string>;
  writer: ResourceWriter<R>;
  events: EventSink<R>;
  defaultRegion: string;
  /**
   * The IAM role to assume for a namespace's resources, if its Namespace names one; known: false
   * while the Namespace is not in the cache yet (acting then could use the wrong identity).
   */
  roleFor(namespace: string): { known: boolean; roleArn?: string | undefined };
  /** The key of an older resource that claims the same AWS object, if any. */
  olderClaimant(obj: R): string | undefined;
  /** What it waits for before any AWS call (its domain, its object types), for people; undefined: nothing. */
  waitsFor?(obj: R): string | undefined;
  /** What must go before its delete (resources that use it), for people; undefined: nothing. */
  deleteWaitsFor?(obj: R): string | undefined;
  pollIntervalMs(obj: R): number;
  now(): Date;
  log: ReconcileLog;
  /** Told how each reconcile ended (metrics): result undefined = it threw; stalled = the resource is Stalled now. */
  ended?(result: ReconcileResult | undefined, stalled: boolean, seconds: number): void;
}

/** A resource whose Namespace is not cached yet is looked at again this soon (its add event also requeues it). */
export const NAMESPACE_WAIT_MS = 2_000;

/** A waiting resource looks again this soon (the dependency becoming Ready also requeues it at once). */
export const DEPENDENCY_WAIT_MS = 30_000;

/** A stalled resource waits for a spec change, with a slow retry (a role or key may appear later). */
export const STALLED_RETRY_MS = 30 * 60_000;

/** An answer of AWS that needs a person, not a retry: the reconcile ends Stalled with it. */
class Stall extends Error {
  readonly reason: ReasonName;
  constructor(r: Refusal) {
    super(r.message);
    this.reason = r.reason;
  }
}

/** One reconcile's resource, where it acts, and its keyed logger. */
interface Ctx<R> {
  obj: R;
  target: AwsTarget;
  prio: CallPriority;
  trigger: Trigger;
  log: ReconcileLog;
}

export class ManagedReconciler<R extends ManagedObject, O, P> {
  protected readonly kind: ManagedKind<R, O, P>;
  private readonly deps: ManagedDeps<R>;
  /** When each resource last started to read AWS (epoch ms): its next poll needs newer data. */
  private readonly lastLook = new Map<string, number>();

  constructor(kind: ManagedKind<R, O, P>, deps: ManagedDeps<R>) {
    this.kind = kind;
    this.deps = deps;
  }

  /** The resource is gone: drop what we remembered about it. */
  forget(key: string): void {
    this.lastLook.delete(key);
  }

  /** Entries in per-key maps: none once every resource is gone. */
  trackedKeys(): number {
    return this.lastLook.size;
  }

  async reconcile(obj: R, trigger: Trigger): Promise<ReconcileResult> {
    const started = performance.now();
    let result: ReconcileResult | undefined;
    try {
      result = await this.reconcileOnce(obj, trigger);
      return result;
    } finally {
      // Stalled: it ended needing a person (the slow retry says so), whatever status was stored before.
      this.deps.ended?.(result, !!result?.stalled, (performance.now() - started) / 1000);
    }
  }

  private async reconcileOnce(obj: R, trigger: Trigger): Promise<ReconcileResult> {
    const spec = obj.spec;
    const namespace = obj.metadata.namespace ?? '';
    const region = spec.region || this.deps.defaultRegion;
    const log = this.deps.log.child({ kind: this.kind.kind, namespace, name: obj.metadata.name, domain: spec.domainName, region });
    const identity = this.deps.roleFor(namespace);
    if (!identity.known) {
      log.debug({}, 'namespace not in the cache yet: waiting before acting with any identity');
      return { requeueAfterMs: NAMESPACE_WAIT_MS };
    }
    const target: AwsTarget = { region, roleArn: identity.roleArn };
    const annotations = obj.metadata.annotations ?? {};
    const isPaused = annotations[ANNOTATIONS.paused] === 'true';
    // A person asking for a reconcile, or changing the spec, goes before routine drift checks.
    const prio: CallPriority = trigger === 'change' ? 'high' : 'low';
    const ctx: Ctx<R> = { obj, target, prio, trigger, log };

    if (obj.metadata.deletionTimestamp) return this.finalize(ctx, isPaused);
    if (trigger === 'change') {
      this.checkAnnotations(obj);
      for (const w of this.kind.specWarnings?.(obj, this.deps.defaultRegion) ?? []) this.deps.events.emit(obj, 'Warning', w.reason, 'Reconcile', w.message);
    }

    const base = withHandled((obj.status ?? {}) as StatusOf<R>, annotations[ANNOTATIONS.reconcileRequestedAt] ?? obj.status?.lastHandledReconcileAt);

    if (isPaused) {
      await this.writeStatus(obj, paused(base, gen(obj), this.deps.now()));
      return {}; // the annotation's removal is an update event that brings us back
    }

    const older = this.deps.olderClaimant(obj);
    if (older) {
      return this.stall(ctx, base, Reason.Conflict, `another resource, ${older}, already manages this ${this.kind.noun} (${this.kind.describe(obj)}); delete one of them`);
    }
    // Bad input the API server let through: say which field, once, and wait for a new spec.
    const bad = this.kind.specProblem(obj);
    if (bad) return this.stall(ctx, base, Reason.InvalidSpec, `${bad}; fix the spec (nothing was sent to AWS)`);
    // A call that must fail (no domain yet) is not made: the dependency's Ready requeues this one.
    const waitFor = this.deps.waitsFor?.(obj);
    if (waitFor) {
      await this.writeStatus(obj, waiting(base, gen(obj), this.deps.now(), waitFor));
      return { requeueAfterMs: DEPENDENCY_WAIT_MS };
    }

    try {
      const account = await this.deps.account(target);
      const key = keyOf(obj);
      const snapshotAfter = this.lastLook.get(key);
      this.lastLook.set(key, this.deps.now().getTime());
      const found = await assess(this.kind, obj, {
        target,
        account,
        observe: { prio, fromSnapshot: trigger === 'poll', snapshotAfter },
        // The finalizer goes on before the first write, so a delete can never orphan an AWS object.
        beforeObserve: async (o) => {
          if (this.deletionPolicy(o) !== 'Delete' || o.metadata.finalizers?.includes(FINALIZER)) return o;
          return (ctx.obj = await this.deps.writer.setFinalizers(o, [...(o.metadata.finalizers ?? []), FINALIZER]));
        },
        now: this.deps.now(),
      });
      const where = { region, account, assumedRoleArn: identity.roleArn };
      switch (found.outcome) {
        case 'moved': return this.stall(ctx, base, Reason.TargetChanged, found.message);
        case 'refused': return this.stall(ctx, base, Reason.AlreadyExists, found.message);
        case 'observed': return await this.observeOnly(ctx, base, where, found.observed, found.drift);
        case 'planned': return await this.manage(ctx, base, { ...where, ownership: found.ownership }, found);
      }
    } catch (err) {
      // From what is stored now (an in-progress write may have set Ready=False already), so a
      // condition's transition time moves only when its status does.
      const current = stored(ctx.obj, base);
      if (err instanceof Stall) return this.stall(ctx, current, err.reason, err.message);
      return this.fail(ctx, current, err);
    }
  }

  /** Needs a person: Stalled with the reason, a Warning Event and a log line; a slow retry. */
  private async stall(ctx: Ctx<R>, base: StatusOf<R>, reason: ReasonName, message: string): Promise<ReconcileResult> {
    const wasStalled = ctx.obj.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True' && c.reason === reason && c.message === message);
    await this.writeStatus(ctx.obj, stalled(base, gen(ctx.obj), this.deps.now(), reason, message));
    if (!wasStalled) {
      this.deps.events.emit(ctx.obj, 'Warning', reason, 'Reconcile', message);
      ctx.log.info({ reason, message }, 'stalled');
    }
    return { requeueAfterMs: STALLED_RETRY_MS, stalled: true };
  }

  private deletionPolicy(obj: R): 'Delete' | 'Retain' {
    return obj.spec.deletionPolicy ?? this.kind.defaultDeletionPolicy;
  }

  /** Manage: make AWS match the spec, writing only to an object this resource owns (assess decided that). */
  private async manage(ctx: Ctx<R>, base: StatusOf<R>, place: Placement, found: Extract<Assessment<R, O, P>, { outcome: 'planned' }>): Promise<ReconcileResult> {
    const kind = this.kind;
    const { obj, observed, ownership, planned, plan, summary } = found;
    if (summary.calls.length === 0) {
      // A plan that compared with cpi import's record: from now on that is the applied state.
      const adopted = planned === obj ? {} : (kind.appliedFields?.(obj, undefined) ?? {});
      const firstClaim = !obj.status?.ownership;
      const fields = { ...adopted, ...kind.statusFields(obj, observed!, place) };
      await this.writeStatus(obj, readyStatus(base, gen(obj), this.deps.now(), `${kind.describe(obj, observed)} matches the spec`, fields));
      if (firstClaim && ownership === 'Adopted') {
        const msg = `Adopted ${kind.describe(obj, observed)}: it already matches the spec, nothing written`;
        this.deps.events.emit(obj, 'Normal', 'Adopted', 'Adopt', msg);
        ctx.log.info({ what: kind.describe(obj, observed) }, 'adopted without a write');
      }
      return { requeueAfterMs: this.deps.pollIntervalMs(obj) };
    }

    const progressReason: ReasonName = summary.reason === 'create' ? Reason.Creating : Reason.Updating;
    // A requested reconcile counts as handled when it ends, not while it is still writing to AWS.
    const pending = withHandled(base, obj.status?.lastHandledReconcileAt);
    await this.writeStatus(obj, inProgress(pending, gen(obj), this.deps.now(), progressReason, describeChanges(summary.changes, kind.noun)));
    kind.invalidate?.(obj, ctx.target);
    const result = await kind.apply(obj, plan, observed, this.io(ctx, place.account)).catch((err: unknown) => {
      const refusal = kind.refusal?.(err, obj, plan);
      throw refusal ? new Stall(refusal) : err;
    });
    // What a write that went through made true, whatever else AWS did not take (the applied flow):
    // recorded, so a retry does not re-send it.
    const applied = kind.appliedFields?.(obj, plan) ?? {};
    // What AWS reports after the write must be the spec: a member it did not take is said, never Ready.
    const left = kind.unconverged(obj, plan, result);
    if (left.length) return this.notConverged(ctx, { ...stored(obj, base), ...withoutEmpty(applied) }, left, kind.describe(obj, result));
    const now = this.deps.now();
    // From the status just written (Ready=False), so Ready's transition time moves forward, never back.
    const current = stored(obj, base);
    const fields = { ...applied, ...kind.statusFields(obj, result, place), lastSyncTime: now.toISOString() };
    await this.writeStatus(obj, readyStatus(current, gen(obj), now, `${kind.describe(obj, result)} matches the spec`, fields));
    return { requeueAfterMs: this.deps.pollIntervalMs(obj) };
  }

  /** The write went through, AWS does not show it: Ready=False NotConverged, retried with backoff. */
  private async notConverged(ctx: Ctx<R>, base: StatusOf<R>, left: FieldChange[], what: string): Promise<ReconcileResult> {
    const noun = this.kind.noun;
    const message =
      `AWS accepted the write but reports ${describeChanges(left, noun)} (AWS -> spec) for ${what}; ` +
      `AWS may keep members a write leaves out: set them in the spec, or clear them in AWS`;
    const pending = withHandled(base, ctx.obj.status?.lastHandledReconcileAt);
    await this.writeStatus(ctx.obj, failed(pending, gen(ctx.obj), this.deps.now(), Reason.NotConverged, message, Reason.NotConverged));
    this.deps.events.emit(ctx.obj, 'Warning', Reason.NotConverged, 'Reconcile', message);
    ctx.log.warn({ reason: Reason.NotConverged, fields: left.map((c) => c.path) }, 'not converged');
    return { retry: true };
  }

  /** Observe: read only, and report how AWS differs from the spec. Owns nothing, writes nothing. */
  private async observeOnly(ctx: Ctx<R>, base: StatusOf<R>, where: Omit<Placement, 'ownership'>, observed: O | undefined, drift: FieldChange[]): Promise<ReconcileResult> {
    const { obj } = ctx;
    const kind = this.kind;
    const fields = observed !== undefined ? { ...kind.statusFields(obj, observed, where), ownership: undefined } : { region: where.region, ...(kind.notFoundFields?.(obj) ?? {}) };
    const status = observedStatus(base, gen(obj), this.deps.now(), kind.noun, observed !== undefined ? kind.describe(obj, observed) : undefined, drift, fields as Partial<StatusOf<R>>);
    await this.writeStatus(obj, status);
    return { requeueAfterMs: this.deps.pollIntervalMs(obj) };
  }

  private io(ctx: Ctx<R>, account: string): ActIo {
    return {
      target: ctx.target,
      account,
      prio: ctx.prio,
      event: (type, reason, action, note) => this.deps.events.emit(ctx.obj, type, reason, action, note),
      log: ctx.log,
    };
  }

  /**
   * Deletion: per deletionPolicy, and only ever the object this resource owns, where it was
   * pinned (a namespace role or flag changed since cannot redirect the delete elsewhere).
   */
  private async finalize(ctx: Ctx<R>, isPaused: boolean): Promise<ReconcileResult> {
    const { obj, log } = ctx;
    const kind = this.kind;
    if (!obj.metadata.finalizers?.includes(FINALIZER)) return {};
    const keep = isPaused || this.deletionPolicy(obj) === 'Retain' || obj.spec.managementPolicy === 'Observe' || this.deps.olderClaimant(obj);
    const pinned = kind.pinned(obj.status);
    if (!keep) {
      // Resources that use this one go first (a domain waits for its integrations and object types).
      const waitFor = this.deps.deleteWaitsFor?.(obj);
      if (waitFor) {
        await this.writeStatus(obj, waiting(obj.status ?? ({} as StatusOf<R>), gen(obj), this.deps.now(), waitFor));
        return { requeueAfterMs: DEPENDENCY_WAIT_MS };
      }
      try {
        const target: AwsTarget = pinned ? { region: pinned.region, roleArn: pinned.roleArn } : ctx.target;
        const account = await this.deps.account(target);
        if (pinned?.account && pinned.account !== account) {
          const msg = `cannot delete ${kind.noun} ${pinned.id}: it lives in account ${pinned.account}, but the credentials it was managed with (${pinned.roleArn ?? 'the controller\'s own'}) now reach account ${account}. Restore them, or set deletionPolicy: Retain to let the resource go and keep the ${kind.noun}`;
          return this.stall(ctx, obj.status ?? ({} as StatusOf<R>), Reason.TargetChanged, msg);
        }
        const io = this.io({ ...ctx, target, prio: 'high' }, account);
        // Only what this resource owns: never guessed from a spec that merely names an object.
        const observed = await kind.observe(obj, target, { account, prio: 'high', fromSnapshot: false });
        const decision = observed !== undefined ? kind.ownership(obj, observed) : undefined;
        if (observed !== undefined && decision?.owned) {
          kind.invalidate?.(obj, target);
          const existed = await kind.delete(obj, observed, io);
          if (existed) io.event('Normal', 'Deleted', kind.deleteOperation, `Deleted ${kind.describe(obj, observed)}`);
          log.info({ what: kind.describe(obj, observed), account, outcome: existed ? 'deleted' : 'already gone' }, kind.deleteOperation);
        }
        const owned = observed !== undefined ? !!decision?.owned : !!obj.status?.ownership;
        await kind.afterDelete?.(obj, observed, owned, io);
        if (observed !== undefined && !decision?.owned) {
          log.info({ what: kind.describe(obj, observed), account }, 'not deleting what this resource does not own');
          io.event('Normal', 'Retained', kind.deleteOperation, `Left ${kind.describe(obj, observed)} alone: this resource did not create or adopt it`);
        }
      } catch (err) {
        const failure = err instanceof AwsFailure ? err : classifyAwsError(err, kind.deleteOperation);
        if (failure.kind === 'NotLeader') return {};
        // A domain that no longer exists has nothing left in it to delete.
        if (failure.kind !== 'NotFound') {
          this.deps.events.emit(obj, 'Warning', reasonFor(failure), failure.operation, failure.message);
          log.warn({ reason: reasonFor(failure), err: failure.message, requestId: failure.requestId }, 'delete failed');
          await this.writeStatus(obj, failed(obj.status ?? ({} as StatusOf<R>), gen(obj), this.deps.now(), reasonFor(failure), failure.message, Reason.Deleting));
          return { retry: true };
        }
      }
    }
    await this.deps.writer.setFinalizers(obj, (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER));
    return {};
  }

  /** A mistyped annotation would silently do nothing: say so where the person will look. */
  private checkAnnotations(obj: R): void {
    const a = obj.metadata.annotations;
    const problems = [
      [ANNOTATIONS.paused, pausedAnnotationProblem(a)],
      [ANNOTATIONS.pollInterval, pollIntervalAnnotation(a).problem],
    ].filter((p): p is [string, string] => p[1] !== undefined);
    for (const [name, problem] of problems) this.deps.events.emit(obj, 'Warning', 'InvalidAnnotation', 'Reconcile', `${name}: ${problem}`);
  }

  private async fail(ctx: Ctx<R>, base: StatusOf<R>, err: unknown): Promise<ReconcileResult> {
    const obj = ctx.obj;
    if (!(err instanceof AwsFailure)) throw err; // Kubernetes errors: the controller retries with backoff
    if (err.kind === 'NotLeader') return {};
    const reason = reasonFor(err);
    this.deps.events.emit(obj, 'Warning', reason, err.operation, err.message);
    ctx.log.warn({ reason, operation: err.operation, err: err.message, requestId: err.requestId }, 'reconcile failed');
    if (terminalReasons.has(reason)) {
      await this.writeStatus(obj, stalled(base, gen(obj), this.deps.now(), reason, err.message));
      return { requeueAfterMs: STALLED_RETRY_MS, stalled: true };
    }
    const readyReason = obj.status?.createdAt ? Reason.Updating : Reason.Creating;
    await this.writeStatus(obj, failed(base, gen(obj), this.deps.now(), reason, err.message, readyReason));
    return { retry: true };
  }

  private async writeStatus(obj: R, status: StatusOf<R>): Promise<void> {
    if (sameStatus(obj.status, status)) return; // at rest: zero API server writes
    await this.deps.writer.patchStatus(obj, status);
    obj.status = status; // later steps of this reconcile compare against what is now stored
  }
}

const gen = (obj: ManagedObject) => obj.metadata.generation ?? 0;

/** The status stored now, with this reconcile's lastHandledReconcileAt (base's). */
function stored<R extends ManagedObject>(obj: R, base: StatusOf<R>): StatusOf<R> {
  return withHandled((obj.status ?? {}) as StatusOf<R>, base.lastHandledReconcileAt);
}

/** The members that have a value (a status never stores undefined). */
function withoutEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function withHandled<S extends { lastHandledReconcileAt?: string | undefined }>(status: S, handled: string | undefined): S {
  const out = { ...status, lastHandledReconcileAt: handled };
  if (handled === undefined) delete out.lastHandledReconcileAt;
  return out;
}

export function reasonFor(failure: AwsFailure): ReasonName {
  switch (failure.kind) {
    case 'InvalidSpec': return Reason.InvalidSpec;
    case 'NotFound': return Reason.DomainNotFound; // a write to a missing domain
    case 'AccessDenied': return Reason.AccessDenied;
    case 'Throttled': return Reason.Throttled;
    case 'CredentialsError': return Reason.CredentialsError;
    default: return Reason.AWSUnavailable;
  }
}

// undefined members are never stored, so they must not make two statuses differ.
const strip = (v: unknown) => JSON.parse(JSON.stringify(v ?? {}));
export function sameStatus(a: object | undefined, b: object): boolean {
  return deepEqual(strip(a), strip(b));
}
