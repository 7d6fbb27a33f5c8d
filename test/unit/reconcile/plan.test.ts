// The plan is pure: (spec, observed, status) -> calls. Every row pins one rule of the plan step
// (docs/design.md#the-reconcile-loop).
import { describe, expect, it } from 'vitest';
import type { FlowDefinition, IntegrationSpec, IntegrationStatus } from '../../../src/api/types.ts';
import { flowDefinitionHash } from '../../../src/api/hash.ts';
import { flowDefinitionChanges, planIntegration, planIsEmpty, readableChanges, sameValue } from '../../../src/reconcile/plan.ts';
import type { ObservedIntegration } from '../../../src/aws/types.ts';

const URI = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const T_CREATED = new Date('2026-11-30T07:00:00.000Z');
const T_UPDATED = new Date('2026-11-30T07:05:00.250Z');

const flow: FlowDefinition = {
  flowName: 'Salesforce_Accounts',
  kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/abcd-1234',
  sourceFlowConfig: { connectorType: 'Salesforce', sourceConnectorProperties: { salesforce: { object: 'Account' } } },
  tasks: [{ taskType: 'Map', sourceFields: ['Name'], destinationField: 'Name', connectorOperator: { salesforce: 'NO_OP' }, taskProperties: { DATA_TYPE: 'string' } }],
  triggerConfig: { triggerType: 'OnDemand' },
} as FlowDefinition;

const spec = (over: Partial<IntegrationSpec> = {}): IntegrationSpec =>
  ({ domainName: 'retail', uri: URI, objectTypeName: 'CTR', tags: { team: 'crm' }, region: 'us-east-1', deletionPolicy: 'Delete', managementPolicy: 'Manage', ...over }) as IntegrationSpec;

const observed = (over: Partial<ObservedIntegration> = {}): ObservedIntegration => ({
  domainName: 'retail', uri: URI, objectTypeName: 'CTR', tags: { team: 'crm' }, createdAt: T_CREATED, lastUpdatedAt: T_UPDATED, scope: 'PROFILE', ...over,
});

const status = (over: Partial<IntegrationStatus> = {}): IntegrationStatus => ({ uri: URI, lastUpdatedAt: T_UPDATED.toISOString(), ...over });

describe('planIntegration', () => {
  it('creates a missing integration with every AWS member, tags included, and no operator field', () => {
    const p = planIntegration({ spec: spec({ objectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' }, roleArn: 'arn:aws:iam::123456789012:role/p', eventTriggerNames: ['vip'], scope: 'DOMAIN' }), observed: undefined, status: undefined });
    expect(p.put?.reason).toBe('create');
    expect(p.put?.request).toEqual({
      DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR', ObjectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' }, Tags: { team: 'crm' },
      RoleArn: 'arn:aws:iam::123456789012:role/p', EventTriggerNames: ['vip'], Scope: 'DOMAIN',
    });
    expect(p.tag).toBeUndefined();
    expect(JSON.stringify(p.put?.request)).not.toMatch(/region|deletionPolicy|managementPolicy/i);
  });

  it('plans nothing for a resource at rest', () => {
    expect(planIsEmpty(planIntegration({ spec: spec(), observed: observed(), status: status() }))).toBe(true);
  });

  it.each<[string, Partial<IntegrationSpec>, Partial<ObservedIntegration>, string]>([
    ['objectTypeName', { objectTypeName: 'B' }, {}, 'objectTypeName'],
    ['objectTypeName removed', { objectTypeName: undefined }, {}, 'objectTypeName'],
    ['objectTypeNames key added', { objectTypeNames: { SegmentIdentify: 'Seg' } }, {}, 'objectTypeNames.SegmentIdentify'],
    ['objectTypeNames value changed', { objectTypeNames: { SegmentIdentify: 'Seg2' } }, { objectTypeNames: { SegmentIdentify: 'Seg' } }, 'objectTypeNames.SegmentIdentify'],
    ['objectTypeNames key removed', {}, { objectTypeNames: { SegmentIdentify: 'Seg' } }, 'objectTypeNames.SegmentIdentify'],
    ['roleArn', { roleArn: 'arn:aws:iam::123456789012:role/new' }, { roleArn: 'arn:aws:iam::123456789012:role/old' }, 'roleArn'],
    ['eventTriggerNames', { eventTriggerNames: ['vip'] }, {}, 'eventTriggerNames'],
    ['scope', { scope: 'DOMAIN' }, { scope: 'PROFILE' }, 'scope'],
  ])('updates with one Put when %s differs, without tags', (_name, s, o, path) => {
    const p = planIntegration({ spec: spec(s), observed: observed(o), status: status() });
    expect(p.put?.reason).toBe('update');
    expect(p.put?.request.Tags).toBeUndefined();
    expect(p.put?.request.Uri).toBe(URI);
    expect(p.changes.map((c) => c.path)).toContain(path);
    expect(p.tag).toBeUndefined();
    expect(p.untag).toBeUndefined();
  });

  it.each<[string, Partial<IntegrationSpec>, Partial<ObservedIntegration>]>([
    ['empty objectTypeNames vs absent', { objectTypeNames: {} }, { objectTypeNames: undefined }],
    ['absent objectTypeNames vs empty', {}, { objectTypeNames: {} }],
    ['empty eventTriggerNames vs absent', { eventTriggerNames: [] }, {}],
    ['absent eventTriggerNames vs empty', {}, { eventTriggerNames: [] }],
    ['absent scope vs the PROFILE default', { scope: undefined }, { scope: 'PROFILE' }],
    ['PROFILE vs absent scope', { scope: 'PROFILE' }, { scope: undefined }],
    ['empty tags vs absent', { tags: {} }, { tags: undefined }],
    ['absent tags vs empty', { tags: undefined }, { tags: {} }],
  ])('treats %s as equal', (_name, s, o) => {
    expect(planIsEmpty(planIntegration({ spec: spec(s), observed: observed(o), status: status() }))).toBe(true);
  });

  it('puts when the flowDefinition hash differs from the one last applied, listing changed fields', () => {
    const before = { ...flow, description: 'old' } as FlowDefinition;
    const s = spec({ uri: undefined, flowDefinition: flow });
    const p = planIntegration({ spec: s, observed: observed(), status: status({ appliedFlowDefinitionHash: flowDefinitionHash(before), appliedFlowDefinition: before }) });
    expect(p.put?.reason).toBe('update');
    expect(p.put?.request.FlowDefinition?.FlowName).toBe('Salesforce_Accounts');
    expect(p.put?.request.Uri).toBe(URI); // the uri AWS generated addresses the existing integration
    expect(p.changes).toContainEqual({ path: 'flowDefinition.description', kind: 'remove', from: 'old', to: undefined });
  });

  it('reports a flowDefinition change by hash when the last applied definition is unknown', () => {
    const p = planIntegration({ spec: spec({ flowDefinition: flow }), observed: observed(), status: status({ appliedFlowDefinitionHash: 'sha256:old' }) });
    expect(p.changes).toContainEqual({ path: 'flowDefinition', kind: 'change', from: 'sha256:old', to: flowDefinitionHash(flow) });
  });

  it('does not put when the flowDefinition only differs in key order', () => {
    const reordered = JSON.parse(JSON.stringify(flow, Object.keys(flow).reverse())) as FlowDefinition;
    const reorderedSpec = spec({ flowDefinition: { ...reordered, tasks: flow.tasks, sourceFlowConfig: flow.sourceFlowConfig, triggerConfig: flow.triggerConfig } });
    const p = planIntegration({ spec: reorderedSpec, observed: observed(), status: status({ appliedFlowDefinitionHash: flowDefinitionHash(flow) }) });
    expect(planIsEmpty(p)).toBe(true);
  });

  it('writes nothing when only AWS LastUpdatedAt moved (nothing readable to correct; a flow\'s workflow moves it too)', () => {
    expect(planIsEmpty(planIntegration({ spec: spec(), observed: observed({ lastUpdatedAt: new Date(T_UPDATED.getTime() + 1) }), status: status() }))).toBe(true);
  });

  it('corrects a readable out-of-band change as drift, without Tags and without re-sending an unchanged flowDefinition', () => {
    const applied = { appliedFlowDefinitionHash: flowDefinitionHash(flow), appliedFlowDefinition: flow };
    const p = planIntegration({ spec: spec({ flowDefinition: flow }), observed: observed({ objectTypeName: 'Tampered', lastUpdatedAt: new Date(T_UPDATED.getTime() + 1) }), status: status(applied) });
    expect(p.put?.reason).toBe('drift');
    expect(p.put?.request.Tags).toBeUndefined();
    expect(p.put?.request.FlowDefinition).toBeUndefined();
    expect(p.put?.request.ObjectTypeName).toBe(spec().objectTypeName);
  });

  it('sends flowDefinition when creating and when its hash changed, leaving out a scheduleStartTime already past', () => {
    const scheduled = (start: string): FlowDefinition => ({ ...flow, triggerConfig: { triggerType: 'Scheduled', triggerProperties: { scheduled: { scheduleExpression: 'rate(1hours)', scheduleStartTime: start } } } });
    const now = new Date('2026-12-05T00:00:00Z');
    const create = planIntegration({ spec: spec({ flowDefinition: scheduled('2026-12-01T00:00:00Z') }), observed: undefined, status: undefined, now });
    expect(create.put?.request.FlowDefinition?.FlowName).toBe(flow.flowName);
    expect(create.put?.request.FlowDefinition?.TriggerConfig?.TriggerProperties?.Scheduled?.ScheduleStartTime).toBeUndefined();
    const future = planIntegration({ spec: spec({ flowDefinition: scheduled('2027-01-01T00:00:00Z') }), observed: undefined, status: undefined, now });
    expect(future.put?.request.FlowDefinition?.TriggerConfig?.TriggerProperties?.Scheduled?.ScheduleStartTime).toEqual(new Date('2027-01-01T00:00:00Z'));
    const applied = { appliedFlowDefinitionHash: flowDefinitionHash(flow), appliedFlowDefinition: flow };
    const nonFlowEdit = planIntegration({ spec: spec({ flowDefinition: flow, objectTypeName: 'Other' }), observed: observed(), status: status(applied), now });
    expect(nonFlowEdit.put?.request.FlowDefinition).toBeUndefined();
  });

  it('does not treat an older or equal LastUpdatedAt as drift', () => {
    expect(planIsEmpty(planIntegration({ spec: spec(), observed: observed({ lastUpdatedAt: T_CREATED }), status: status() }))).toBe(true);
  });

  it('changes tags through TagResource and UntagResource only', () => {
    const p = planIntegration({ spec: spec({ tags: { team: 'crm', env: 'prod', 'k:with/slash': 'v' } }), observed: observed({ tags: { team: 'sales', old: 'x' } }), status: status() });
    expect(p.put).toBeUndefined();
    expect(p.tag).toEqual({ team: 'crm', env: 'prod', 'k:with/slash': 'v' });
    expect(p.untag).toEqual(['old']);
  });

  it('adopts an existing integration on first claim only when the spec differs', () => {
    const adopt = planIntegration({ spec: spec({ objectTypeName: 'New' }), observed: observed(), status: undefined });
    expect(adopt.put?.reason).toBe('adopt');
    expect(planIsEmpty(planIntegration({ spec: spec(), observed: observed(), status: undefined }))).toBe(true);
  });

  it('must put a flow on first claim: the write-only definition cannot be compared', () => {
    const p = planIntegration({ spec: spec({ flowDefinition: flow }), observed: observed(), status: undefined });
    expect(p.put?.reason).toBe('adopt');
  });
});

describe('helpers', () => {
  it('sameValue treats empty and absent alike, and compares deeply', () => {
    expect(sameValue(undefined, {})).toBe(true);
    expect(sameValue([], undefined)).toBe(true);
    expect(sameValue('', undefined)).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
  });
  it('readableChanges marks adds and removes', () => {
    const c = readableChanges(spec({ roleArn: 'arn:aws:iam::1:role/r', objectTypeName: undefined }), observed());
    expect(c).toContainEqual({ path: 'roleArn', kind: 'add', from: undefined, to: 'arn:aws:iam::1:role/r' });
    expect(c).toContainEqual({ path: 'objectTypeName', kind: 'remove', from: 'CTR', to: undefined });
  });
  it('flowDefinitionChanges walks into lists', () => {
    const after = { ...flow, tasks: [...flow.tasks, { taskType: 'Filter', sourceFields: ['Id'] }] } as FlowDefinition;
    expect(flowDefinitionChanges(flow, after)).toEqual([{ path: 'flowDefinition.tasks[1]', kind: 'add', from: undefined, to: { taskType: 'Filter', sourceFields: ['Id'] } }]);
  });
});
