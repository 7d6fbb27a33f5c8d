// The whole election rule, pure: what a candidate does with the Lease it just read. The elector
// (leader.ts) runs it; docs/runtime.md#leader-election explains the rule.

/** The Lease fields leader election reads and writes. Times are RFC 3339 strings (informational). */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string | undefined;
  renewTime?: string | undefined;
  leaseTransitions: number;
}

export type Decision =
  | { action: 'create' }
  | { action: 'acquire' }
  | { action: 'renew' }
  | { action: 'wait'; holder: string; expiresInMs: number };

/**
 * What a candidate `me` should do with the Lease `record`, last seen to change at `observedTime`
 * on our clock, at `now` on our clock. Pure: the whole election rule in one place.
 */
export function decide(record: LeaderElectionRecord | undefined, observedTime: number, now: number, me: string): Decision {
  if (!record) return { action: 'create' };
  if (record.holderIdentity === me) return { action: 'renew' };
  if (!record.holderIdentity) return { action: 'acquire' };
  const expiresAt = observedTime + record.leaseDurationSeconds * 1000;
  if (now < expiresAt) return { action: 'wait', holder: record.holderIdentity, expiresInMs: expiresAt - now };
  return { action: 'acquire' };
}
