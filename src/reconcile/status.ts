// Status builders: each returns the whole status for one outcome of a reconcile, following
// kstatus and Flux's conformance rules (docs/design.md#conditions-kstatus-and-flux-conformance):
// Ready is always present, Stalled=True implies Ready=False, Reconciling and Stalled are never
// both True, and the root observedGeneration moves only when the reconcile ends Ready or Stalled.
import type { Condition, IntegrationStatus } from '../api/types.ts';
import type { ObservedIntegration } from '../aws/types.ts';
import { ConditionType as T, Reason, removeCondition, setCondition, type ReasonName } from './conditions.ts';
import type { ManagedStatus, Placement } from './kind.ts';
import type { FieldChange } from './plan.ts';

export type { Placement } from './kind.ts';

const iso = (d: Date) => d.toISOString();

function withConditions<S extends ManagedStatus>(base: S, edit: (c: Condition[]) => Condition[]): S {
  return { ...base, conditions: edit(base.conditions ?? []) };
}

/** base with fields laid over it; a field given as undefined is removed (a stale member, e.g. a role no longer assumed). */
function overlay<S extends ManagedStatus>(base: S, fields: Partial<S>): S {
  const s = { ...base, ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete (s as Record<string, unknown>)[k];
  return s;
}

/** The pinned target and ownership, as every kind records them once its AWS object is seen. */
export function placementFields(place: Placement): Partial<ManagedStatus> {
  return { region: place.region, account: place.account, assumedRoleArn: place.assumedRoleArn, ...(place.ownership ? { ownership: place.ownership } : {}) };
}

/** AWS matches the spec: Ready=True, Synced=True; `fields` are what AWS reported (identity, timestamps). */
export function readyStatus<S extends ManagedStatus>(base: S, gen: number, now: Date, message: string, fields: Partial<S>): S {
  return withConditions(overlay({ ...base, observedGeneration: gen }, fields), (c) => {
    c = setCondition(c, { type: T.Ready, status: 'True', reason: Reason.Available, message }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'True', reason: Reason.ReconcileSuccess, message: '' }, gen, now);
    return removeCondition(removeCondition(c, T.Reconciling), T.Stalled);
  });
}

/** About to write to AWS: Reconciling=True, Ready=False with what is being done. */
export function inProgress<S extends ManagedStatus>(base: S, gen: number, now: Date, reason: ReasonName, message: string): S {
  return withConditions(base, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason, message }, gen, now);
    c = setCondition(c, { type: T.Reconciling, status: 'True', reason: Reason.Progressing, message }, gen, now);
    return removeCondition(c, T.Stalled);
  });
}

/** A retryable failure: Synced=False with the reason, Reconciling=True while we retry. */
export function failed<S extends ManagedStatus>(base: S, gen: number, now: Date, reason: ReasonName, message: string, readyReason: ReasonName): S {
  return withConditions(base, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason: readyReason, message }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'False', reason, message }, gen, now);
    c = setCondition(c, { type: T.Reconciling, status: 'True', reason: Reason.Retrying, message: `retrying: ${message}` }, gen, now);
    return removeCondition(c, T.Stalled);
  });
}

/**
 * Waiting for something this resource needs (its domain, its object type) to become Ready, or for
 * the resources that use it to go: Ready=False, Reconciling=True, no AWS call made meanwhile.
 */
export function waiting<S extends ManagedStatus>(base: S, gen: number, now: Date, message: string): S {
  return withConditions(base, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.Waiting, message }, gen, now);
    c = setCondition(c, { type: T.Reconciling, status: 'True', reason: Reason.Waiting, message }, gen, now);
    return removeCondition(c, T.Stalled);
  });
}

/** Needs a person: Stalled=True, Ready=False, observedGeneration caught up. */
export function stalled<S extends ManagedStatus>(base: S, gen: number, now: Date, reason: ReasonName, message: string): S {
  return withConditions({ ...base, observedGeneration: gen }, (c) => {
    c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.Error, message }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'False', reason, message }, gen, now);
    c = setCondition(c, { type: T.Stalled, status: 'True', reason, message }, gen, now);
    return removeCondition(c, T.Reconciling);
  });
}

/** Hands off: Synced=False Paused; Ready keeps what it last knew. */
export function paused<S extends ManagedStatus>(base: S, gen: number, now: Date): S {
  return withConditions(base, (c) => {
    if (!c.some((x) => x.type === T.Ready)) {
      c = setCondition(c, { type: T.Ready, status: 'Unknown', reason: Reason.Paused, message: 'paused before the first reconcile' }, gen, now);
    }
    c = setCondition(c, { type: T.Synced, status: 'False', reason: Reason.Paused, message: 'the paused annotation is set: AWS is left alone' }, gen, now);
    return removeCondition(c, T.Reconciling);
  });
}

/**
 * Observe mode: Ready=True when AWS matches, else Drifted or NotFound. Never Stalled, owns nothing.
 * `fields`: what AWS reported, or where it looked when nothing was found.
 */
export function observedStatus<S extends ManagedStatus>(base: S, gen: number, now: Date, noun: string, found: string | undefined, drift: FieldChange[], fields: Partial<S>): S {
  const s = overlay({ ...base, observedGeneration: gen }, fields);
  delete s.ownership; // Observe owns nothing
  return withConditions(s, (c) => {
    if (!found) c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.NotFound, message: `the ${noun} does not exist in AWS (Observe mode never creates it)` }, gen, now);
    else if (drift.length) c = setCondition(c, { type: T.Ready, status: 'False', reason: Reason.Drifted, message: `AWS differs from the spec: ${describeChanges(drift, noun)}` }, gen, now);
    else c = setCondition(c, { type: T.Ready, status: 'True', reason: Reason.Available, message: `${found} matches the spec (Observe)` }, gen, now);
    c = setCondition(c, { type: T.Synced, status: 'True', reason: Reason.ReconcileSuccess, message: 'observed (read-only)' }, gen, now);
    return removeCondition(removeCondition(c, T.Reconciling), T.Stalled);
  });
}

// ---- CustomerProfilesIntegration ----

/** What AWS reported of an integration, for its status: identity, pinned target, timestamps. */
export function integrationFields(observed: ObservedIntegration, place: Placement & { arn: string }): Partial<IntegrationStatus> {
  return {
    uri: observed.uri,
    integrationArn: place.arn,
    ...placementFields(place),
    createdAt: iso(observed.createdAt),
    lastUpdatedAt: iso(observed.lastUpdatedAt),
    isUnstructured: observed.isUnstructured ?? false,
    workflowId: observed.workflowId || undefined,
  };
}

export function ready(base: IntegrationStatus, gen: number, now: Date, observed: ObservedIntegration, place: Placement & { arn: string }): IntegrationStatus {
  return readyStatus(base, gen, now, `integration ${observed.uri} matches the spec`, integrationFields(observed, place));
}

/** Observe mode of an integration (not found: the region looked in, and the spec's uri). */
export function observeOnly(base: IntegrationStatus, gen: number, now: Date, observed: ObservedIntegration | undefined, drift: FieldChange[], place: Placement & { arn: string }, specUri?: string): IntegrationStatus {
  const fields: Partial<IntegrationStatus> = observed ? { ...integrationFields(observed, place), ownership: undefined } : { region: place.region, ...(specUri ? { uri: specUri } : {}) };
  return observedStatus(base, gen, now, 'integration', observed && `integration ${observed.uri}`, drift, fields);
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

/** One line for people: `objectTypeName: "A" -> "B"; +tags.team`. */
export function describeChanges(changes: FieldChange[], noun = 'integration'): string {
  if (changes.some((c) => c.path === '')) return `the ${noun} does not exist yet`;
  const parts = changes.map((c) =>
    c.kind === 'add' ? `+${c.path}` : c.kind === 'remove' ? `-${c.path}` : `${c.path}: ${show(c.from)} -> ${show(c.to)}`,
  );
  const text = parts.slice(0, 8).join('; ') + (parts.length > 8 ? `; and ${parts.length - 8} more` : '');
  return text.length > 900 ? `${text.slice(0, 897)}...` : text;
}
