// The life of one CustomerProfilesIntegration, read top to bottom: deleted? paused? conflict?
// observe AWS, plan, act, record status. Every exit sets conditions and says when to come back.
// Level-based and idempotent: it may run any number of times for the same state.
import type { CustomerProfilesIntegration, IntegrationSpec, IntegrationStatus } from '../api/types.ts';
import deepEqual from 'fast-deep-equal';
import { ANNOTATIONS, FINALIZER } from '../api/group.ts';
import { parseDuration } from '../cli/flags.ts';
import { flowDefinitionHash } from '../api/hash.ts';
import { integrationArn } from '../aws/arn.ts';
import { AwsFailure, classifyAwsError } from '../aws/errors.ts';
import type { AwsTarget, CallPriority, IntegrationGateway, ObservedIntegration } from '../aws/types.ts';
import { Reason, terminalReasons, type ReasonName } from './conditions.ts';
import { planIntegration, planIsEmpty, readableChanges, sameValue, type FieldChange, type Plan } from './plan.ts';
import type { DomainSnapshots } from './snapshots.ts';
import { observeIntegration } from './observe.ts';
import { describeChanges, inProgress, failed, observeOnly, paused, ready, stalled } from './status.ts';

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
  /** The IAM role to assume for a namespace's resources, if its Namespace names one. */
  roleFor(namespace: string): string | undefined;
  /** The key of an older resource that claims the same integration, if any. */
  olderClaimant(obj: CustomerProfilesIntegration): string | undefined;
  pollIntervalMs(obj: CustomerProfilesIntegration): number;
  now(): Date;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
}

/** A stalled resource waits for a spec change, with a slow retry (a role or key may appear later). */
export const STALLED_RETRY_MS = 30 * 60_000;

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
    const target: AwsTarget = { region: spec.region || this.d.defaultRegion, roleArn: this.d.roleFor(obj.metadata.namespace ?? '') };
    const annotations = obj.metadata.annotations ?? {};
    const isPaused = annotations[ANNOTATIONS.paused] === 'true';
    // A person asking for a reconcile, or changing the spec, goes before routine drift checks.
    const prio: CallPriority = trigger === 'change' ? 'high' : 'low';

    if (obj.metadata.deletionTimestamp) return this.finalize(obj, target, isPaused);
    if (trigger === 'change') this.checkAnnotations(obj);

    const base: IntegrationStatus = { ...(obj.status ?? {}), lastHandledReconcileAt: annotations[ANNOTATIONS.reconcileRequestedAt] ?? obj.status?.lastHandledReconcileAt };
    if (base.lastHandledReconcileAt === undefined) delete base.lastHandledReconcileAt;

    if (isPaused) {
      await this.writeStatus(obj, paused(base, this.gen(obj), this.d.now()));
      return {}; // the annotation's removal is an update event that brings us back
    }

    const older = this.d.olderClaimant(obj);
    if (older) {
      const msg = `another resource, ${older}, already manages this integration (${spec.domainName}/${spec.uri ?? spec.flowDefinition?.flowName}); delete one of them`;
      await this.writeStatus(obj, stalled(base, this.gen(obj), this.d.now(), Reason.Conflict, msg));
      this.d.events.emit(obj, 'Warning', Reason.Conflict, 'Reconcile', msg);
      return { requeueAfterMs: STALLED_RETRY_MS };
    }

    try {
      if (spec.managementPolicy === 'Observe') return await this.observeOnly(obj, target, base, prio, trigger);
      return await this.manage(obj, target, base, prio, trigger);
    } catch (err) {
      return this.fail(obj, base, err);
    }
  }

  /** Manage: make AWS match the spec. */
  private async manage(obj: CustomerProfilesIntegration, target: AwsTarget, base: IntegrationStatus, prio: CallPriority, trigger: Trigger): Promise<ReconcileResult> {
    const spec = obj.spec;
    // The finalizer goes on before the first write, so a delete can never orphan an integration.
    if ((spec.deletionPolicy ?? 'Delete') === 'Delete' && !obj.metadata.finalizers?.includes(FINALIZER)) {
      obj = await this.d.writer.setFinalizers(obj, [...(obj.metadata.finalizers ?? []), FINALIZER]);
    }

    const observed = await this.observe(obj, target, prio, trigger);
    const applied = statusForPlan(obj);
    const plan = planIntegration({ spec, observed, status: applied });
    const account = await this.d.gateway.account(target);
    if (planIsEmpty(plan)) {
      // An imported flow that matches the spec: from now on it is the applied one.
      const adopted = applied === obj.status ? {} : { appliedFlowDefinitionHash: applied!.appliedFlowDefinitionHash, appliedFlowDefinition: spec.flowDefinition };
      const status = ready({ ...base, ...adopted }, this.gen(obj), this.d.now(), observed!, target.region, integrationArn(target.region, account, spec.domainName, observed!.uri));
      // First claim of an integration that already matches: adopted without a write, said once.
      const firstClaim = !obj.status?.uri;
      await this.writeStatus(obj, status);
      if (firstClaim) this.d.events.emit(obj, 'Normal', 'Adopted', 'Adopt', `Adopted integration ${observed!.uri} in ${spec.domainName}: it already matches the spec, nothing written`);
      return { requeueAfterMs: this.d.pollIntervalMs(obj) };
    }

    const progressReason: ReasonName = plan.put?.reason === 'create' ? Reason.Creating : Reason.Updating;
    // A requested reconcile counts as handled when it ends, not while it is still writing to AWS.
    const pending = withHandled(base, obj.status?.lastHandledReconcileAt);
    await this.writeStatus(obj, inProgress(pending, this.gen(obj), this.d.now(), progressReason, describeChanges(plan.changes)));
    const result = await this.act(obj, target, account, plan, observed, prio);
    const now = this.d.now();
    const status = ready(base, this.gen(obj), now, result, target.region, integrationArn(target.region, account, spec.domainName, result.uri));
    status.lastSyncTime = now.toISOString();
    if (plan.put) {
      status.appliedFlowDefinitionHash = flowDefinitionHash(spec.flowDefinition);
      status.appliedFlowDefinition = spec.flowDefinition;
      if (!status.appliedFlowDefinitionHash) delete status.appliedFlowDefinitionHash;
      if (!status.appliedFlowDefinition) delete status.appliedFlowDefinition;
    }
    await this.writeStatus(obj, status);
    return { requeueAfterMs: this.d.pollIntervalMs(obj) };
  }

  /** Executes a plan: Put first (it may create the integration the tags belong to), then tags. */
  private async act(obj: CustomerProfilesIntegration, target: AwsTarget, account: string, plan: Plan, observed: ObservedIntegration | undefined, prio: CallPriority): Promise<ObservedIntegration> {
    const spec = obj.spec;
    let current = observed;
    this.d.snapshots.invalidate(target, spec.domainName);
    if (plan.put) {
      current = await this.d.gateway.putIntegration(target, plan.put.request, prio);
      const verb = { create: 'Created', adopt: 'Adopted', update: 'Updated', drift: 'Updated' }[plan.put.reason];
      const why = plan.put.reason === 'drift' ? 'corrected an out-of-band change' : describeChanges(plan.changes);
      this.d.events.emit(obj, 'Normal', verb, 'PutIntegration', `${verb} integration ${current.uri} in ${spec.domainName}: ${why}`);
      this.d.log.info({ uri: current.uri, reason: plan.put.reason }, 'PutIntegration');
    }
    if (plan.tag || plan.untag) {
      const arn = integrationArn(target.region, account, spec.domainName, current!.uri);
      if (plan.tag) await this.d.gateway.tagResource(target, arn, plan.tag, prio);
      if (plan.untag) await this.d.gateway.untagResource(target, arn, plan.untag, prio);
      const note = [plan.tag && `set ${Object.keys(plan.tag).join(', ')}`, plan.untag && `removed ${plan.untag.join(', ')}`].filter(Boolean).join('; ');
      this.d.events.emit(obj, 'Normal', 'Tagged', 'TagResource', `Tags of ${current!.uri}: ${note}`);
      // Tag calls may move LastUpdatedAt; read it back so our own change never looks out-of-band.
      current = (await this.d.gateway.getIntegration(target, spec.domainName, current!.uri, prio)) ?? current;
    }
    return current!;
  }

  /** Observe: read only, and report how AWS differs from the spec. */
  private async observeOnly(obj: CustomerProfilesIntegration, target: AwsTarget, base: IntegrationStatus, prio: CallPriority, trigger: Trigger): Promise<ReconcileResult> {
    const spec = obj.spec;
    const observed = await this.observe(obj, target, prio, trigger);
    const account = observed ? await this.d.gateway.account(target) : '';
    const drift: FieldChange[] = [];
    if (observed) {
      drift.push(...readableChanges(spec, observed));
      if (!sameValue(spec.tags, observed.tags)) drift.push({ path: 'tags', kind: 'change', from: observed.tags, to: spec.tags });
    }
    const arn = observed ? integrationArn(target.region, account, spec.domainName, observed.uri) : undefined;
    await this.writeStatus(obj, observeOnly(base, this.gen(obj), this.d.now(), observed, drift, target.region, arn));
    return { requeueAfterMs: this.d.pollIntervalMs(obj) };
  }

  private observe(obj: CustomerProfilesIntegration, target: AwsTarget, prio: CallPriority, trigger: Trigger) {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const snapshotAfter = this.lastLook.get(key);
    this.lastLook.set(key, this.d.now().getTime());
    return observeIntegration(target, obj.spec, obj.status, {
      gateway: this.d.gateway,
      snapshots: this.d.snapshots,
      fromSnapshot: trigger === 'poll',
      snapshotAfter,
      prio,
    });
  }

  /** Deletion: per deletionPolicy, then let Kubernetes remove the object. */
  private async finalize(obj: CustomerProfilesIntegration, target: AwsTarget, isPaused: boolean): Promise<ReconcileResult> {
    if (!obj.metadata.finalizers?.includes(FINALIZER)) return {};
    const spec = obj.spec;
    const keep = isPaused || spec.deletionPolicy === 'Retain' || spec.managementPolicy === 'Observe' || this.d.olderClaimant(obj);
    if (!keep) {
      try {
        const uri = obj.status?.uri || spec.uri || (await this.observe(obj, target, 'high', 'change'))?.uri;
        if (uri) {
          this.d.snapshots.invalidate(target, spec.domainName);
          const existed = await this.d.gateway.deleteIntegration(target, spec.domainName, uri, 'high');
          if (existed) this.d.events.emit(obj, 'Normal', 'Deleted', 'DeleteIntegration', `Deleted integration ${uri} from ${spec.domainName}`);
        }
      } catch (err) {
        const failure = classifyAwsError(err, 'DeleteIntegration');
        if (failure.kind === 'NotLeader') return {};
        // A domain that no longer exists has no integration left to delete.
        if (failure.kind !== 'NotFound') {
          this.d.events.emit(obj, 'Warning', reasonFor(failure), 'DeleteIntegration', failure.message);
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
    const a = obj.metadata.annotations ?? {};
    const problems: string[] = [];
    const paused = a[ANNOTATIONS.paused];
    if (paused !== undefined && paused !== 'true' && paused !== 'false') {
      problems.push(`${ANNOTATIONS.paused}: "${paused}" is neither "true" nor "false"; the resource is not paused`);
    }
    const poll = a[ANNOTATIONS.pollInterval];
    if (poll !== undefined) {
      try {
        parseDuration(poll, ANNOTATIONS.pollInterval);
      } catch {
        problems.push(`${ANNOTATIONS.pollInterval}: "${poll}" is not a duration such as 30s or 10m; the controller's --poll-interval applies`);
      }
    }
    for (const p of problems) this.d.events.emit(obj, 'Warning', 'InvalidAnnotation', 'Reconcile', p);
  }

  private async fail(obj: CustomerProfilesIntegration, base: IntegrationStatus, err: unknown): Promise<ReconcileResult> {
    if (!(err instanceof AwsFailure)) throw err; // Kubernetes errors: the controller retries with backoff
    if (err.kind === 'NotLeader') return {};
    const reason = reasonFor(err);
    this.d.events.emit(obj, 'Warning', reason, err.operation, err.message);
    this.d.log.warn({ reason, err: err.message, requestId: err.requestId }, 'reconcile failed');
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

/**
 * The status a plan compares with. `cpi import` records the hash of the flow it read back from
 * AppFlow (FlowDefinition is write-only in Customer Profiles); on first claim, with no applied
 * hash in status, that hash stands for what AWS has, so adopting an import writes nothing.
 */
export function statusForPlan(obj: CustomerProfilesIntegration): IntegrationStatus | undefined {
  const imported = obj.metadata.annotations?.[ANNOTATIONS.observedFlowHash];
  if (!imported || !/^sha256:[0-9a-f]{64}$/.test(imported) || obj.status?.appliedFlowDefinitionHash) return obj.status;
  return { ...obj.status, appliedFlowDefinitionHash: imported };
}

function withHandled(status: IntegrationStatus, handled: string | undefined): IntegrationStatus {
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
export function sameStatus(a: IntegrationStatus | undefined, b: IntegrationStatus): boolean {
  return deepEqual(strip(a), strip(b));
}
