// The model-driven validator and router on their own (the SDK-level tests are in test/contract).
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/emulator/errors.ts';
import { Router, assembleInput } from '../../../src/emulator/routes.ts';
import { Validator } from '../../../src/emulator/validate.ts';

const v = new Validator();
function problem(shape: string, value: unknown): ApiError | undefined {
  try {
    v.check(shape, value);
    return undefined;
  } catch (err) {
    return err as ApiError;
  }
}

describe('Validator', () => {
  it('accepts a minimal valid request and ignores unknown members', () => {
    expect(problem('PutIntegrationRequest', { DomainName: 'd', Uri: 'u', Whatever: 1 })).toBeUndefined();
  });

  it('patterns are unanchored as in Smithy: FlowName only needs a match somewhere', () => {
    expect(problem('FlowDefinition', { FlowName: '  ab  ', KmsArn: 'arn:aws:kms:r:1:k-xxxxxxxx', SourceFlowConfig: { ConnectorType: 'S3', SourceConnectorProperties: {} }, Tasks: [], TriggerConfig: { TriggerType: 'OnDemand' } })).toBeUndefined();
    expect(problem('FlowDefinition', { FlowName: ' ', KmsArn: 'arn:aws:kms:r:1:k-xxxxxxxx', SourceFlowConfig: { ConnectorType: 'S3', SourceConnectorProperties: {} }, Tasks: [], TriggerConfig: { TriggerType: 'OnDemand' } })?.message).toMatch(/at 'FlowName'/);
  });

  it('TagKey: the lookahead rejects aws: keys; the +-= range admits , ; <', () => {
    expect(problem('TagMap', { 'aws:x': 'v' })?.type).toBe('BadRequestException');
    expect(problem('TagMap', { 'a,b;c<d': 'v' })).toBeUndefined();
    expect(problem('TagMap', { 'a b': 'v' })?.type).toBe('BadRequestException');
  });

  it('lengths count code points, not UTF-16 units', () => {
    expect(problem('EventTriggerNames', ['x'])).toBeUndefined();
    expect(problem('PutIntegrationRequest', { DomainName: 'd', Uri: '😀'.repeat(255) })).toBeUndefined();
    expect(problem('PutIntegrationRequest', { DomainName: 'd', Uri: '😀'.repeat(256) })?.message).toMatch(/length less than or equal to 255/);
  });

  it('collects every violation into one message with AWS wording', () => {
    const err = problem('PutIntegrationRequest', { DomainName: 'bad name', Scope: 'X', EventTriggerNames: ['a', 'b'] })!;
    expect(err.type).toBe('BadRequestException');
    expect(err.message).toMatch(/^3 validation errors detected: /);
    expect(err.message).toContain("Value 'X' at 'Scope' failed to satisfy constraint: Member must satisfy enum value set: [PROFILE, DOMAIN]");
  });

  it('wrong JSON types are SerializationException', () => {
    expect(problem('PutIntegrationRequest', { DomainName: 'd', Uri: 5 })?.type).toBe('SerializationException');
    expect(problem('ScheduledTriggerProperties', { ScheduleExpression: 'x', ScheduleStartTime: '2026-01-01' })?.type).toBe('SerializationException');
    expect(problem('ScheduledTriggerProperties', { ScheduleExpression: 'x', ScheduleStartTime: 1796083200.123 })).toBeUndefined();
    expect(problem('ScheduledTriggerProperties', { ScheduleExpression: 'x', ScheduleOffset: 1.5 })?.type).toBe('SerializationException');
  });
});

describe('Validator.checkResponse', () => {
  const ok = { DomainName: 'd', Uri: 'u', CreatedAt: 1796083200.5, LastUpdatedAt: 1796083200.5, Tags: {}, IsUnstructured: false };
  it('accepts an answer AWS could send, including an empty Tags map', () => {
    expect(() => v.checkResponse('GetIntegrationResponse', ok)).not.toThrow();
  });
  it('rejects a missing required member, an ISO timestamp, an unknown enum value', () => {
    const { CreatedAt: _, ...noCreated } = ok;
    expect(() => v.checkResponse('GetIntegrationResponse', noCreated)).toThrow(/CreatedAt/);
    expect(() => v.checkResponse('GetIntegrationResponse', { ...ok, LastUpdatedAt: '2026-01-01T00:00:00Z' })).toThrow(/epoch seconds/);
    expect(() => v.checkResponse('GetIntegrationResponse', { ...ok, Scope: 'WORLD' })).toThrow(/enum/);
  });
});

describe('Router', () => {
  const r = new Router();
  it('routes /domains/{DomainName}/integrations and object types by method', () => {
    expect(r.match('PUT', '/domains/d/integrations')?.operation).toBe('PutIntegration');
    expect(r.match('POST', '/domains/d/integrations')?.operation).toBe('GetIntegration');
    expect(r.match('GET', '/domains/d/integrations')?.operation).toBe('ListIntegrations');
    expect(r.match('POST', '/domains/d/integrations/delete')?.operation).toBe('DeleteIntegration');
    expect(r.match('DELETE', '/domains/d/integrations')).toBeUndefined();
    expect(r.match('PUT', '/domains/d/object-types/T')?.operation).toBe('PutProfileObjectType');
    expect(r.match('DELETE', '/domains/d/object-types/T')?.operation).toBe('DeleteProfileObjectType');
    expect(r.match('GET', '/templates/Salesforce-Account')?.operation).toBe('GetProfileObjectTypeTemplate');
  });

  it('reads a trailing slash as no segment first, then as an empty last label', () => {
    expect(r.match('GET', '/domains/')?.operation).toBe('ListDomains');
    expect(r.match('POST', '/domains/')).toMatchObject({ operation: 'CreateDomain', labels: { DomainName: '' } });
    expect(r.match('DELETE', '/domains/d/object-types/')).toMatchObject({ operation: 'DeleteProfileObjectType', labels: { DomainName: 'd', ObjectTypeName: '' } });
    expect(r.match('PATCH', '/domains/')).toBeUndefined();
  });

  it('an encoded ARN is one segment, decoded once', () => {
    const arn = 'arn:aws:profile:us-east-1:1:domains/d/integrations/arn:aws:s3:::b/p q%';
    const m = r.match('GET', `/tags/${encodeURIComponent(arn)}`)!;
    expect(m.operation).toBe('ListTagsForResource');
    expect(m.labels.resourceArn).toBe(arn);
  });

  it('assembles labels, typed query members and body members', () => {
    const m = r.match('GET', '/domains/d/integrations')!;
    const input = assembleInput(m, new URLSearchParams('max-results=5&include-hidden=true&next-token=t'), {});
    expect(input).toEqual({ DomainName: 'd', MaxResults: 5, IncludeHidden: true, NextToken: 't' });
    expect(() => assembleInput(m, new URLSearchParams('max-results=five'), {})).toThrow(/max-results/);
    const u = r.match('DELETE', '/tags/arn')!;
    expect(assembleInput(u, new URLSearchParams('tagKeys=a&tagKeys=b'), {})).toEqual({ resourceArn: 'arn', tagKeys: ['a', 'b'] });
  });
});
