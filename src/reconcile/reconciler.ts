// The life of one CustomerProfilesIntegration, read top to bottom: deleted? paused? conflict?
// observe AWS, plan, act, record status. Every exit sets conditions and says when to come back.
// Level-based and idempotent: it may run any number of times for the same state.
import type { CustomerProfilesIntegration, IntegrationStatus } from '../api/types.ts';
import deepEqual from 'fast-deep-equal';
import { ANNOTATIONS, FINALIZER } from '../api/group.ts';
import { pausedAnnotationProblem, pollIntervalAnnotation } from '../api/annotations.ts';
import { conversionProblem } from '../api/convert.ts';
import { uriRegionWarning } from '../api/uri-region.ts';
import { flowDefinitionHash } from '../api/hash.ts';
import { flowNameOfUri, integrationArn } from '../aws/arn.ts';
import { AwsFailure, classifyAwsError } from '../aws/errors.ts';
import type { AwsTarget, CallPriority, IntegrationGateway, ObservedIntegration } from '../aws/types.ts';
import { Reason, terminalReasons, type ReasonName } from './conditions.ts';
import { observeDrift, planIntegration, planIsEmpty, readableChanges, statusForPlan, tagChanges, type FieldChange, type Plan } from './plan.ts';
import type { DomainSnapshots } from './snapshots.ts';
import { observeIntegration } from './observe.ts';
import { decideOwnership, ownerTags, type Ownership } from './ownership.ts';
import { describeChanges, inProgress, failed, observeOnly, paused, ready, stalled, type Placement } from './status.ts';
import { pinnedTarget, targetChange } from './target.ts';

export type Trigger = 'change' | 'poll';

export interface ReconcileResult {
  /** Come back after this long (poll interval, or a slow retry of a stalled resource). */
  requeueAfterMs?: number;
  /** Retry with per-key exponential backoff. */
  retry?: boolean;
}

export interface ResourceWriter {
  patchStatus(obj: CustomerProfilesIntegration, status: IntegrationStatus): Promise<void>;
  setFinalizers(obj: CustomerProfilesIntegration, finalizers: string[]): Promise<CustomerProfilesIntegration>;
}

export interface EventSink {
  emit(obj: CustomerProfilesIntegration, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void;
}

export interface ReconcilerDeps {
  gateway: IntegrationGateway;
  snapshots: DomainSnapshots;
  writer: ResourceWriter;
  events: EventSink;
  defaultRegion: string;
  /**
   * The IAM role to assume for a namespace's resources, if its Namespace names one; known: false
   * while the Namespace is not in the cache yet (acting then could use the wrong identity).
   */
  roleFor(namespace: string): { known: boolean; roleArn?: string | undefined };
  /** The key of an older resource that claims the same integration, if any. */
  olderClaimant(obj: CustomerProfilesIntegration): string | undefined;
  pollIntervalMs(obj: CustomerProfilesIntegration): number;
  now(): Date;
  log: ReconcileLog;
}

export interface ReconcileLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  debug(o: object, m: string): void;
  child(bindings: object): ReconcileLog;
}

/** A resource whose Namespace is not cached yet is looked at again this soon (its add event also requeues it). */
export const NAMESPACE_WAIT_MS = 2_000;

/** A stalled resource waits for a spec change, with a slow retry (a role or key may appear later). */
export const STALLED_RETRY_MS = 30 * 60_000;

/** An answer of AWS that needs a person, not a retry: the reconcile ends Stalled with it. */
class Refusal extends Error {
  readonly reason: ReasonName;
  constructor(reason: ReasonName, message: string) {
    super(message);
    this.reason = reason;
  }
}

const FLOW_EXISTS = /flow with name .* already exists/i;

/** One reconcile's resource, where it acts, and its keyed logger. */
interface Ctx {
  obj: CustomerProfilesIntegration;
  target: AwsTarget;
  prio: CallPriority;
  trigger: Trigger;
  log: ReconcileLog;
}

export class IntegrationReconciler {
  private readonly d: ReconcilerDeps;
  /** When each resource last started to read AWS (epoch ms): its next poll needs newer data. */
  private readonly lastLook = new Map<string, number>();
  constructor(deps: ReconcilerDeps) {
    this.d = deps;
  }

  /** The resource is gone: drop what we remembered about it. */
  forget(key: string): void {
    this.lastLook.delete(key);
  }

  async reconcile(obj: CustomerProfilesIntegration, trigger: Trigger): Promise<ReconcileResult> {
    const spec = obj.spec;
    const namespace = obj.metadata.namespace ?? '';
    const region = spec.region || this.d.defaultRegion;
    const log = this.d.log.child({ namespace, name: obj.metadata.name, domain: spec.domainName, region });
    const identity = this.d.roleFor(namespace);
    if (!identity.known) {
      log.debug({}, 'namespace not in the cache yet: waiting before acting with any identity');
      return { requeueAfterMs: NAMESPACE_WAIT_MS };
    }
    const target: AwsTarget = { region, roleArn: identity.roleArn };
    const annotations = obj.metadata.annotations ?? {};
    const isPaused = annotations[ANNOTATIONS.paused] === 'true';
    // A person asking for a reconcile, or changing the spec, goes before routine drift checks.
    const prio: CallPriority = trigger === 'change' ? 'high' : 'low';
    const ctx: Ctx = { obj, target, prio, trigger, log };

    if (obj.metadata.deletionTimestamp) return this.finalize(ctx, isPaused);
    if (trigger === 'change') {
      this.checkAnnotations(obj);
      const mismatch = uriRegionWarning(spec, this.d.defaultRegion);
      if (mismatch) this.d.events.emit(obj, 'Warning', 'UriRegionMismatch', 'Reconcile', `${mismatch.path}: ${mismatch.message}`);
    }

    const base: IntegrationStatus = { ...(obj.status ?? {}), lastHandledReconcileAt: annotations[ANNOTATIONS.reconcileRequestedAt] ?? obj.status?.lastHandledReconcileAt };
    if (base.lastHandledReconcileAt === undefined) delete base.lastHandledReconcileAt;

    if (isPaused) {
      await this.writeStatus(obj, paused(base, this.gen(obj), this.d.now()));
      return {}; // the annotation's removal is an update event that brings us back
    }

    const older = this.d.olderClaimant(obj);
    if (older) {
      const msg = `another resource, ${older}, already manages this integration (${spec.domainName}/${spec.uri ?? spec.flowDefinition?.flowName}); delete one of them`;
      return this.stall(ctx, base, Reason.Conflict, msg);
    }
    // Bad input the API server let through: say which field, once, and wait for a new spec.
    const bad = conversionProblem(spec);
    if (bad) return this.stall(ctx, base, Reason.InvalidSpec, `${bad.message}; fix the spec (nothing was sent to AWS)`);

    try {
      const account = await this.d.gateway.account(target);
      const moved = targetChange(pinnedTarget(obj.status), { account, region, roleArn: identity.roleArn }, spec);
      if (moved) return this.stall(ctx, base, Reason.TargetChanged, moved);
      const place = { region, account, assumedRoleArn: identity.roleArn };
      if (spec.managementPolicy === 'Observe') return await this.observeOnly(ctx, base, place);
      return await this.manage(ctx, base, place);
    } catch (err) {
      if (err instanceof Refusal) return this.stall(ctx, base, err.reason, err.message);
      return this.fail(ctx, base, err);
    }
  }

  /** Needs a person: Stalled with the reason, a Warning Event and a log line; a slow retry. */
  private async stall(ctx: Ctx, base: IntegrationStatus, reason: ReasonName, message: string): Promise<ReconcileResult> {
    const wasStalled = ctx.obj.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True' && c.reason === reason && c.message === message);
    await this.writeStatus(ctx.obj, stalled(base, this.gen(ctx.obj), this.d.now(), reason, message));
    if (!wasStalled) {
      this.d.events.emit(ctx.obj, 'Warning', reason, 'Reconcile', message);
      ctx.log.info({ reason, message }, 'stalled');
    }
    return { requeueAfterMs: STALLED_RETRY_MS };
  }

  /** Manage: make AWS match the spec, writing only to an integration this resource owns. */
  private async manage(ctx: Ctx, base: IntegrationStatus, where: Omit<Placement, 'arn'>): Promise<ReconcileResult> {
    let obj = ctx.obj;
    const spec = obj.spec;
    // The finalizer goes on before the first write, so a delete can never orphan an integration.
    if ((spec.deletionPolicy ?? 'Delete') === 'Delete' && !obj.metadata.finalizers?.includes(FINALIZER)) {
      obj = ctx.obj = await this.d.writer.setFinalizers(obj, [...(obj.metadata.finalizers ?? []), FINALIZER]);
    }

    const observed = await this.observe(ctx, where.account);
    let ownership: Ownership = 'Created';
    if (observed) {
      const decision = decideOwnership(obj, observed);
      if (!decision.owned) return this.stall(ctx, base, Reason.AlreadyExists, decision.message);
      ownership = decision.ownership;
    }
    const placeOf = (uri: string): Placement => ({ ...where, ownership, arn: integrationArn(where.region, where.account, spec.domainName, uri) });

    const applied = statusForPlan(obj);
    const plan = planIntegration({ spec, observed, status: applied, ownerTags: ownerTags(obj) });
    if (planIsEmpty(plan)) {
      // An imported flow that matches the spec: from now on it is the applied one.
      const adopted = applied === obj.status ? {} : { appliedFlowDefinitionHash: applied!.appliedFlowDefinitionHash, appliedFlowDefinition: spec.flowDefinition };
      const firstClaim = !obj.status?.ownership;
      await this.writeStatus(obj, ready({ ...base, ...adopted }, this.gen(obj), this.d.now(), observed!, placeOf(observed!.uri)));
      if (firstClaim && ownership === 'Adopted') {
        const msg = `Adopted integration ${observed!.uri} in ${spec.domainName}: it already matches the spec, nothing written`;
        this.d.events.emit(obj, 'Normal', 'Adopted', 'Adopt', msg);
        ctx.log.info({ uri: observed!.uri }, 'adopted without a write');
      }
      return { requeueAfterMs: this.d.pollIntervalMs(obj) };
    }

    const progressReason: ReasonName = plan.put?.reason === 'create' ? Reason.Creating : Reason.Updating;
    // A requested reconcile counts as handled when it ends, not while it is still writing to AWS.
    const pending = withHandled(base, obj.status?.lastHandledReconcileAt);
    await this.writeStatus(obj, inProgress(pending, this.gen(obj), this.d.now(), progressReason, describeChanges(plan.changes)));
    const result = await this.act(ctx, where.account, plan, observed);
    // A Put that went through applied the spec's flow, whatever else AWS did not take: recorded, so
    // a retry does not re-send it.
    const appliedFlow: Partial<IntegrationStatus> = plan.put ? { appliedFlowDefinitionHash: flowDefinitionHash(spec.flowDefinition), appliedFlowDefinition: spec.flowDefinition } : {};
    // What AWS reports after the write must be the spec: a member it did not take is said, never Ready.
    const left: FieldChange[] = [...readableChanges(spec, result), ...(plan.tag || plan.untag ? tagChanges(spec, result) : [])];
    if (left.length) return this.notConverged(ctx, { ...base, ...withoutEmpty(appliedFlow) }, result, left);
    const now = this.d.now();
    // From the status just written (Ready=False), so Ready's transition time moves forward, never back.
    const current = { ...obj.status, lastHandledReconcileAt: base.lastHandledReconcileAt };
    if (current.lastHandledReconcileAt === undefined) delete current.lastHandledReconcileAt;
    const status = ready(current, this.gen(obj), now, result, placeOf(result.uri));
    status.lastSyncTime = now.toISOString();
    if (plan.put) {
      delete status.appliedFlowDefinitionHash;
      delete status.appliedFlowDefinition;
      Object.assign(status, withoutEmpty(appliedFlow));
    }
    await this.writeStatus(obj, status);
    return { requeueAfterMs: this.d.pollIntervalMs(obj) };
  }

  /** The write went through, AWS does not show it: Ready=False NotConverged, retried with backoff. */
  private async notConverged(ctx: Ctx, base: IntegrationStatus, result: ObservedIntegration, left: FieldChange[]): Promise<ReconcileResult> {
    const message =
      `AWS accepted the write but reports ${describeChanges(left)} (AWS -> spec) for integration ${result.uri}; ` +
      'AWS may keep members a PutIntegration leaves out: set them in the spec, or clear them in AWS';
    const pending = withHandled(base, ctx.obj.status?.lastHandledReconcileAt);
    await this.writeStatus(ctx.obj, failed(pending, this.gen(ctx.obj), this.d.now(), Reason.NotConverged, message, Reason.NotConverged));
    this.d.events.emit(ctx.obj, 'Warning', Reason.NotConverged, 'PutIntegration', message);
    ctx.log.warn({ reason: Reason.NotConverged, uri: result.uri, fields: left.map((c) => c.path) }, 'not converged');
    return { retry: true };
  }

  /** Executes a plan: Put first (it may create the integration the tags belong to), then tags. */
  private async act(ctx: Ctx, account: string, plan: Plan, observed: ObservedIntegration | undefined): Promise<ObservedIntegration> {
    const { obj, target, prio, log } = ctx;
    const spec = obj.spec;
    let current = observed;
    this.d.snapshots.invalidate(target, spec.domainName);
    if (plan.put) {
      current = await this.d.gateway.putIntegration(target, plan.put.request, prio).catch((err: unknown) => {
        throw refusalFor(err, plan, spec.flowDefinition?.flowName) ?? err;
      });
      const verb = { create: 'Created', adopt: 'Adopted', update: 'Updated', drift: 'Updated' }[plan.put.reason];
      const why = plan.put.reason === 'drift' ? 'corrected an out-of-band change' : describeChanges(plan.changes);
      this.d.events.emit(obj, 'Normal', verb, 'PutIntegration', `${verb} integration ${current.uri} in ${spec.domainName}: ${why}`);
      log.info({ uri: current.uri, account, reason: plan.put.reason, outcome: 'ok' }, 'PutIntegration');
    }
    if (plan.tag || plan.untag) {
      const arn = integrationArn(target.region, account, spec.domainName, current!.uri);
      if (plan.tag) await this.d.gateway.tagResource(target, arn, plan.tag, prio);
      if (plan.untag) await this.d.gateway.untagResource(target, arn, plan.untag, prio);
      const note = [plan.tag && `set ${Object.keys(plan.tag).join(', ')}`, plan.untag && `removed ${plan.untag.join(', ')}`].filter(Boolean).join('; ');
      this.d.events.emit(obj, 'Normal', 'Tagged', 'TagResource', `Tags of ${current!.uri}: ${note}`);
      log.info({ uri: current!.uri, account, tagged: plan.tag ? Object.keys(plan.tag) : [], untagged: plan.untag ?? [], outcome: 'ok' }, 'TagResource');
      // Tag calls may move LastUpdatedAt; read it back so our own change never looks out-of-band.
      current = (await this.d.gateway.getIntegration(target, spec.domainName, current!.uri, prio)) ?? current;
    }
    return current!;
  }

  /** Observe: read only, and report how AWS differs from the spec. Owns nothing, writes nothing. */
  private async observeOnly(ctx: Ctx, base: IntegrationStatus, where: Omit<Placement, 'arn'>): Promise<ReconcileResult> {
    const { obj } = ctx;
    const spec = obj.spec;
    const observed = await this.observe(ctx, where.account);
    const drift = observed ? observeDrift(spec, observed) : [];
    const arn = observed ? integrationArn(where.region, where.account, spec.domainName, observed.uri) : '';
    await this.writeStatus(obj, observeOnly(base, this.gen(obj), this.d.now(), observed, drift, { ...where, arn }, spec.uri));
    return { requeueAfterMs: this.d.pollIntervalMs(obj) };
  }

  private observe(ctx: Ctx, account: string) {
    const { obj } = ctx;
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const snapshotAfter = this.lastLook.get(key);
    this.lastLook.set(key, this.d.now().getTime());
    return observeIntegration(ctx.target, obj.spec, obj.status, {
      gateway: this.d.gateway,
      snapshots: this.d.snapshots,
      fromSnapshot: ctx.trigger === 'poll',
      snapshotAfter,
      account,
      prio: ctx.prio,
    });
  }

  /**
   * Deletion: per deletionPolicy, and only ever the integration this resource owns, where it was
   * pinned (a namespace role or flag changed since cannot redirect the delete elsewhere).
   */
  private async finalize(ctx: Ctx, isPaused: boolean): Promise<ReconcileResult> {
    const { obj, log } = ctx;
    if (!obj.metadata.finalizers?.includes(FINALIZER)) return {};
    const spec = obj.spec;
    const keep = isPaused || spec.deletionPolicy === 'Retain' || spec.managementPolicy === 'Observe' || this.d.olderClaimant(obj);
    const pinned = pinnedTarget(obj.status);
    if (!keep) {
      try {
        const target: AwsTarget = pinned ? { region: pinned.region, roleArn: pinned.roleArn } : ctx.target;
        const account = await this.d.gateway.account(target);
        if (pinned?.account && pinned.account !== account) {
          const msg = `cannot delete integration ${pinned.uri}: it lives in account ${pinned.account}, but the credentials it was managed with (${pinned.roleArn ?? 'the controller\'s own'}) now reach account ${account}. Restore them, or set deletionPolicy: Retain to let the resource go and keep the integration`;
          return this.stall({ ...ctx, obj }, obj.status ?? {}, Reason.TargetChanged, msg);
        }
        // Only what this resource owns: never guessed from a spec that merely names an integration.
        const observed = await observeIntegration(target, spec, obj.status, { gateway: this.d.gateway, account, prio: 'high' });
        const decision = observed ? decideOwnership(obj, observed) : undefined;
        if (observed && decision?.owned) {
          this.d.snapshots.invalidate(target, spec.domainName);
          const existed = await this.d.gateway.deleteIntegration(target, spec.domainName, observed.uri, 'high');
          log.info({ uri: observed.uri, account, outcome: existed ? 'deleted' : 'already gone' }, 'DeleteIntegration');
          if (existed) this.d.events.emit(obj, 'Normal', 'Deleted', 'DeleteIntegration', `Deleted integration ${observed.uri} from ${spec.domainName}`);
        }
        // The flow of an integration this resource owned: AWS may leave it behind (docs/aws-behaviour.md),
        // and a flow name left taken would keep the resource from ever being created again.
        // Only when no integration of someone else uses it now (DeleteFlow without force also refuses a flow in use).
        const ownedUri = observed ? (decision?.owned ? observed.uri : undefined) : obj.status?.ownership ? obj.status.uri : undefined;
        const flowName = flowNameOfUri(ownedUri);
        if (flowName && (await this.d.gateway.flowExists(target, flowName, 'high'))) {
          await this.d.gateway.deleteFlow(target, flowName, 'high');
          log.info({ flowName, account, outcome: 'deleted' }, 'DeleteFlow');
          this.d.events.emit(obj, 'Normal', 'Deleted', 'DeleteFlow', `Deleted AppFlow flow ${flowName}, left behind by its deleted integration`);
        }
        if (observed && !decision?.owned) {
          log.info({ uri: observed.uri, account }, 'not deleting an integration this resource does not own');
          this.d.events.emit(obj, 'Normal', 'Retained', 'DeleteIntegration', `Left integration ${observed.uri} in ${spec.domainName} alone: this resource did not create or adopt it`);
        }
      } catch (err) {
        const failure = err instanceof AwsFailure ? err : classifyAwsError(err, 'DeleteIntegration');
        if (failure.kind === 'NotLeader') return {};
        // A domain that no longer exists has no integration left to delete.
        if (failure.kind !== 'NotFound') {
          this.d.events.emit(obj, 'Warning', reasonFor(failure), failure.operation, failure.message);
          log.warn({ reason: reasonFor(failure), err: failure.message, requestId: failure.requestId }, 'delete failed');
          const base = obj.status ?? {};
          await this.writeStatus(obj, failed(base, this.gen(obj), this.d.now(), reasonFor(failure), failure.message, Reason.Deleting));
          return { retry: true };
        }
      }
    }
    await this.d.writer.setFinalizers(obj, (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER));
    return {};
  }

  /** A mistyped annotation would silently do nothing: say so where the person will look. */
  private checkAnnotations(obj: CustomerProfilesIntegration): void {
    const a = obj.metadata.annotations;
    const problems = [
      [ANNOTATIONS.paused, pausedAnnotationProblem(a)],
      [ANNOTATIONS.pollInterval, pollIntervalAnnotation(a).problem],
    ].filter((p): p is [string, string] => p[1] !== undefined);
    for (const [name, problem] of problems) this.d.events.emit(obj, 'Warning', 'InvalidAnnotation', 'Reconcile', `${name}: ${problem}`);
  }

  private async fail(ctx: Ctx, base: IntegrationStatus, err: unknown): Promise<ReconcileResult> {
    const obj = ctx.obj;
    if (!(err instanceof AwsFailure)) throw err; // Kubernetes errors: the controller retries with backoff
    if (err.kind === 'NotLeader') return {};
    const reason = reasonFor(err);
    this.d.events.emit(obj, 'Warning', reason, err.operation, err.message);
    ctx.log.warn({ reason, operation: err.operation, err: err.message, requestId: err.requestId }, 'reconcile failed');
    if (terminalReasons.has(reason)) {
      await this.writeStatus(obj, stalled(base, this.gen(obj), this.d.now(), reason, err.message));
      return { requeueAfterMs: STALLED_RETRY_MS };
    }
    const readyReason = obj.status?.uri ? Reason.Updating : Reason.Creating;
    await this.writeStatus(obj, failed(base, this.gen(obj), this.d.now(), reason, err.message, readyReason));
    return { retry: true };
  }

  private async writeStatus(obj: CustomerProfilesIntegration, status: IntegrationStatus): Promise<void> {
    if (sameStatus(obj.status, status)) return; // at rest: zero API server writes
    await this.d.writer.patchStatus(obj, status);
    obj.status = status; // later steps of this reconcile compare against what is now stored
  }

  private gen(obj: CustomerProfilesIntegration): number {
    return obj.metadata.generation ?? 0;
  }
}

/** The members that have a value (a status never stores undefined). */
function withoutEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function withHandled(status: IntegrationStatus, handled: string | undefined): IntegrationStatus {
  const out = { ...status, lastHandledReconcileAt: handled };
  if (handled === undefined) delete out.lastHandledReconcileAt;
  return out;
}

/** AWS refusing a flow by name: an existing flow cannot be re-sent, or a new one's name is taken. */
function refusalFor(err: unknown, plan: Plan, flowName: string | undefined): Refusal | undefined {
  if (!(err instanceof AwsFailure) || err.kind !== 'InvalidSpec' || !plan.put?.request.FlowDefinition || !FLOW_EXISTS.test(err.message)) return undefined;
  if (plan.put.reason === 'create') {
    return new Refusal(
      Reason.AlreadyExists,
      `${err.message} An AppFlow flow named ${flowName} exists without an integration (left behind by a deleted integration, or made elsewhere): ` +
        `delete it in AppFlow (aws appflow delete-flow --flow-name ${flowName}) if it is not needed, or choose another flowDefinition.flowName`,
    );
  }
  return new Refusal(
    Reason.FlowImmutable,
    `${err.message} AWS does not take a changed flowDefinition for the existing flow ${flowName} through PutIntegration. ` +
      'To apply it, recreate the integration: set deletionPolicy: Delete, delete this resource (its integration and flow go) and apply it again; ' +
      'or revert spec.flowDefinition to status.appliedFlowDefinition. Other fields keep converging once the flow is back as applied',
  );
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
export function sameStatus(a: IntegrationStatus | undefined, b: IntegrationStatus): boolean {
  return deepEqual(strip(a), strip(b));
}
