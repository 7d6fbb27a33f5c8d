// The plan: a pure function of (spec, what AWS reports, what we last applied) that says which
// calls converge AWS to the spec, and why, field by field. `cpi plan` prints the same plan that
// the controller executes, so a preview can never disagree with what a merge will do.
import deepEqual from 'fast-deep-equal';
import type { FlowDefinition, IntegrationSpec, IntegrationStatus } from '../api/types.ts';
import { toPutIntegrationInput } from '../api/convert.ts';
import { flowDefinitionHash } from '../api/hash.ts';
import { ANNOTATIONS, RESERVED_TAG_PREFIX } from '../api/group.ts';
import type { ObservedIntegration, PutIntegrationRequest } from '../aws/types.ts';

export interface FieldChange {
  /** A spec path such as `objectTypeName`, `tags.team` or `flowDefinition`. */
  path: string;
  kind: 'add' | 'remove' | 'change';
  from?: unknown;
  to?: unknown;
}

export type PutReason = 'create' | 'adopt' | 'update' | 'drift';

export interface Plan {
  put?: { request: PutIntegrationRequest; reason: PutReason };
  tag?: Record<string, string>;
  untag?: string[];
  /** Every difference found, including those a Put or tag call fixes. */
  changes: FieldChange[];
}

export interface PlanInput {
  spec: IntegrationSpec;
  observed: ObservedIntegration | undefined;
  status: Pick<IntegrationStatus, 'uri' | 'lastUpdatedAt' | 'appliedFlowDefinitionHash' | 'appliedFlowDefinition'> | undefined;
  /** The operator's own tags, sent with the creating Put (ownership); never diffed. */
  ownerTags?: Record<string, string> | undefined;
  /** For a past scheduleStartTime (left out of the request). Default: the current time. */
  now?: Date | undefined;
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** Empty and absent are the same thing to AWS and to us. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  return deepEqual(a, b);
}

// Scope defaults to PROFILE in AWS; an absent scope in the spec means "the default".
const effectiveScope = (scope: string | undefined) => scope || 'PROFILE';

/** Differences in the members GetIntegration can read back (FlowDefinition is write-only). */
export function readableChanges(spec: IntegrationSpec, observed: ObservedIntegration): FieldChange[] {
  const changes: FieldChange[] = [];
  const scalar = (path: string, want: unknown, have: unknown) => {
    if (sameValue(want, have)) return;
    changes.push({ path, kind: isEmpty(have) ? 'add' : isEmpty(want) ? 'remove' : 'change', from: have, to: want });
  };
  scalar('objectTypeName', spec.objectTypeName, observed.objectTypeName);
  mapChanges('objectTypeNames', spec.objectTypeNames, observed.objectTypeNames, changes);
  scalar('roleArn', spec.roleArn, observed.roleArn);
  scalar('eventTriggerNames', spec.eventTriggerNames, observed.eventTriggerNames);
  if (effectiveScope(spec.scope) !== effectiveScope(observed.scope)) {
    changes.push({ path: 'scope', kind: 'change', from: observed.scope, to: spec.scope ?? 'PROFILE' });
  }
  return changes;
}

function mapChanges(path: string, want: Record<string, string> | undefined, have: Record<string, string> | undefined, out: FieldChange[]) {
  const w = want ?? {};
  const h = have ?? {};
  for (const [k, v] of Object.entries(w)) {
    if (!(k in h)) out.push({ path: `${path}.${k}`, kind: 'add', to: v });
    else if (h[k] !== v) out.push({ path: `${path}.${k}`, kind: 'change', from: h[k], to: v });
  }
  for (const k of Object.keys(h)) if (!(k in w)) out.push({ path: `${path}.${k}`, kind: 'remove', from: h[k] });
}

/** Field-level differences of two flow definitions, for people (`cpi plan`, Events). */
export function flowDefinitionChanges(before: FlowDefinition | undefined, after: FlowDefinition | undefined, prefix = 'flowDefinition'): FieldChange[] {
  const out: FieldChange[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (sameValue(a, b)) return;
    const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
    if (!bothObjects) {
      out.push({ path, kind: isEmpty(a) ? 'add' : isEmpty(b) ? 'remove' : 'change', from: a, to: b });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}[${i}]`, a[i], b[i]);
      return;
    }
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of [...keys].sort()) walk(`${path}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
  };
  walk(prefix, before, after);
  return out;
}

/**
 * The request that creates or updates the integration: the spec's AWS members, with
 * - Tags only when creating (afterwards TagResource/UntagResource change them);
 * - FlowDefinition only when creating or when its hash changed, never otherwise: AWS's own
 *   CloudFormation handler never re-sends it, and AWS may refuse a re-sent definition of a flow
 *   that exists (docs/aws-behaviour.md);
 * - a scheduleStartTime that is already past left out: the schedule then starts when the flow is
 *   created or updated, which is what a past start means, and AWS may refuse a past one.
 */
export function putRequest(spec: IntegrationSpec, uri: string | undefined, o: { tags: boolean; flow: boolean; now: Date }): PutIntegrationRequest {
  const request = toPutIntegrationInput(spec);
  // A flow-based integration is addressed by the Uri AWS generated once we know it.
  if (!request.Uri && uri) request.Uri = uri;
  if (!o.tags) delete request.Tags;
  if (!o.flow) delete request.FlowDefinition;
  const scheduled = request.FlowDefinition?.TriggerConfig?.TriggerProperties?.Scheduled;
  if (scheduled?.ScheduleStartTime && scheduled.ScheduleStartTime.getTime() <= o.now.getTime()) delete scheduled.ScheduleStartTime;
  return request;
}

/** Tag differences, per key. The operator's own tags (its prefix) are neither wanted nor removed. */
export function tagChanges(spec: IntegrationSpec, observed: ObservedIntegration): FieldChange[] {
  return tagDiff(spec.tags, observed.tags);
}

/** Tag differences of any kind's spec tags and the tags AWS reports, operator's own left out. */
export function tagDiff(want: Record<string, string> | undefined, have: Record<string, string> | undefined): FieldChange[] {
  const theirs = Object.fromEntries(Object.entries(have ?? {}).filter(([k]) => !k.startsWith(RESERVED_TAG_PREFIX)));
  const out: FieldChange[] = [];
  mapChanges('tags', want, theirs, out);
  return out;
}

/** The TagResource / UntagResource a tag diff needs (tagDiff's output). */
export function tagCalls(diff: FieldChange[]): { tag?: Record<string, string>; untag?: string[] } {
  const tag = Object.fromEntries(diff.filter((c) => c.kind !== 'remove').map((c) => [c.path.slice(5), c.to as string]));
  const untag = diff.filter((c) => c.kind === 'remove').map((c) => c.path.slice(5));
  return { ...(Object.keys(tag).length ? { tag } : {}), ...(untag.length ? { untag } : {}) };
}

/** What Observe mode reports as drift: the readable members and the tags, per field and per key. */
export function observeDrift(spec: IntegrationSpec, observed: ObservedIntegration): FieldChange[] {
  return [...readableChanges(spec, observed), ...tagChanges(spec, observed)];
}

/**
 * The status a plan compares with. `cpi import` records the hash of the flow it read back from
 * AppFlow (FlowDefinition is write-only in Customer Profiles); on first claim, with no applied
 * hash in status, that hash stands for what AWS has, so adopting an import writes nothing.
 */
export function statusForPlan(obj: { metadata: { annotations?: Record<string, string> | undefined }; status?: IntegrationStatus | undefined }): IntegrationStatus | undefined {
  const imported = obj.metadata.annotations?.[ANNOTATIONS.observedFlowHash];
  if (!imported || !/^sha256:[0-9a-f]{64}$/.test(imported) || obj.status?.appliedFlowDefinitionHash) return obj.status;
  return { ...obj.status, appliedFlowDefinitionHash: imported };
}

export function planIntegration({ spec, observed, status, ownerTags, now = new Date() }: PlanInput): Plan {
  const wantHash = flowDefinitionHash(spec.flowDefinition);
  if (!observed) {
    const changes: FieldChange[] = [{ path: '', kind: 'add', to: 'integration' }];
    const request = putRequest(spec, spec.uri ?? status?.uri, { tags: true, flow: true, now });
    if (ownerTags && Object.keys(ownerTags).length) request.Tags = { ...request.Tags, ...ownerTags };
    return { put: { request, reason: 'create' }, changes };
  }

  const changes = readableChanges(spec, observed);
  const firstClaim = !status?.uri || !status.lastUpdatedAt;
  const flowChanged = (wantHash ?? '') !== (status?.appliedFlowDefinitionHash ?? '');
  if (flowChanged) {
    if (status?.appliedFlowDefinition) changes.push(...flowDefinitionChanges(status.appliedFlowDefinition, spec.flowDefinition));
    else changes.push({ path: 'flowDefinition', kind: 'change', from: status?.appliedFlowDefinitionHash, to: wantHash });
  }
  // AWS moved since our last look. A readable difference is re-applied above; a move with nothing
  // readable to correct is no reason to write: a Put without FlowDefinition would restore nothing,
  // re-sending FlowDefinition may be refused, and a flow's own workflow runs move it too.
  const movedOutOfBand = !firstClaim && observed.lastUpdatedAt.getTime() > Date.parse(status!.lastUpdatedAt!);

  const plan: Plan = { changes };
  if (changes.length > 0) {
    const reason: PutReason = firstClaim ? 'adopt' : movedOutOfBand && !flowChanged ? 'drift' : 'update';
    plan.put = { request: putRequest(spec, observed.uri, { tags: false, flow: flowChanged, now }), reason };
  }

  const tags = tagChanges(spec, observed);
  changes.push(...tags);
  return { ...plan, ...tagCalls(tags) };
}

export const planIsEmpty = (plan: Plan) => !plan.put && !plan.tag && !plan.untag;
