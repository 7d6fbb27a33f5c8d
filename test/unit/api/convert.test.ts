import type { PutIntegrationCommandInput } from '@aws-sdk/client-customer-profiles';
import { describe, expect, it } from 'vitest';
import { fromPutIntegrationInput, toPutIntegrationInput, toRfc3339 } from '../../../src/api/convert.ts';
import { canonicalFlowDefinition, flowDefinitionHash } from '../../../src/api/hash.ts';
import type { FlowDefinition, IntegrationSpec } from '../../../src/api/types.ts';
import { shapes } from '../../fixtures/put-integration-model.generated.ts';
import { KMS_ARN, s3Flow, salesforceFlow } from '../../fixtures/valid-specs.ts';
import { leaves, sampleOf } from './model-sample.ts';

// The documented request syntax of PutIntegration, from the model: all five connectors at once.
const { sample, scalarMembers } = sampleOf(shapes);

describe('conversion between the resource and PutIntegration', () => {
  it('round-trips the full documented request: every member goes in and the same request comes out', () => {
    const request = sample('PutIntegrationRequest', 'PutIntegrationRequest') as PutIntegrationCommandInput;
    const spec = fromPutIntegrationInput(request);
    expect(toPutIntegrationInput(spec)).toEqual(request);
    // Nothing was dropped on the way in: the spec has as many leaves as the request.
    expect(leaves(spec).length).toBe(leaves(request).length);
    // ... and as many as the model has scalar members (lists and maps hold one item each).
    expect(leaves(request).length).toBe(scalarMembers('PutIntegrationRequest'));
    // Names are the camelCase of the AWS names; connector keys too; map keys and enums are kept.
    expect(spec.flowDefinition!.sourceFlowConfig.sourceConnectorProperties.serviceNow!.object).toBe('Object-1');
    expect(spec.flowDefinition!.tasks[0]!.connectorOperator!.serviceNow).toBe('NO_OP');
    expect(spec.flowDefinition!.tasks[0]!.taskProperties).toEqual({ DATA_TYPE: 'TaskProperties-1' });
    expect(spec.tags).toEqual({ 'Tags:key/1': 'Tags-1' });
    expect(spec.flowDefinition!.sourceFlowConfig.connectorType).toBe('S3');
    expect(spec.scope).toBe('DOMAIN');
    // Timestamps are RFC 3339 strings in the resource and Dates in the request.
    expect(spec.flowDefinition!.triggerConfig.triggerProperties!.scheduled!.scheduleStartTime).toMatch(/^2026-12-01T12:30:\d\dZ$/);
    expect(request.FlowDefinition!.TriggerConfig!.TriggerProperties!.Scheduled!.ScheduleStartTime).toBeInstanceOf(Date);
  });

  it('sends every AWS field of a real spec under its AWS name, and never the operator fields', () => {
    const spec = salesforceFlow().spec;
    const input = toPutIntegrationInput(spec);
    expect(Object.keys(input).sort()).toEqual(['DomainName', 'EventTriggerNames', 'FlowDefinition', 'ObjectTypeName', 'RoleArn', 'Scope']);
    const sched = input.FlowDefinition!.TriggerConfig!.TriggerProperties!.Scheduled!;
    expect(sched).toEqual({
      ScheduleExpression: 'rate(1hours)',
      DataPullMode: 'Incremental',
      ScheduleStartTime: new Date('2026-12-01T00:00:00Z'),
      ScheduleEndTime: new Date('2027-12-01T00:00:00Z'),
      Timezone: 'America/New_York',
      ScheduleOffset: 300,
    });
    expect(input.FlowDefinition!.SourceFlowConfig).toEqual({
      ConnectorType: 'Salesforce',
      ConnectorProfileName: 'salesforce-prod',
      IncrementalPullConfig: { DatetimeTypeFieldName: 'LastModifiedDate' },
      SourceConnectorProperties: { Salesforce: { Object: 'Account', IncludeDeletedRecords: false } },
    });
    expect(input.FlowDefinition!.Tasks![1]).toEqual({
      TaskType: 'Map',
      SourceFields: ['Id'],
      DestinationField: 'Id',
      ConnectorOperator: { Salesforce: 'NO_OP' },
      TaskProperties: { DATA_TYPE: 'id' },
    });
    expect(input.FlowDefinition!.KmsArn).toBe(KMS_ARN);
    expect(input).not.toHaveProperty('Region');
    expect(JSON.stringify(input)).not.toMatch(/Retain|deletionPolicy|us-east-1"/);
  });

  it('omits empty maps, lists and objects, but keeps required lists even when empty', () => {
    const spec: IntegrationSpec = {
      domainName: 'retail',
      uri: 'arn:aws:connect:us-east-1:123456789012:instance/x',
      tags: {},
      objectTypeNames: {},
      eventTriggerNames: [],
      flowDefinition: {
        flowName: 'f1',
        kmsArn: KMS_ARN,
        sourceFlowConfig: { connectorType: 'S3', incrementalPullConfig: {}, sourceConnectorProperties: { s3: { bucketName: 'bkt' } } },
        tasks: [{ taskType: 'Filter', sourceFields: [], taskProperties: {} }],
        triggerConfig: { triggerType: 'OnDemand', triggerProperties: {} },
      },
    };
    const input = toPutIntegrationInput(spec);
    expect(input).not.toHaveProperty('Tags');
    expect(input).not.toHaveProperty('ObjectTypeNames');
    expect(input).not.toHaveProperty('EventTriggerNames');
    expect(input.FlowDefinition!.SourceFlowConfig).not.toHaveProperty('IncrementalPullConfig');
    expect(input.FlowDefinition!.TriggerConfig).toEqual({ TriggerType: 'OnDemand' });
    expect(input.FlowDefinition!.Tasks).toEqual([{ TaskType: 'Filter', SourceFields: [] }]);
  });

  it('keeps map keys exactly as written', () => {
    const input = toPutIntegrationInput({ domainName: 'd', uri: 'u', tags: { 'k:with/slash': 'v', Team: 'x' }, objectTypeNames: { ShopifyCreateOrders: 'Order' } });
    expect(input.Tags).toEqual({ 'k:with/slash': 'v', Team: 'x' });
    expect(input.ObjectTypeNames).toEqual({ ShopifyCreateOrders: 'Order' });
  });

  it('writes timestamps back as RFC 3339 in UTC', () => {
    expect(toRfc3339(new Date('2026-01-01T01:00:00+01:00'))).toBe('2026-01-01T00:00:00Z');
    expect(toRfc3339(new Date('2026-01-01T00:00:00.250Z'))).toBe('2026-01-01T00:00:00.250Z');
    expect(toRfc3339(1796083200)).toBe('2026-12-01T00:00:00Z');
    expect(() => toRfc3339('soon')).toThrow(/not a date-time/);
  });
});

describe('flowDefinitionHash', () => {
  const fd = (): FlowDefinition => structuredClone(s3Flow().spec.flowDefinition!);

  it('is sha256 of the canonical form, and undefined without a flowDefinition', () => {
    expect(flowDefinitionHash(fd())).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(flowDefinitionHash(undefined)).toBeUndefined();
  });

  it('does not depend on key order', () => {
    const a = fd();
    const b = JSON.parse(JSON.stringify(a, Object.keys(a).reverse())) as FlowDefinition;
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as FlowDefinition;
    reordered.tasks = a.tasks.map((t) => Object.fromEntries(Object.entries(t).reverse()) as typeof t);
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(a)[0]);
    expect(flowDefinitionHash(reordered)).toBe(flowDefinitionHash(a));
    expect(b).toBeDefined();
  });

  it('treats empty and absent alike', () => {
    const a = fd();
    const b = fd();
    b.sourceFlowConfig.incrementalPullConfig = {};
    b.tasks[1]!.taskProperties = { ...b.tasks[1]!.taskProperties };
    b.tasks[0]!.taskProperties = {};
    b.triggerConfig.triggerProperties!.scheduled!.timezone = undefined;
    expect(flowDefinitionHash(b)).toBe(flowDefinitionHash(a));
  });

  it('normalises timestamps to the same instant', () => {
    const a = fd();
    const b = fd();
    b.triggerConfig.triggerProperties!.scheduled!.scheduleStartTime = '2026-12-01T01:00:00+01:00';
    b.triggerConfig.triggerProperties!.scheduled!.firstExecutionFrom = '2026-01-01T00:00:00.000Z';
    expect(flowDefinitionHash(b)).toBe(flowDefinitionHash(a));
    expect(canonicalFlowDefinition(b)).toContain('"scheduleStartTime":"2026-12-01T00:00:00.000Z"');
  });

  it('changes when anything that AWS receives changes, including task order', () => {
    const base = flowDefinitionHash(fd());
    const changes: Array<(f: FlowDefinition) => void> = [
      (f) => (f.description = 'other'),
      (f) => (f.tasks[1]!.destinationField = 'other'),
      (f) => f.tasks.reverse(),
      (f) => (f.tasks[2]!.taskProperties = { DATA_TYPE: 'number' }),
      (f) => (f.triggerConfig.triggerProperties!.scheduled!.scheduleExpression = 'rate(30minutes)'),
      (f) => (f.triggerConfig.triggerProperties!.scheduled!.scheduleStartTime = '2026-12-01T00:00:01Z'),
      (f) => (f.sourceFlowConfig.sourceConnectorProperties.s3!.bucketPrefix = 'other/'),
    ];
    const hashes = changes.map((change) => {
      const f = fd();
      change(f);
      return flowDefinitionHash(f);
    });
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
