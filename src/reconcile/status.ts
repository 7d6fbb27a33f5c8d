// Status builders: each returns the whole status for one outcome of a reconcile, following
// kstatus and Flux's conformance rules (docs/design.md#conditions-kstatus-and-flux-conformance):
// Ready is always present, Stalled=True implies Ready=False, Reconciling and Stalled are never
// both True, and the root observedGeneration moves only when the reconcile ends Ready or Stalled.
import type { IntegrationStatus } from '../api/types.ts';
import type { ObservedIntegration } from '../aws/types.ts';
import { ConditionType as T, Reason, removeCondition, setCondition, type ReasonName } from './conditions.ts';
import type { FieldChange } from './plan.ts';

const iso = (d: Date) => d.toISOString();

function withConditions(base: IntegrationStatus, edit: (c: IntegrationStatus['conditions'] & object) => IntegrationStatus['conditions']): IntegrationStatus {
  return { ...base, conditions: edit(base.conditions ?? []) };
}

/** Where the integration lives and why this resource may touch it: pinned once it exists. */
export interface Placement {
  region: string;
  account: string;
  arn: string;
  assumedRoleArn?: string | undefined;
  ownership?: 'Created' | 'Adopted' | undefined;
}

/** What AWS reported, copied into status: the identity, the pinned target and the timestamps. */
function observedFields(observed: ObservedIntegration, place: Placement): Partial<IntegrationStatus> {
  const fields: Partial<IntegrationStatus> = {
    uri: observed.uri,
    integrationArn: place.arn,
    region: place.region,
    account: place.account,
    createdAt: iso(observed.createdAt),
    lastUpdatedAt: iso(observed.lastUpdatedAt),
    isUnstructured: observed.isUnstructured ?? false,
  };
  if (observed.workflowId) fields.workflowId = observed.workflowId;
  if (place.assumedRoleArn) fields.assumedRoleArn = place.assumedRoleArn;
  if (place.ownership) fields.ownership = place.ownership;
  return fields;
}

/** Drops what a status must not carry over when it is rebuilt (undefined members, a stale role). */
function withoutStale(s: IntegrationStatus, place: Placement, observed: ObservedIntegration): IntegrationStatus {
  if (!observed.workflowId) delete s.workflowId;
  if (!place.assumedRoleArn) delete s.assumedRoleArn;
  return s;
}

export function ready(base: IntegrationStatus, gen: number, now: Date, observed: ObservedIntegration, place: Placement): IntegrationStatus {
  const s = withConditions({ ...base, ...observedFields(observed, place), observedGeneration: gen }, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'True', reason: Reason.Available, message: `integration ${observed.uri} matches the spec` }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'True', reason: Reason.ReconcileSuccess, message: '' }, gen, now);
    return removeCondition(removeCondition(c, T.Reconciling), T.Stalled);
  });
  return withoutStale(s, place, observed);
}

/** About to write to AWS: Reconciling=True, Ready=False with what is being done. */
export function inProgress(base: IntegrationStatus, gen: number, now: Date, reason: ReasonName, message: string): IntegrationStatus {
  return withConditions(base, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason, message }, gen, now);
    c = setCondition(c, { type: T.Reconciling, status: 'True', reason: Reason.Progressing, message }, gen, now);
    return removeCondition(c, T.Stalled);
  });
}

/** A retryable failure: Synced=False with the reason, Reconciling=True while we retry. */
export function failed(base: IntegrationStatus, gen: number, now: Date, reason: ReasonName, message: string, readyReason: ReasonName): IntegrationStatus {
  return withConditions(base, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason: readyReason, message }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'False', reason, message }, gen, now);
    c = setCondition(c, { type: T.Reconciling, status: 'True', reason: Reason.Retrying, message: `retrying: ${message}` }, gen, now);
    return removeCondition(c, T.Stalled);
  });
}

/** Needs a person: Stalled=True, Ready=False, observedGeneration caught up. */
export function stalled(base: IntegrationStatus, gen: number, now: Date, reason: ReasonName, message: string): IntegrationStatus {
  return withConditions({ ...base, observedGeneration: gen }, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.Error, message }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'False', reason, message }, gen, now);
    c = setCondition(c, { type: T.Stalled, status: 'True', reason, message }, gen, now);
    return removeCondition(c, T.Reconciling);
  });
}

/** Hands off: Synced=False Paused; Ready keeps what it last knew. */
export function paused(base: IntegrationStatus, gen: number, now: Date): IntegrationStatus {
  return withConditions(base, (c) => {
    if (!c.some((x) => x.type === T.Ready)) {
      c = setCondition(c, { type: T.Ready, status: 'Unknown', reason: Reason.Paused, message: 'paused before the first reconcile' }, gen, now);
    }
    c = setCondition(c, { type: T.Synced, status: 'False', reason: Reason.Paused, message: 'the paused annotation is set: AWS is left alone' }, gen, now);
    return removeCondition(c, T.Reconciling);
  });
}

/** Observe mode: Ready=True when AWS matches, else Drifted or NotFound. Never Stalled. */
export function observeOnly(base: IntegrationStatus, gen: number, now: Date, observed: ObservedIntegration | undefined, drift: FieldChange[], place: Placement, specUri?: string): IntegrationStatus {
  // Not found: the region looked in, and the spec's uri, so `kubectl get` says where it looked.
  const s: IntegrationStatus = observed
    ? withoutStale({ ...base, ...observedFields(observed, { ...place, ownership: undefined }), observedGeneration: gen }, place, observed)
    : { ...base, region: place.region, ...(specUri ? { uri: specUri } : {}), observedGeneration: gen };
  delete s.ownership; // Observe owns nothing
  return withConditions(s, (c) => {
    if (!observed) c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.NotFound, message: 'the integration does not exist in AWS (Observe mode never creates it)' }, gen, now);
    else if (drift.length) c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.Drifted, message: `AWS differs from the spec: ${describeChanges(drift)}` }, gen, now);
    else c = setCondition(c, { type: T.Ready, status: 'True', reason: Reason.Available, message: `integration ${observed.uri} matches the spec (Observe)` }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'True', reason: Reason.ReconcileSuccess, message: 'observed (read-only)' }, gen, now);
    return removeCondition(removeCondition(c, T.Reconciling), T.Stalled);
  });
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

/** One line for people: `objectTypeName: "A" -> "B"; +tags.team`. */
export function describeChanges(changes: FieldChange[]): string {
  if (changes.some((c) => c.path === '')) return 'the integration does not exist yet';
  const parts = changes.map((c) =>
    c.kind === 'add' ? `+${c.path}` : c.kind === 'remove' ? `-${c.path}` : `${c.path}: ${show(c.from)} -> ${show(c.to)}`,
  );
  const text = parts.slice(0, 8).join('; ') + (parts.length > 8 ? `; and ${parts.length - 8} more` : '');
  return text.length > 900 ? `${text.slice(0, 897)}...` : text;
}
