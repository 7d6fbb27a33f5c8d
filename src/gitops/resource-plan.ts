// What a reconcile of one resource would do, without doing it: the controller's own sequence
// (reconcile/assess.ts: pinned target, observe, ownership, plan) against AWS, read-only, for each
// kind with its own ManagedKind (IntegrationKind, domainKind, objectTypeKind). The live status from
// the cluster supplies what only the operator knows (the Uri AWS generated, the flow last
// applied, when it last wrote, the ownership it recorded), exactly as the controller would see it.
import { ANNOTATIONS, DOMAIN_NAMES, INTEGRATION_NAMES, OBJECT_TYPE_NAMES, type KindNames, type ResourceKind } from '../api/group.ts';
import type { ManagedObject, ManagedStatus } from '../api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType, CustomerProfilesResource, IntegrationStatus } from '../api/types.ts';
import { OPERATOR_FIELDS } from '../api/convert.ts';
import type { AwsTarget, DomainGateway, IntegrationGateway, ObjectTypeGateway } from '../aws/types.ts';
import { assess, type Assessment } from '../reconcile/assess.ts';
import { domainKind } from '../reconcile/domain-kind.ts';
import { IntegrationKind } from '../reconcile/integration-kind.ts';
import type { ManagedKind } from '../reconcile/kind.ts';
import { objectTypeKind } from '../reconcile/object-type-kind.ts';
import type { FieldChange, PutReason } from '../reconcile/plan.ts';
import type { DomainSnapshots } from '../reconcile/snapshots.ts';

/**
 * create/update: the reconcile writes (the calls say which). none: AWS matches. read-only: an
 * Observe resource, never written (changes are the drift it would report). paused: the paused
 * annotation keeps the controller away (changes are what it would do once unpaused).
 */
export type PlanAction = 'create' | 'update' | 'none' | 'read-only' | 'paused' | 'refused' | 'error';

export interface ResourcePlan {
  kind: ResourceKind;
  file?: string | undefined;
  doc?: number | undefined;
  namespace: string;
  name: string;
  domainName: string;
  /** An object type's name (CustomerProfilesObjectType only). */
  objectTypeName?: string | undefined;
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
  /**
   * Resources of the same plan and namespace it needs that AWS does not have yet ("Kind ns/name"):
   * the controller sends nothing for it until they exist, so it is planned as a create, unread.
   */
  after?: string[] | undefined;
}

export interface PlanDeps {
  /** Domains and object types need their calls too (AwsGateway has every one). */
  gateway: IntegrationGateway & Partial<DomainGateway & ObjectTypeGateway>;
  /** The region for resources without spec.region (the controller's --region). */
  defaultRegion: string;
  /** The namespace for resources without metadata.namespace (the kubeconfig context's). */
  defaultNamespace: string;
  /**
   * The resource's status in the cluster (`names`: its kind's; an integration when not given):
   * undefined when it is not there; null when no cluster is used.
   */
  liveStatus(namespace: string, name: string, names?: KindNames): Promise<ManagedStatus | IntegrationStatus | undefined | null>;
  /** The resource's uid in the cluster, when it is there (the owner tag names it). */
  liveUid?(namespace: string, name: string, names?: KindNames): Promise<string | undefined>;
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
export function createChanges(spec: object, noun = 'integration'): FieldChange[] {
  const out: FieldChange[] = [{ path: '', kind: 'add', to: noun }];
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

/** How one resource is planned besides the kind's own decisions. */
export interface PlanContext {
  /** Resources it needs that AWS does not have yet ("Kind ns/name"): planned as absent, without a read. */
  after?: string[] | undefined;
}

/** The plan of one resource of any kind; an object without a kind of the group is an integration. */
export async function planResource(obj: CustomerProfilesResource, deps: PlanDeps, where: { file?: string; doc?: number } = {}, context: PlanContext = {}): Promise<ResourcePlan> {
  if (obj.kind === DOMAIN_NAMES.kind) return planNamed(obj as CustomerProfilesDomain, DOMAIN_NAMES, deps, where, context);
  if (obj.kind === OBJECT_TYPE_NAMES.kind) return planNamed(obj as CustomerProfilesObjectType, OBJECT_TYPE_NAMES, deps, where, context);
  return planIntegration(obj as CustomerProfilesIntegration, deps, where, context);
}

function basePlan(obj: ManagedObject, kind: ResourceKind, deps: PlanDeps, where: { file?: string; doc?: number }, context: PlanContext): ResourcePlan {
  const spec = obj.spec;
  return {
    kind,
    ...where,
    namespace: obj.metadata.namespace || deps.defaultNamespace,
    name: obj.metadata.name,
    domainName: spec.domainName,
    region: spec.region || deps.defaultRegion,
    mode: spec.managementPolicy === 'Observe' ? 'Observe' : 'Manage',
    action: 'none',
    calls: [],
    changes: [],
    statusSource: 'no-cluster',
    ...(context.after?.length ? { after: context.after } : {}),
  };
}

/**
 * The controller's assessment of `obj` as it would run after the apply: the manifest's metadata
 * with the cluster's status and uid, the namespace's identity, and (when a dependency does not
 * exist yet) nothing in AWS, read or not.
 */
async function assessed<R extends ManagedObject, O, P>(kind: ManagedKind<R, O, P>, names: KindNames, obj: R, deps: PlanDeps, result: ResourcePlan, context: PlanContext, fromSnapshot = false): Promise<{ current: R; found: Assessment<R, O, P> }> {
  const { namespace, name, region } = result;
  const live = await deps.liveStatus(namespace, name, names);
  result.statusSource = live === null ? 'no-cluster' : live === undefined ? 'not-in-cluster' : 'cluster';
  const current = { ...obj, ...(live ? { status: live } : {}) } as R;
  if (!live) delete current.status;
  // The controller's identity for the namespace: a preview with local credentials would look
  // at another account than the merge will write to.
  const roleArn = await deps.roleFor?.(namespace);
  const target: AwsTarget = { region, roleArn };
  const uid = live ? await deps.liveUid?.(namespace, name, names) : undefined;
  if (uid) current.metadata = { ...current.metadata, uid };
  const account = await deps.gateway.account(target);
  // A dependency AWS does not have yet: the controller makes no call that must fail, and once it
  // exists, this one does not either (a GetProfileObjectType on a missing domain is NotFound).
  const unread: ManagedKind<R, O, P> = context.after?.length ? Object.create(kind, { observe: { value: async () => undefined } }) : kind;
  const found = await assess(unread, current, {
    target,
    account,
    observe: { prio: 'high', fromSnapshot },
    // Without the cluster there is no status or uid to know ownership from: not judged then.
    judgeOwnership: live !== null,
    now: new Date(),
  });
  return { current, found };
}

/**
 * What the controller would do with the assessment, the same for every kind: refuse (a moved
 * target, one it does not own), report drift read-only (Observe), or make the planned calls
 * (none when paused). A create lists every member it sends.
 */
function settle<R extends ManagedObject>(result: ResourcePlan, obj: R, noun: string, found: Assessment<R, unknown, unknown>): void {
  if (found.outcome === 'moved') return void refuse(result, 'TargetChanged', found.message);
  if (found.outcome === 'refused') return void refuse(result, 'AlreadyExists', found.message);
  if (found.outcome === 'observed') {
    result.action = 'read-only';
    // What the reconciler reports as drift in Observe mode.
    result.changes = found.observed !== undefined ? found.drift : [{ path: '', kind: 'add', to: noun }];
    return;
  }
  const { summary } = found;
  result.changes = summary.reason === 'create' ? createChanges(obj.spec, noun) : summary.changes;
  result.calls = summary.calls;
  result.reason = summary.reason;
  result.action = result.calls.length === 0 ? 'none' : summary.reason === 'create' ? 'create' : 'update';
  if (result.calls.length && obj.metadata.annotations?.[ANNOTATIONS.paused] === 'true') {
    result.action = 'paused';
    result.calls = [];
  }
}

function failedPlan(result: ResourcePlan, err: unknown): ResourcePlan {
  result.action = 'error';
  result.error = err instanceof Error ? err.message : String(err);
  return result;
}

async function planIntegration(obj: CustomerProfilesIntegration, deps: PlanDeps, where: { file?: string; doc?: number }, context: PlanContext): Promise<ResourcePlan> {
  const spec = obj.spec;
  const result = basePlan(obj, INTEGRATION_NAMES.kind, deps, where, context);
  try {
    const fromSnapshot = !!deps.snapshots && !!deps.batched?.(result.region, spec.domainName);
    const kind = new IntegrationKind(deps.gateway, deps.snapshots);
    const { current, found } = await assessed(kind, INTEGRATION_NAMES, obj, deps, result, context, fromSnapshot);
    if (found.outcome !== 'moved') result.uri = found.observed?.uri ?? current.status?.uri ?? spec.uri;
    settle(result, obj, kind.noun, found);
    if (found.outcome === 'planned' && result.changes.some((c) => c.path.startsWith('flowDefinition'))) {
      result.flowCompared = found.planned.status?.appliedFlowDefinition ? 'fields' : 'hash';
    }
  } catch (err) {
    failedPlan(result, err);
  }
  return result;
}

/** A domain or an object type: found by its name, one Get. */
async function planNamed<R extends CustomerProfilesDomain | CustomerProfilesObjectType>(obj: R, names: KindNames, deps: PlanDeps, where: { file?: string; doc?: number }, context: PlanContext): Promise<ResourcePlan> {
  const result = basePlan(obj, names.kind as ResourceKind, deps, where, context);
  if (obj.kind === OBJECT_TYPE_NAMES.kind) result.objectTypeName = (obj as CustomerProfilesObjectType).spec.objectTypeName;
  try {
    const kind = namedKind(obj, deps.gateway) as unknown as ManagedKind<R, unknown, unknown>;
    const { found } = await assessed(kind, names, obj, deps, result, context);
    settle(result, obj, kind.noun, found);
  } catch (err) {
    failedPlan(result, err);
  }
  return result;
}

function namedKind(obj: CustomerProfilesDomain | CustomerProfilesObjectType, gateway: PlanDeps['gateway']) {
  const g = gateway as IntegrationGateway & DomainGateway & ObjectTypeGateway;
  if (obj.kind === DOMAIN_NAMES.kind) {
    if (!g.getDomain) throw new Error('this AWS gateway cannot read domains');
    return domainKind(g);
  }
  if (!g.getObjectType) throw new Error('this AWS gateway cannot read object types');
  return objectTypeKind(g);
}

function refuse(result: ResourcePlan, reason: 'AlreadyExists' | 'TargetChanged', message: string): ResourcePlan {
  result.action = 'refused';
  result.refusal = { reason, message };
  return result;
}

/** Whether any plan makes a write (terraform's "changes present", exit code 2). */
export const hasChanges = (plans: ResourcePlan[]) => plans.some((p) => p.action === 'create' || p.action === 'update');
