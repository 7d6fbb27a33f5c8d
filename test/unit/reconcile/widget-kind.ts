// A tiny managed kind for the generic reconciler's unit tables: a Widget has a name (its identity),
// a size, a color and tags. AWS is a Map; every call is recorded as `Operation account/region` on a
// timeline shared with the fake cluster, so a test can tell what happened in which order.
import { RESERVED_TAG_PREFIX } from '../../../src/api/group.ts';
import type { ManagedObject, ManagedSpec, ManagedStatus } from '../../../src/api/managed-object.ts';
import { AwsFailure } from '../../../src/aws/errors.ts';
import type { AwsTarget } from '../../../src/aws/types.ts';
import { Reason } from '../../../src/reconcile/conditions.ts';
import type { ActIo, ManagedKind, ObserveContext, Placement, PlanSummary, Refusal } from '../../../src/reconcile/kind.ts';
import { decideOwnershipOf, type OwnershipDecision } from '../../../src/reconcile/ownership.ts';
import type { FieldChange, PutReason } from '../../../src/reconcile/plan.ts';
import { placementFields } from '../../../src/reconcile/status.ts';
import { pinnedAt, placeChange, type EffectiveTarget, type PinnedTarget } from '../../../src/reconcile/target.ts';

export interface WidgetSpec extends ManagedSpec {
  name: string;
  size?: number | undefined;
  color?: string | undefined;
}
export interface WidgetStatus extends ManagedStatus {
  widgetId?: string | undefined;
}
export type Widget = ManagedObject<WidgetSpec, WidgetStatus>;

export interface ObservedWidget {
  name: string;
  size?: number | undefined;
  color?: string | undefined;
  tags: Record<string, string>;
  createdAt: Date;
  lastUpdatedAt: Date;
}

export interface WidgetPlan {
  create?: { name: string; size?: number | undefined; color?: string | undefined; tags: Record<string, string> };
  update?: { size?: number | undefined; color?: string | undefined };
  tag?: Record<string, string>;
  untag?: string[];
  reason?: PutReason;
  changes: FieldChange[];
}

export const ACCOUNT = '111111111111';
export const ROLE = 'arn:aws:iam::222222222222:role/shop';
export const ROLE_ACCOUNT = '222222222222';
/** A second role into the controller's own account: another identity, the same place. */
export const SAME_ACCOUNT_ROLE = 'arn:aws:iam::111111111111:role/shop';

export type WidgetOp = 'GetCallerIdentity' | 'GetWidget' | 'CreateWidget' | 'UpdateWidget' | 'TagWidget' | 'UntagWidget' | 'DeleteWidget';

/** AWS as a map keyed by `account/region|name`. */
export class WidgetCloud {
  readonly widgets = new Map<string, ObservedWidget>();
  /** Every AWS call, in order: `Operation account/region`. */
  readonly calls: string[] = [];
  /** What each observe was told about how to read. */
  readonly contexts: ObserveContext[] = [];
  /** The account each identity reaches ('' = the controller's own credentials). */
  readonly accounts = new Map<string, string>([['', ACCOUNT], [ROLE, ROLE_ACCOUNT], [SAME_ACCOUNT_ROLE, ACCOUNT]]);
  /** The next call of an operation throws this (once set, every call does). */
  readonly fail: Partial<Record<WidgetOp, Error>> = {};
  /** AWS accepts an UpdateWidget's color and keeps the old one (a write that does not converge). */
  ignoresColor = false;
  /** Someone else deletes the widget between our read and our DeleteWidget. */
  goneBeforeDelete = false;
  private readonly timeline: string[];
  private clock = 10_000;

  constructor(timeline: string[]) {
    this.timeline = timeline;
  }

  where(t: AwsTarget): string {
    return `${this.accounts.get(t.roleArn ?? '')}/${t.region}`;
  }

  private key(t: AwsTarget, name: string) {
    return `${this.where(t)}|${name}`;
  }

  private call(op: WidgetOp, t: AwsTarget) {
    const line = `${op} ${this.where(t)}`;
    this.calls.push(line);
    this.timeline.push(line);
    const err = this.fail[op];
    if (err) throw err;
  }

  seed(w: Partial<ObservedWidget> & { name: string }, t: AwsTarget = { region: 'us-east-1' }): void {
    this.widgets.set(this.key(t, w.name), { tags: {}, createdAt: new Date(1000), lastUpdatedAt: new Date(1000), ...w });
  }

  /** What AWS holds, without a recorded call. */
  peek(name: string, t: AwsTarget = { region: 'us-east-1' }): ObservedWidget | undefined {
    const w = this.widgets.get(this.key(t, name));
    return w && structuredClone(w);
  }

  /** A person changing the widget outside the operator. */
  outOfBand(name: string, change: Partial<ObservedWidget>, t: AwsTarget = { region: 'us-east-1' }): void {
    const w = this.widgets.get(this.key(t, name))!;
    Object.assign(w, change, { lastUpdatedAt: new Date((this.clock += 1000)) });
  }

  writes(): string[] {
    return this.calls.filter((c) => !/^Get/.test(c));
  }

  async account(t: AwsTarget): Promise<string> {
    this.call('GetCallerIdentity', t);
    return this.accounts.get(t.roleArn ?? '')!;
  }

  async get(t: AwsTarget, name: string): Promise<ObservedWidget | undefined> {
    this.call('GetWidget', t);
    return this.peek(name, t);
  }

  async create(t: AwsTarget, c: NonNullable<WidgetPlan['create']>): Promise<ObservedWidget> {
    this.call('CreateWidget', t);
    const at = new Date((this.clock += 1000));
    const w: ObservedWidget = { name: c.name, size: c.size, color: c.color, tags: { ...c.tags }, createdAt: at, lastUpdatedAt: at };
    this.widgets.set(this.key(t, c.name), w);
    return structuredClone(w);
  }

  async update(t: AwsTarget, name: string, u: NonNullable<WidgetPlan['update']>): Promise<ObservedWidget> {
    this.call('UpdateWidget', t);
    const w = this.widgets.get(this.key(t, name))!;
    if (u.size !== undefined) w.size = u.size;
    if (u.color !== undefined && !this.ignoresColor) w.color = u.color;
    w.lastUpdatedAt = new Date((this.clock += 1000));
    return structuredClone(w);
  }

  async tag(t: AwsTarget, name: string, tags: Record<string, string>): Promise<void> {
    this.call('TagWidget', t);
    Object.assign(this.widgets.get(this.key(t, name))!.tags, tags);
  }

  async untag(t: AwsTarget, name: string, keys: string[]): Promise<void> {
    this.call('UntagWidget', t);
    const tags = this.widgets.get(this.key(t, name))!.tags;
    for (const k of keys) delete tags[k];
  }

  async delete(t: AwsTarget, name: string): Promise<boolean> {
    this.call('DeleteWidget', t);
    if (this.goneBeforeDelete) this.widgets.delete(this.key(t, name));
    return this.widgets.delete(this.key(t, name));
  }
}

/** Size and color, field by field (from AWS, to the spec). */
function fieldChanges(spec: WidgetSpec, w: ObservedWidget): FieldChange[] {
  const out: FieldChange[] = [];
  for (const path of ['size', 'color'] as const) {
    const want = spec[path];
    const have = w[path];
    if (want === have) continue;
    out.push({ path, kind: have === undefined ? 'add' : want === undefined ? 'remove' : 'change', from: have, to: want });
  }
  return out;
}

/** Tags per key; the operator's own (its prefix) are neither wanted nor removed. */
function tagChanges(spec: WidgetSpec, w: ObservedWidget): FieldChange[] {
  const want = spec.tags ?? {};
  const have = Object.fromEntries(Object.entries(w.tags).filter(([k]) => !k.startsWith(RESERVED_TAG_PREFIX)));
  const out: FieldChange[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(have)])) {
    if (want[k] === have[k]) continue;
    out.push({ path: `tags.${k}`, kind: have[k] === undefined ? 'add' : want[k] === undefined ? 'remove' : 'change', from: have[k], to: want[k] });
  }
  return out;
}

const iso = (d: Date) => d.toISOString();

export class WidgetKind implements ManagedKind<Widget, ObservedWidget, WidgetPlan> {
  readonly kind = 'Widget';
  readonly noun = 'widget';
  defaultDeletionPolicy: 'Delete' | 'Retain' = 'Delete';
  readonly deleteOperation = 'DeleteWidget';
  /** What the reconciler told the kind besides AWS calls (invalidate, afterDelete), in order. */
  readonly hooks: string[] = [];
  /** What specWarnings says of every spec. */
  warnings: Array<{ reason: string; message: string }> = [];
  /** How many times each pure decision ran. */
  readonly decisions = { plan: 0, ownership: 0, drift: 0 };
  private readonly cloud: WidgetCloud;
  private readonly timeline: string[];

  constructor(cloud: WidgetCloud, timeline: string[]) {
    this.cloud = cloud;
    this.timeline = timeline;
  }

  private hook(line: string) {
    this.hooks.push(line);
    this.timeline.push(line);
  }

  describe(obj: Widget, observed?: ObservedWidget): string {
    return `widget ${observed?.name ?? obj.spec.name}`;
  }

  specProblem(obj: Widget): string | undefined {
    return obj.spec.size !== undefined && obj.spec.size < 1 ? 'spec.size: must be at least 1' : undefined;
  }

  specWarnings(): Array<{ reason: string; message: string }> {
    return this.warnings;
  }

  pinned(status: WidgetStatus | undefined): PinnedTarget | undefined {
    return pinnedAt(status, status?.widgetId);
  }

  targetChange(pinned: PinnedTarget | undefined, now: EffectiveTarget, obj: Widget): string | undefined {
    return placeChange(pinned, now, 'widget', pinned && obj.spec.name !== pinned.id ? [`name ${pinned.id} -> ${obj.spec.name}`] : []);
  }

  async observe(obj: Widget, target: AwsTarget, o: ObserveContext): Promise<ObservedWidget | undefined> {
    this.cloud.contexts.push(o);
    // Ours first (what status recorded), then what the spec names.
    return this.cloud.get(target, obj.status?.widgetId || obj.spec.name);
  }

  ownership(obj: Widget, observed: ObservedWidget): OwnershipDecision {
    this.decisions.ownership++;
    return decideOwnershipOf(obj, { id: observed.name, tags: observed.tags, exists: `widget ${observed.name} already exists` }, obj.status?.widgetId);
  }

  plan(obj: Widget, observed: ObservedWidget | undefined, ownerTags: Record<string, string>): WidgetPlan {
    this.decisions.plan++;
    const spec = obj.spec;
    if (!observed) {
      return { create: { name: spec.name, size: spec.size, color: spec.color, tags: { ...spec.tags, ...ownerTags } }, reason: 'create', changes: [{ path: '', kind: 'add', to: 'widget' }] };
    }
    const fields = fieldChanges(spec, observed);
    const tags = tagChanges(spec, observed);
    const plan: WidgetPlan = { changes: [...fields, ...tags] };
    if (fields.length) {
      plan.update = Object.fromEntries(fields.map((c) => [c.path, c.to]));
      const status = obj.status;
      const outOfBand = !!status?.lastUpdatedAt && observed.lastUpdatedAt.getTime() > Date.parse(status.lastUpdatedAt);
      plan.reason = !status?.ownership ? 'adopt' : outOfBand ? 'drift' : 'update';
    }
    const set = tags.filter((c) => c.kind !== 'remove');
    const unset = tags.filter((c) => c.kind === 'remove');
    if (set.length) plan.tag = Object.fromEntries(set.map((c) => [c.path.slice(5), c.to as string]));
    if (unset.length) plan.untag = unset.map((c) => c.path.slice(5));
    return plan;
  }

  summarize(plan: WidgetPlan): PlanSummary {
    const calls = [plan.create && 'CreateWidget', plan.update && 'UpdateWidget', plan.tag && 'TagWidget', plan.untag && 'UntagWidget'].filter((c): c is string => !!c);
    return { calls, reason: plan.reason, changes: plan.changes };
  }

  drift(obj: Widget, observed: ObservedWidget): FieldChange[] {
    this.decisions.drift++;
    return [...fieldChanges(obj.spec, observed), ...tagChanges(obj.spec, observed)];
  }

  async apply(obj: Widget, plan: WidgetPlan, observed: ObservedWidget | undefined, io: ActIo): Promise<ObservedWidget> {
    const name = obj.spec.name;
    if (plan.create) {
      await this.cloud.create(io.target, plan.create);
      io.event('Normal', 'Created', 'CreateWidget', `Created widget ${name}`);
    }
    if (plan.update) {
      await this.cloud.update(io.target, name, plan.update);
      const verb = plan.reason === 'adopt' ? 'Adopted' : 'Updated';
      io.event('Normal', verb, 'UpdateWidget', `${verb} widget ${name}${plan.reason === 'drift' ? ': corrected an out-of-band change' : ''}`);
    }
    if (plan.tag) await this.cloud.tag(io.target, name, plan.tag);
    if (plan.untag) await this.cloud.untag(io.target, name, plan.untag);
    if (plan.tag || plan.untag) io.event('Normal', 'Tagged', 'TagWidget', `Tags of widget ${name}`);
    return this.cloud.peek(name, io.target) ?? observed!;
  }

  /** A reserved name: needs a person (another name), not a retry. */
  refusal(err: unknown, obj: Widget, plan: WidgetPlan): Refusal | undefined {
    if (!(err instanceof AwsFailure) || err.kind !== 'InvalidSpec' || !plan.create || !/is reserved/.test(err.message)) return undefined;
    return { reason: Reason.AlreadyExists, message: `${err.message}: choose another spec.name than ${obj.spec.name}` };
  }

  unconverged(obj: Widget, plan: WidgetPlan, result: ObservedWidget): FieldChange[] {
    return [...fieldChanges(obj.spec, result), ...(plan.tag || plan.untag ? tagChanges(obj.spec, result) : [])];
  }

  statusFields(_obj: Widget, observed: ObservedWidget, place: Placement): Partial<WidgetStatus> {
    return { widgetId: observed.name, ...placementFields(place), createdAt: iso(observed.createdAt), lastUpdatedAt: iso(observed.lastUpdatedAt) };
  }

  notFoundFields(obj: Widget): Partial<WidgetStatus> {
    return { widgetId: obj.spec.name };
  }

  delete(_obj: Widget, observed: ObservedWidget, io: ActIo): Promise<boolean> {
    return this.cloud.delete(io.target, observed.name);
  }

  async afterDelete(_obj: Widget, observed: ObservedWidget | undefined, owned: boolean, io: ActIo): Promise<void> {
    this.hook(`afterDelete ${observed?.name ?? '(none)'} owned=${owned} ${this.cloud.where(io.target)}`);
  }

  invalidate(_obj: Widget, target: AwsTarget): void {
    this.hook(`invalidate ${this.cloud.where(target)}`);
  }
}
