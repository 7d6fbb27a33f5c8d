// What one kind brings to the managed reconciler (managed.ts), as crossplane-runtime's
// ExternalClient does: its AWS calls (observe, apply, delete) and its pure decisions (plan, drift,
// what a write left unconverged, which status fields AWS's answer fills). Everything every kind
// shares (finalizers, ownership, pinned targets, conditions, Events, annotations, policies,
// leadership) lives once in managed.ts; a kind never sees it.
import type { ManagedObject, ManagedStatus } from '../api/managed-object.ts';
import type { AwsTarget, CallPriority } from '../aws/types.ts';
import type { OwnershipDecision } from './ownership.ts';
import type { FieldChange, PutReason } from './plan.ts';
import type { ReasonName } from './conditions.ts';
import type { EffectiveTarget, PinnedTarget } from './target.ts';

export type { ManagedObject, ManagedSpec, ManagedStatus } from '../api/managed-object.ts';

export type SpecOf<R extends ManagedObject> = R['spec'];
export type StatusOf<R extends ManagedObject> = NonNullable<R['status']>;

/** A plan as the managed reconciler and `cpi plan` see it: the calls it makes, and why. */
export interface PlanSummary {
  /** The AWS write calls, in the order apply makes them; none: AWS matches the spec. */
  calls: string[];
  /** create: nothing exists; adopt: first claim of one that exists; update; drift: undo an out-of-band change. */
  reason?: PutReason | undefined;
  /** Every difference found, field by field (path '' with kind add: the object does not exist). */
  changes: FieldChange[];
}

/** Where the AWS object lives and why this resource may touch it. */
export interface Placement {
  region: string;
  account: string;
  assumedRoleArn?: string | undefined;
  ownership?: 'Created' | 'Adopted' | undefined;
}

/** The side effects a kind's apply and delete may have besides AWS calls: Events and logs. */
export interface ActIo {
  target: AwsTarget;
  account: string;
  prio: CallPriority;
  event(type: 'Normal' | 'Warning', reason: string, action: string, note: string): void;
  log: { info(o: object, m: string): void };
}

/** How observe may read AWS: a poll reads a shared snapshot taken after the previous look. */
export interface ObserveContext {
  account: string;
  prio: CallPriority;
  /** A drift check (poll), not a change: a shared per-domain snapshot may answer. */
  fromSnapshot: boolean;
  /** Only a snapshot taken after this moment (epoch ms). */
  snapshotAfter?: number | undefined;
}

/** AWS refusing a write in a way that needs a person: the reconcile ends Stalled with it. */
export interface Refusal {
  reason: ReasonName;
  message: string;
}

export interface ManagedKind<R extends ManagedObject, O, P> {
  /** The Kubernetes kind, e.g. CustomerProfilesIntegration. */
  readonly kind: string;
  /** What it is in AWS, for people: "integration", "domain", "object type". */
  readonly noun: string;
  /** When spec.deletionPolicy is not set. A Domain's is Retain: deleting one deletes customer data. */
  readonly defaultDeletionPolicy: 'Delete' | 'Retain';
  /** The AWS operation that deletes one (Events name it). */
  readonly deleteOperation: string;

  /** The AWS object this resource names, for messages (e.g. "domain retail"); observed: as AWS reports it. */
  describe(obj: R, observed?: O): string;
  /** A spec field the API server let through that cannot be sent to AWS, named; undefined when none. */
  specProblem(obj: R): string | undefined;
  /** Warnings worth an Event when the spec changes (never a reason to stop). */
  specWarnings?(obj: R, defaultRegion: string): Array<{ reason: string; message: string }>;
  /** Claims of other resources to the same AWS object are resolved outside; this is the status's pin. */
  pinned(status: StatusOf<R> | undefined): PinnedTarget | undefined;
  /** Why the effective target is not the pinned one (a message), or undefined. */
  targetChange(pinned: PinnedTarget | undefined, now: EffectiveTarget, obj: R): string | undefined;

  /** Reads the AWS object the resource names; undefined when it does not exist. */
  observe(obj: R, target: AwsTarget, o: ObserveContext): Promise<O | undefined>;
  /** Whether this resource may write to and delete what it observed (pure). */
  ownership(obj: R, observed: O): OwnershipDecision;
  /** The calls that converge AWS to the spec (pure). ownerTags go with a create. */
  plan(obj: R, observed: O | undefined, ownerTags: Record<string, string>, now: Date): P;
  summarize(plan: P): PlanSummary;
  /** What Observe mode reports as drift (pure). */
  drift(obj: R, observed: O): FieldChange[];
  /** Makes the plan's calls; returns the object as AWS reports it afterwards. */
  apply(obj: R, plan: P, observed: O | undefined, io: ActIo): Promise<O>;
  /** A write AWS may answer with a refusal that needs a person (a taken name, an immutable member). */
  refusal?(err: unknown, obj: R, plan: P): Refusal | undefined;
  /** What AWS reports after a write that is still not the spec (pure). */
  unconverged(obj: R, plan: P, result: O): FieldChange[];
  /** Status members from what AWS reports (identity, timestamps, ARN); undefined ones are removed. */
  statusFields(obj: R, observed: O, place: Placement): Partial<StatusOf<R>>;
  /**
   * Status members a plan's writes make true even when the write did not converge (the applied
   * flow); plan undefined: the spec is what AWS has (an import adopted without a write).
   */
  appliedFields?(obj: R, plan: P | undefined): Partial<StatusOf<R>>;
  /** The status a plan compares with (cpi import's recorded flow hash on first claim). */
  planStatus?(obj: R): R;
  /** The Uri-like identity a not-found Observe resource reports where it looked. */
  notFoundFields?(obj: R): Partial<StatusOf<R>>;

  /** Deletes what this resource owns; false when it was already gone. */
  delete(obj: R, observed: O, io: ActIo): Promise<boolean>;
  /** After the delete (or when it found nothing): remove what AWS leaves behind, if this resource owned it. */
  afterDelete?(obj: R, observed: O | undefined, owned: boolean, io: ActIo): Promise<void>;
  /** Forgets cached reads of where this resource lives (before a write). */
  invalidate?(obj: R, target: AwsTarget): void;
}

/** The object's condition of a type, if set. */
export const conditionOf = (obj: { status?: ManagedStatus | undefined }, type: string) => obj.status?.conditions?.find((c) => c.type === type);
