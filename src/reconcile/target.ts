// Where a resource's integration lives: account, region and uri. Once the integration exists they
// are pinned in status; a spec edit, a namespace's role-arn annotation or a controller flag that
// moves the effective target never creates a second integration nor orphans the first. Pure.
import type { IntegrationSpec, IntegrationStatus } from '../api/types.ts';

export interface EffectiveTarget {
  account: string;
  region: string;
  /** The namespace's role, if it names one. */
  roleArn?: string | undefined;
}

export interface PinnedTarget {
  uri: string;
  region: string;
  /** Absent in status written before targets were pinned: the first reconcile pins it. */
  account?: string | undefined;
  roleArn?: string | undefined;
}

/** The target recorded in status, once an integration was seen there (createdAt: AWS reported it). */
export function pinnedTarget(status: IntegrationStatus | undefined): PinnedTarget | undefined {
  if (!status?.uri || !status.region || !status.createdAt) return undefined;
  return { uri: status.uri, region: status.region, account: status.account || undefined, roleArn: status.assumedRoleArn || undefined };
}

/**
 * Why the effective target is not the pinned one, for people; undefined when it is the same.
 * A different role that reaches the same account is the same target (credentials, not place).
 */
export function targetChange(pinned: PinnedTarget | undefined, now: EffectiveTarget, spec: IntegrationSpec): string | undefined {
  if (!pinned) return undefined;
  const moves: string[] = [];
  if (pinned.region !== now.region) moves.push(`region ${pinned.region} -> ${now.region}`);
  if (pinned.account && pinned.account !== now.account) moves.push(`account ${pinned.account} -> ${now.account}`);
  if (spec.uri && spec.uri !== pinned.uri) moves.push(`uri ${pinned.uri} -> ${spec.uri}`);
  if (moves.length === 0) return undefined;
  return (
    `the integration ${pinned.uri} lives in account ${pinned.account ?? '(unknown)'}, region ${pinned.region}; the resource now points elsewhere (${moves.join('; ')}). ` +
    'Nothing is created there and the existing integration is kept. To move it, create a new resource for the new target and delete this one; ' +
    'to stay, undo the change (spec.region, the namespace\'s role-arn annotation, or the controller\'s --region / AWS_REGION)'
  );
}
