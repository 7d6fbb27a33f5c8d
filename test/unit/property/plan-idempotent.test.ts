// The plan is idempotent (issue 8): carrying out its calls against the observed integration, and
// writing status as the reconciler does, yields a state that plans to nothing. AWS is modelled by a
// small pure simulator of PutIntegration (an upsert that replaces the writable members; tags only
// at creation), TagResource and UntagResource, with AWS's epoch-second timestamps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowDefinitionHash } from '../../../src/api/hash.ts';
import type { IntegrationSpec } from '../../../src/api/types.ts';
import type { ObservedIntegration, PutIntegrationRequest } from '../../../src/aws/types.ts';
import { planIntegration, planIsEmpty, type Plan, type PlanInput } from '../../../src/reconcile/plan.ts';
import { awsSpec, flowDefinition, tags } from './arbitraries.ts';

type Status = NonNullable<PlanInput['status']>;
const flowUri = (flowName: string) => `arn:aws:appflow:us-east-1:123456789012:flow/${flowName}`;
const identity = (s: IntegrationSpec) => s.uri ?? flowUri(s.flowDefinition!.flowName);
const seconds = (n: number) => new Date(n * 1000);

/** AWS's side of PutIntegration: the writable members are replaced, LastUpdatedAt moves on. */
function put(before: ObservedIntegration | undefined, req: PutIntegrationRequest, now: number): ObservedIntegration {
  const after: ObservedIntegration = {
    domainName: req.DomainName!,
    uri: req.Uri ?? flowUri(req.FlowDefinition!.FlowName!),
    createdAt: before?.createdAt ?? seconds(now),
    lastUpdatedAt: seconds(Math.max(now, before ? before.lastUpdatedAt.getTime() / 1000 + 1 : now)),
    // Tags are set on creation only; later Puts leave them alone (TagResource changes them).
    tags: before ? before.tags : req.Tags,
  };
  if (req.ObjectTypeName !== undefined) after.objectTypeName = req.ObjectTypeName;
  if (req.ObjectTypeNames !== undefined) after.objectTypeNames = req.ObjectTypeNames;
  if (req.RoleArn !== undefined) after.roleArn = req.RoleArn;
  if (req.EventTriggerNames !== undefined) after.eventTriggerNames = req.EventTriggerNames;
  after.scope = req.Scope ?? 'PROFILE';
  return after;
}

/** Carries out a plan and writes status the way the reconciler does after acting. */
function apply(spec: IntegrationSpec, observed: ObservedIntegration | undefined, status: Status | undefined, plan: Plan, now: number) {
  let current = observed;
  if (plan.put) current = put(current, plan.put.request, now);
  if (plan.tag || plan.untag) {
    const t = { ...(current!.tags ?? {}), ...(plan.tag ?? {}) };
    for (const k of plan.untag ?? []) delete t[k];
    current = { ...current!, tags: t };
  }
  const next: Status = {
    ...status,
    uri: current!.uri,
    lastUpdatedAt: current!.lastUpdatedAt.toISOString(),
  };
  if (plan.put) {
    const hash = flowDefinitionHash(spec.flowDefinition);
    if (hash) next.appliedFlowDefinitionHash = hash;
    else delete next.appliedFlowDefinitionHash;
  }
  return { observed: current!, status: next };
}

const t0 = Date.UTC(2026, 10, 30) / 1000;

/** A spec and what AWS and status might say about it: absent, matching, drifted, edited out of band. */
const scenario = awsSpec.chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    observed: fc.option(
      fc.record({
        objectTypeName: fc.option(fc.constantFrom(spec.objectTypeName ?? 'CTR', 'Other'), { nil: undefined }),
        objectTypeNames: fc.option(fc.constantFrom(spec.objectTypeNames ?? {}, { SegmentIdentify: 'X' }), { nil: undefined }),
        roleArn: fc.option(fc.constantFrom(spec.roleArn ?? 'arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'), { nil: undefined }),
        eventTriggerNames: fc.option(fc.constantFrom(spec.eventTriggerNames ?? [], ['other']), { nil: undefined }),
        scope: fc.option(fc.constantFrom('PROFILE', 'DOMAIN'), { nil: undefined }),
        tags: fc.option(fc.oneof(fc.constant(spec.tags ?? {}), tags), { nil: undefined }),
        createdAt: fc.integer({ min: t0 - 1000, max: t0 - 500 }).map(seconds),
        lastUpdatedAt: fc.integer({ min: t0 - 400, max: t0 - 1 }).map(seconds),
      }).map((o) => ({ domainName: spec.domainName, uri: identity(spec), ...o }) as ObservedIntegration),
      { nil: undefined },
    ),
    status: fc.option(
      fc.record({
        lastUpdatedAtShift: fc.integer({ min: -100, max: 100 }),
        hash: fc.oneof(fc.constant(flowDefinitionHash(spec.flowDefinition)), fc.constant(undefined), flowDefinition.map((f) => flowDefinitionHash(f))),
      }),
      { nil: undefined },
    ),
  }),
);

describe('the plan is idempotent', () => {
  it('after its calls are carried out, the same spec plans to nothing', () => {
    fc.assert(fc.property(scenario, ({ spec, observed, status: s }) => {
      // Status as the reconciler left it last time: the uri, the LastUpdatedAt it saw, the flow it applied.
      const status: Status | undefined = s && observed
        ? {
          uri: observed.uri,
          lastUpdatedAt: seconds(observed.lastUpdatedAt.getTime() / 1000 + s.lastUpdatedAtShift).toISOString(),
          ...(s.hash ? { appliedFlowDefinitionHash: s.hash } : {}),
        }
        : undefined;
      const first = planIntegration({ spec, observed, status });
      const after = apply(spec, observed, status, first, t0);
      const second = planIntegration({ spec, observed: after.observed, status: after.status });
      expect(second.changes).toEqual([]);
      expect(planIsEmpty(second)).toBe(true);
    }), { numRuns: 1000 });
  });

  it('a missing integration is created with one Put that carries the tags, and then needs nothing', () => {
    fc.assert(fc.property(awsSpec, (spec) => {
      const first = planIntegration({ spec, observed: undefined, status: undefined });
      expect(first.put?.reason).toBe('create');
      expect(first.tag).toBeUndefined();
      const after = apply(spec, undefined, undefined, first, t0);
      expect(planIsEmpty(planIntegration({ spec, observed: after.observed, status: after.status }))).toBe(true);
    }), { numRuns: 300 });
  });
});
