// Where a resource's AWS object lives: account, region and identity. Once the object exists they
// are pinned in status; a spec edit, a namespace's role-arn annotation or a controller flag that
// moves the effective target never creates a second object nor orphans the first. Pure.
import type { IntegrationSpec, IntegrationStatus } from '../api/types.ts';
import type { ManagedStatus } from '../api/managed-object.ts';

export interface EffectiveTarget {
  account: string;
  region: string;
  /** The namespace's role, if it names one. */
  roleArn?: string | undefined;
}

export interface PinnedTarget {
  /** The object's identity (an integration's uri, a domain's name). */
  id: string;
  region: string;
  /** Absent in status written before targets were pinned: the first reconcile pins it. */
  account?: string | undefined;
  roleArn?: string | undefined;
}

/** The target recorded in status once the object was seen there (createdAt: AWS reported it). */
export function pinnedAt(status: ManagedStatus | undefined, id: string | undefined): PinnedTarget | undefined {
  if (!id || !status?.region || !status.createdAt) return undefined;
  return { id, region: status.region, account: status.account || undefined, roleArn: status.assumedRoleArn || undefined };
}

/** An integration's pin: its uri. */
export const pinnedTarget = (status: IntegrationStatus | undefined) => pinnedAt(status, status?.uri);

/**
 * Why the effective target is not the pinned one, for people; undefined when it is the same.
 * A different role that reaches the same account is the same target (credentials, not place).
 * `moves`: kind-specific moves of the identity (an integration's spec.uri).
 */
export function placeChange(pinned: PinnedTarget | undefined, now: EffectiveTarget, noun: string, moves: string[] = []): string | undefined {
  if (!pinned) return undefined;
  const all: string[] = [];
  if (pinned.region !== now.region) all.push(`region ${pinned.region} -> ${now.region}`);
  if (pinned.account && pinned.account !== now.account) all.push(`account ${pinned.account} -> ${now.account}`);
  all.push(...moves);
  if (all.length === 0) return undefined;
  return (
    `the ${noun} ${pinned.id} lives in account ${pinned.account ?? '(unknown)'}, region ${pinned.region}; the resource now points elsewhere (${all.join('; ')}). ` +
    `Nothing is created there and the existing ${noun} is kept. To move it, create a new resource for the new target and delete this one; ` +
    'to stay, undo the change (spec.region, the namespace\'s role-arn annotation, or the controller\'s --region / AWS_REGION)'
  );
}

export function targetChange(pinned: PinnedTarget | undefined, now: EffectiveTarget, spec: IntegrationSpec): string | undefined {
  if (!pinned) return undefined;
  const moves = spec.uri && spec.uri !== pinned.id ? [`uri ${pinned.id} -> ${spec.uri}`] : [];
  return placeChange(pinned, now, 'integration', moves);
}
