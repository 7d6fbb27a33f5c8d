// Condition types, reasons and the one function that sets a condition. Reasons live here and
// nowhere else (crossplane-runtime keeps them in one file for the same reason: grep-ability).
import type { Condition } from '../api/types.ts';

export const ConditionType = {
  Ready: 'Ready',
  Synced: 'Synced',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
} as const;
export type ConditionTypeName = (typeof ConditionType)[keyof typeof ConditionType];

export const Reason = {
  // Ready
  Available: 'Available',
  Creating: 'Creating',
  Updating: 'Updating',
  Deleting: 'Deleting',
  Drifted: 'Drifted',
  NotFound: 'NotFound',
  Error: 'Error',
  // Synced
  ReconcileSuccess: 'ReconcileSuccess',
  InvalidSpec: 'InvalidSpec',
  DomainNotFound: 'DomainNotFound',
  AccessDenied: 'AccessDenied',
  Throttled: 'Throttled',
  AWSUnavailable: 'AWSUnavailable',
  CredentialsError: 'CredentialsError',
  Conflict: 'Conflict',
  /** The integration exists and this resource neither created nor was asked to adopt it. */
  AlreadyExists: 'AlreadyExists',
  /** The effective account, region or uri moved away from the pinned one. */
  TargetChanged: 'TargetChanged',
  /** AWS refuses to change an existing integration's flow through PutIntegration. */
  FlowImmutable: 'FlowImmutable',
  /** A write succeeded but AWS does not report what the spec says (a member it did not take). */
  NotConverged: 'NotConverged',
  Paused: 'Paused',
  /** Waits for a resource it needs (its domain, its object type) or for those that use it to go. */
  Waiting: 'Waiting',
  // Reconciling
  Progressing: 'Progressing',
  Retrying: 'Retrying',
} as const;
export type ReasonName = (typeof Reason)[keyof typeof Reason];

/** Reasons that need a person: the resource is Stalled (kstatus) until its spec changes. */
export const terminalReasons: ReadonlySet<string> = new Set([Reason.InvalidSpec, Reason.AccessDenied, Reason.Conflict, Reason.AlreadyExists, Reason.TargetChanged, Reason.FlowImmutable]);

export interface ConditionUpdate {
  type: ConditionTypeName;
  status: 'True' | 'False' | 'Unknown';
  reason: ReasonName;
  message: string;
}

/**
 * Returns the conditions with one set. `lastTransitionTime` moves only when `status` changes,
 * as apimachinery's SetStatusCondition does, so a retrying resource does not churn its status.
 */
export function setCondition(conditions: Condition[], update: ConditionUpdate, generation: number, now: Date): Condition[] {
  const existing = conditions.find((c) => c.type === update.type);
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message.slice(0, 32_768),
    observedGeneration: generation,
    lastTransitionTime: existing && existing.status === update.status ? existing.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const others = conditions.filter((c) => c.type !== update.type);
  return sortConditions([...others, next]);
}

export function removeCondition(conditions: Condition[], type: ConditionTypeName): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

export function findCondition(conditions: Condition[] | undefined, type: ConditionTypeName): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

// A stable order keeps status writes byte-identical when nothing changed.
const order: string[] = [ConditionType.Ready, ConditionType.Synced, ConditionType.Reconciling, ConditionType.Stalled];
function sortConditions(conditions: Condition[]): Condition[] {
  return [...conditions].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
