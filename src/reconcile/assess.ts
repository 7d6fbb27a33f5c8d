// The decisions of one reconcile before any write, in their order: is the pinned target still
// where the resource points? what does AWS have? may this resource touch it? what would converge
// it? The managed reconciler acts on the answer; `cpi plan` prints it. One sequence, so a
// preview can never decide differently from the controller.
import type { AwsTarget } from '../aws/types.ts';
import type { ManagedKind, ManagedObject, ObserveContext, PlanSummary } from './kind.ts';
import { ownerTags } from './ownership.ts';
import type { FieldChange } from './plan.ts';

export type Assessment<R, O, P> =
  /** The effective target moved away from the pinned one: nothing is read or written. */
  | { outcome: 'moved'; message: string }
  /** Observe mode: what AWS has and how it differs from the spec. */
  | { outcome: 'observed'; observed: O | undefined; drift: FieldChange[] }
  /** It exists and this resource may not touch it. */
  | { outcome: 'refused'; observed: O; message: string }
  /** The calls that converge AWS (none: it matches). `planned`: the object the plan compared with. */
  | { outcome: 'planned'; obj: R; observed: O | undefined; ownership: 'Created' | 'Adopted'; planned: R; plan: P; summary: PlanSummary };

export interface AssessOptions<R> {
  target: AwsTarget;
  account: string;
  observe: Omit<ObserveContext, 'account'>;
  /** Without a cluster there is no status or uid to know ownership from: then not judged. */
  judgeOwnership?: boolean;
  /** Manage mode, after the target check and before AWS is read (the finalizer goes on here). */
  beforeObserve?: (obj: R) => Promise<R>;
  now: Date;
}

export async function assess<R extends ManagedObject, O, P>(kind: ManagedKind<R, O, P>, obj: R, o: AssessOptions<R>): Promise<Assessment<R, O, P>> {
  const moved = kind.targetChange(kind.pinned(obj.status), { account: o.account, region: o.target.region, roleArn: o.target.roleArn }, obj);
  if (moved) return { outcome: 'moved', message: moved };
  const context: ObserveContext = { ...o.observe, account: o.account };
  if (obj.spec.managementPolicy === 'Observe') {
    const observed = await kind.observe(obj, o.target, context);
    return { outcome: 'observed', observed, drift: observed !== undefined ? kind.drift(obj, observed) : [] };
  }
  if (o.beforeObserve) obj = await o.beforeObserve(obj);
  const observed = await kind.observe(obj, o.target, context);
  let ownership: 'Created' | 'Adopted' = 'Created';
  if (observed !== undefined && o.judgeOwnership !== false) {
    const decision = kind.ownership(obj, observed);
    if (!decision.owned) return { outcome: 'refused', observed, message: decision.message };
    ownership = decision.ownership;
  }
  const planned = kind.planStatus?.(obj) ?? obj;
  const plan = kind.plan(planned, observed, ownerTags(obj), o.now);
  return { outcome: 'planned', obj, observed, ownership, planned, plan, summary: kind.summarize(plan) };
}
