// A kind whose AWS object is found by its name (a domain, an object type): read with one Get,
// created with one call that carries the tags (the owner tag atomic with the create), changed
// with one update call, tags through TagResource / UntagResource. Domain and ObjectType are this
// with their own calls and words (domain-kind.ts, object-type-kind.ts).
import { toRfc3339 } from '../api/convert.ts';
import type { ManagedObject, ManagedStatus } from '../api/managed-object.ts';
import type { AwsTarget, CallPriority } from '../aws/types.ts';
import type { ActIo, ManagedKind, ObserveContext, Placement, PlanSummary } from './kind.ts';
import { decideOwnershipOf } from './ownership.ts';
import { flowDefinitionChanges as valueChanges, sameValue, tagCalls, tagDiff, type FieldChange, type PutReason } from './plan.ts';
import { describeChanges, placementFields } from './status.ts';
import { pinnedAt, placeChange, type EffectiveTarget, type PinnedTarget } from './target.ts';

/** What AWS reports of the object, with the ARN it has in the target's account. */
export interface Observed<D> {
  arn: string;
  aws: D;
}

export interface NamedPlan {
  /** The create (with tags) or the update the spec needs; none: its members match. */
  write?: { reason: PutReason } | undefined;
  tag?: Record<string, string> | undefined;
  untag?: string[] | undefined;
  changes: FieldChange[];
}

/** What Get, create and update answer with, for every named kind. */
export interface Described {
  Tags?: Record<string, string> | undefined;
  CreatedAt?: Date | undefined;
  LastUpdatedAt?: Date | undefined;
}

/** Tags of any ARN (the gateway's TagResource / UntagResource). */
export interface Tagger {
  tagResource(target: AwsTarget, arn: string, tags: Record<string, string>, prio: CallPriority): Promise<void>;
  untagResource(target: AwsTarget, arn: string, keys: string[], prio: CallPriority): Promise<void>;
}

const OPERATOR_MEMBERS = ['region', 'deletionPolicy', 'managementPolicy', 'tags'];

/** The members of a spec AWS has: without the operator's fields, the tags and the identity. */
export function awsMembers(spec: object, identity: readonly string[]): Record<string, unknown> {
  const skip = new Set([...OPERATOR_MEMBERS, ...identity]);
  return Object.fromEntries(Object.entries(spec).filter(([k]) => !skip.has(k)));
}

/** The AWS-facing parts of one named kind. */
export interface NamedObjectCalls<R extends ManagedObject, D extends Described> {
  kind: string;
  noun: string;
  defaultDeletionPolicy: 'Delete' | 'Retain';
  createOperation: string;
  updateOperation: string;
  deleteOperation: string;
  /** "domain retail", "object type Account in domain retail". */
  describe(obj: R): string;
  arn(obj: R, region: string, account: string): string;
  /** The status member that holds the ARN (it pins the target). */
  arnField: string;
  get(obj: R, target: AwsTarget, prio: CallPriority): Promise<D | undefined>;
  create(obj: R, tags: Record<string, string>, target: AwsTarget, prio: CallPriority): Promise<D>;
  update(obj: R, target: AwsTarget, prio: CallPriority): Promise<D>;
  remove(obj: R, target: AwsTarget, prio: CallPriority): Promise<boolean>;
  /** AWS's answer as spec members (convert-*.ts). */
  specOf(aws: D): object;
  /** The spec members that name the object (immutable): not compared. */
  identity: readonly string[];
  compare: MemberComparison;
  /** Kind-specific status members from AWS's answer (an object type's maxAvailableProfileObjectCount). */
  extraStatus?(aws: D): Record<string, unknown>;
  specProblem(obj: R): string | undefined;
}

/**
 * How a kind's members are compared with AWS. A member the spec leaves out is AWS's to default
 * (an object type's fields come from its template, its expiration from the domain), so it is not
 * drift, except the `removable` ones: the update call clears them when the spec has none.
 */
export interface MemberComparison {
  removable: ReadonlySet<string>;
  /** Compared only where the spec sets them, at every depth (AWS fills in the rest: a domain's matching). */
  partial: ReadonlySet<string>;
}

/** Differences in the members (see MemberComparison). */
export function memberChanges(want: Record<string, unknown>, have: Record<string, unknown>, c: MemberComparison): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = new Set([...Object.keys(want), ...Object.keys(have).filter((k) => c.removable.has(k))]);
  for (const key of keys) {
    if (c.partial.has(key)) out.push(...setMembers(want[key], have[key], key));
    else out.push(...valueChanges(have[key] as never, want[key] as never, key));
  }
  return out;
}

function setMembers(want: unknown, have: unknown, path: string): FieldChange[] {
  if (want === undefined) return [];
  const objects = want && typeof want === 'object' && !Array.isArray(want) && have && typeof have === 'object' && !Array.isArray(have);
  if (!objects) return sameValue(want, have) ? [] : [{ path, kind: have === undefined ? 'add' : 'change', from: have, to: want }];
  return Object.entries(want as Record<string, unknown>).flatMap(([k, v]) => setMembers(v, (have as Record<string, unknown>)[k], `${path}.${k}`));
}

export class NamedObjectKind<R extends ManagedObject, D extends Described> implements ManagedKind<R, Observed<D>, NamedPlan> {
  readonly kind: string;
  readonly noun: string;
  readonly defaultDeletionPolicy: 'Delete' | 'Retain';
  readonly deleteOperation: string;
  private readonly c: NamedObjectCalls<R, D>;
  private readonly tagger: Tagger;

  constructor(calls: NamedObjectCalls<R, D>, tagger: Tagger) {
    this.c = calls;
    this.tagger = tagger;
    this.kind = calls.kind;
    this.noun = calls.noun;
    this.defaultDeletionPolicy = calls.defaultDeletionPolicy;
    this.deleteOperation = calls.deleteOperation;
  }

  describe(obj: R): string {
    return this.c.describe(obj);
  }

  private members(obj: R): Record<string, unknown> {
    return awsMembers(obj.spec, this.c.identity);
  }

  private theirs(aws: D): Record<string, unknown> {
    return awsMembers(this.c.specOf(aws), this.c.identity);
  }

  specProblem(obj: R): string | undefined {
    return this.c.specProblem(obj);
  }

  /** The ARN status recorded (the object's identity once it was seen). */
  private statusArn(status: ManagedStatus | undefined): string | undefined {
    const arn = (status as Record<string, unknown> | undefined)?.[this.c.arnField];
    return typeof arn === 'string' ? arn : undefined;
  }

  pinned(status: ManagedStatus | undefined): PinnedTarget | undefined {
    return pinnedAt(status, this.statusArn(status));
  }

  targetChange(pinned: PinnedTarget | undefined, now: EffectiveTarget): string | undefined {
    return placeChange(pinned, now, this.noun);
  }

  async observe(obj: R, target: AwsTarget, o: ObserveContext): Promise<Observed<D> | undefined> {
    const aws = await this.c.get(obj, target, o.prio);
    return aws === undefined ? undefined : { arn: this.c.arn(obj, target.region, o.account), aws };
  }

  ownership(obj: R, observed: Observed<D>) {
    return decideOwnershipOf(obj, { id: observed.arn, tags: observed.aws.Tags, exists: `${this.c.describe(obj)} already exists` }, this.statusArn(obj.status));
  }

  plan(obj: R, observed: Observed<D> | undefined, ownerTags: Record<string, string>): NamedPlan {
    if (!observed) {
      return { write: { reason: 'create' }, tag: { ...obj.spec.tags, ...ownerTags }, changes: [{ path: '', kind: 'add', to: this.noun }] };
    }
    const changes = memberChanges(this.members(obj), this.theirs(observed.aws), this.c.compare);
    const status = obj.status;
    const firstClaim = !status?.createdAt || !status.lastUpdatedAt;
    const last = observed.aws.LastUpdatedAt;
    const movedOutOfBand = !firstClaim && !!last && last.getTime() > Date.parse(status!.lastUpdatedAt!);
    const plan: NamedPlan = { changes };
    if (changes.length) plan.write = { reason: firstClaim ? 'adopt' : movedOutOfBand ? 'drift' : 'update' };
    const tags = tagDiff(obj.spec.tags, observed.aws.Tags);
    changes.push(...tags);
    return { ...plan, ...tagCalls(tags) };
  }

  summarize(plan: NamedPlan): PlanSummary {
    const create = plan.write?.reason === 'create';
    const calls = [plan.write && (create ? this.c.createOperation : this.c.updateOperation), !create && plan.tag && 'TagResource', plan.untag && 'UntagResource'];
    return { calls: calls.filter((c): c is string => !!c), reason: plan.write?.reason, changes: plan.changes };
  }

  drift(obj: R, observed: Observed<D>): FieldChange[] {
    return [...memberChanges(this.members(obj), this.theirs(observed.aws), this.c.compare), ...tagDiff(obj.spec.tags, observed.aws.Tags)];
  }

  async apply(obj: R, plan: NamedPlan, observed: Observed<D> | undefined, io: ActIo): Promise<Observed<D>> {
    const { target, prio, account } = io;
    const arn = this.c.arn(obj, target.region, account);
    const what = this.c.describe(obj);
    let aws = observed?.aws;
    if (plan.write?.reason === 'create') {
      // Tags go with the create: the owner tag is atomic with it.
      aws = await this.c.create(obj, plan.tag ?? {}, target, prio);
      io.event('Normal', 'Created', this.c.createOperation, `Created ${what}`);
      io.log.info({ arn, account, reason: 'create', outcome: 'ok' }, this.c.createOperation);
      return { arn, aws };
    }
    if (plan.write) {
      aws = await this.c.update(obj, target, prio);
      const why = plan.write.reason === 'drift' ? 'corrected an out-of-band change' : describeChanges(plan.changes, this.noun);
      io.event('Normal', 'Updated', this.c.updateOperation, `Updated ${what}: ${why}`);
      io.log.info({ arn, account, reason: plan.write.reason, outcome: 'ok' }, this.c.updateOperation);
    }
    if (plan.tag || plan.untag) {
      if (plan.tag) await this.tagger.tagResource(target, arn, plan.tag, prio);
      if (plan.untag) await this.tagger.untagResource(target, arn, plan.untag, prio);
      const note = [plan.tag && `set ${Object.keys(plan.tag).join(', ')}`, plan.untag && `removed ${plan.untag.join(', ')}`].filter(Boolean).join('; ');
      io.event('Normal', 'Tagged', 'TagResource', `Tags of ${what}: ${note}`);
      io.log.info({ arn, account, tagged: plan.tag ? Object.keys(plan.tag) : [], untagged: plan.untag ?? [], outcome: 'ok' }, 'TagResource');
      // Read back: the tags, and a LastUpdatedAt the tag calls may have moved (never out-of-band).
      aws = (await this.c.get(obj, target, prio)) ?? aws;
    }
    return { arn, aws: aws! };
  }

  unconverged(obj: R, plan: NamedPlan, result: Observed<D>): FieldChange[] {
    const members = memberChanges(this.members(obj), this.theirs(result.aws), this.c.compare);
    return plan.tag || plan.untag ? [...members, ...tagDiff(obj.spec.tags, result.aws.Tags)] : members;
  }

  statusFields(_obj: R, observed: Observed<D>, place: Placement): Record<string, unknown> {
    const created = observed.aws.CreatedAt;
    const updated = observed.aws.LastUpdatedAt;
    return {
      [this.c.arnField]: observed.arn,
      ...placementFields(place),
      ...(created ? { createdAt: toRfc3339(created) } : {}),
      ...(updated ? { lastUpdatedAt: toRfc3339(updated) } : {}),
      ...this.c.extraStatus?.(observed.aws),
    };
  }

  delete(obj: R, _observed: Observed<D>, io: ActIo): Promise<boolean> {
    return this.c.remove(obj, io.target, io.prio);
  }
}

