// What a reconcile of one resource would do, without doing it: the controller's own sequence
// (reconcile/assess.ts: pinned target, observe, ownership, plan) against AWS, read-only. The live status from
// the cluster supplies what only the operator knows (the Uri AWS generated, the flow last
// applied and when it last wrote), exactly as the controller would see it.
import { ANNOTATIONS } from '../api/group.ts';
import type { CustomerProfilesIntegration, IntegrationSpec, IntegrationStatus } from '../api/types.ts';
import { OPERATOR_FIELDS } from '../api/convert.ts';
import type { AwsTarget, IntegrationGateway } from '../aws/types.ts';
import { assess } from '../reconcile/assess.ts';
import { IntegrationKind } from '../reconcile/integration-kind.ts';
import type { FieldChange, PutReason } from '../reconcile/plan.ts';
import type { DomainSnapshots } from '../reconcile/snapshots.ts';

/**
 * create/update: the reconcile writes (the calls say which). none: AWS matches. read-only: an
 * Observe resource, never written (changes are the drift it would report). paused: the paused
 * annotation keeps the controller away (changes are what it would do once unpaused).
 */
export type PlanAction = 'create' | 'update' | 'none' | 'read-only' | 'paused' | 'refused' | 'error';

export interface ResourcePlan {
  file?: string | undefined;
  doc?: number | undefined;
  namespace: string;
  name: string;
  domainName: string;
  region: string;
  uri?: string | undefined;
  mode: 'Manage' | 'Observe';
  action: PlanAction;
  /** Why a PutIntegration is made: create, adopt (first claim of an existing one), update, drift. */
  reason?: PutReason | undefined;
  /** The AWS write calls, in the order the reconcile makes them. */
  calls: string[];
  changes: FieldChange[];
  /** How flowDefinition was compared: field by field (status has the last applied one) or by hash. */
  flowCompared?: 'fields' | 'hash' | undefined;
  /** Where the operator's memory came from: the live object in the cluster, or none. */
  statusSource: 'cluster' | 'not-in-cluster' | 'no-cluster';
  /** Not in the cluster in `namespace`, but one of the same name is in these namespaces. */
  inOtherNamespaces?: string[] | undefined;
  /** Not in the cluster, and this resource there already manages the same integration. */
  claimedBy?: string | undefined;
  error?: string | undefined;
  /** refused: why the controller would write nothing and stall (AlreadyExists, TargetChanged), and what to do. */
  refusal?: { reason: 'AlreadyExists' | 'TargetChanged'; message: string } | undefined;
}

export interface PlanDeps {
  gateway: IntegrationGateway;
  /** The region for resources without spec.region (the controller's --region). */
  defaultRegion: string;
  /** The namespace for resources without metadata.namespace (the kubeconfig context's). */
  defaultNamespace: string;
  /** The resource's status in the cluster: undefined when it is not there; null when no cluster is used. */
  liveStatus(namespace: string, name: string): Promise<IntegrationStatus | undefined | null>;
  /** The resource's uid in the cluster, when it is there (the owner tag names it). */
  liveUid?(namespace: string, name: string): Promise<string | undefined>;
  /** The IAM role the controller assumes for a namespace's resources (its role-arn annotation). */
  roleFor?(namespace: string): Promise<string | undefined>;
  /**
   * Domains with several resources are read as the controller's drift checks read them: one
   * paged ListIntegrations per domain (shared snapshot) instead of one GetIntegration each.
   */
  snapshots?: DomainSnapshots | undefined;
  batched?: ((region: string, domain: string) => boolean) | undefined;
}

/** Every AWS member of the spec as an added field (what a create sends), leaf by leaf. */
export function createChanges(spec: IntegrationSpec): FieldChange[] {
  const out: FieldChange[] = [{ path: '', kind: 'add', to: 'integration' }];
  const walk = (path: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x !== 'object' || x === null)) out.push({ path, kind: 'add', to: v });
      else v.forEach((x, i) => walk(`${path}[${i}]`, x));
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(path ? `${path}.${k}` : k, x);
    } else out.push({ path, kind: 'add', to: v });
  };
  const operator = new Set<string>(OPERATOR_FIELDS);
  for (const [k, v] of Object.entries(spec)) if (!operator.has(k)) walk(k, v);
  return out;
}

export async function planResource(obj: CustomerProfilesIntegration, deps: PlanDeps, where: { file?: string; doc?: number } = {}): Promise<ResourcePlan> {
  const spec = obj.spec;
  const namespace = obj.metadata.namespace || deps.defaultNamespace;
  const region = spec.region || deps.defaultRegion;
  const mode = spec.managementPolicy === 'Observe' ? 'Observe' : 'Manage';
  const result: ResourcePlan = { ...where, namespace, name: obj.metadata.name, domainName: spec.domainName, region, mode, action: 'none', calls: [], changes: [], statusSource: 'no-cluster' };
  try {
    const live = await deps.liveStatus(namespace, obj.metadata.name);
    result.statusSource = live === null ? 'no-cluster' : live === undefined ? 'not-in-cluster' : 'cluster';
    // The manifest's metadata with the cluster's status: what the controller sees after the apply.
    const current: CustomerProfilesIntegration = { ...obj, ...(live ? { status: live } : {}) };
    if (!live) delete current.status;
    // The controller's identity for the namespace: a preview with local credentials would look
    // at another account than the merge will write to.
    const roleArn = await deps.roleFor?.(namespace);
    const target: AwsTarget = { region, roleArn };
    const uid = live ? await deps.liveUid?.(namespace, obj.metadata.name) : undefined;
    if (uid) current.metadata = { ...current.metadata, uid };
    const account = await deps.gateway.account(target);
    const fromSnapshot = !!deps.snapshots && !!deps.batched?.(region, spec.domainName);
    const kind = new IntegrationKind(deps.gateway, deps.snapshots);
    const found = await assess(kind, current, {
      target,
      account,
      observe: { prio: 'high', fromSnapshot },
      // Without the cluster there is no status or uid to know ownership from: not judged then.
      judgeOwnership: live !== null,
      now: new Date(),
    });
    if (found.outcome === 'moved') return refuse(result, 'TargetChanged', found.message);
    const observed = found.observed;
    result.uri = observed?.uri ?? current.status?.uri ?? spec.uri;
    if (found.outcome === 'observed') {
      result.action = 'read-only';
      // What the reconciler reports as drift in Observe mode: readable fields and tags.
      result.changes = observed ? found.drift : [{ path: '', kind: 'add', to: 'integration' }];
      return result;
    }
    if (found.outcome === 'refused') return refuse(result, 'AlreadyExists', found.message);

    const { summary, planned } = found;
    result.changes = summary.reason === 'create' ? createChanges(spec) : summary.changes;
    if (result.changes.some((c) => c.path.startsWith('flowDefinition'))) result.flowCompared = planned.status?.appliedFlowDefinition ? 'fields' : 'hash';
    result.calls = summary.calls;
    result.reason = summary.reason;
    result.action = result.calls.length === 0 ? 'none' : summary.reason === 'create' ? 'create' : 'update';
    if (result.calls.length && obj.metadata.annotations?.[ANNOTATIONS.paused] === 'true') {
      result.action = 'paused';
      result.calls = [];
    }
  } catch (err) {
    result.action = 'error';
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}

function refuse(result: ResourcePlan, reason: 'AlreadyExists' | 'TargetChanged', message: string): ResourcePlan {
  result.action = 'refused';
  result.refusal = { reason, message };
  return result;
}

/** Whether any plan makes a write (terraform's "changes present", exit code 2). */
export const hasChanges = (plans: ResourcePlan[]) => plans.some((p) => p.action === 'create' || p.action === 'update');
