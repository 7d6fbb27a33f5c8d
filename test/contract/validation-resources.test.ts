// Model-derived validation for the domain and object type writes, as validation.test.ts does for
// PutIntegration: for every constraint of CreateDomainRequest, UpdateDomainRequest and
// PutProfileObjectTypeRequest, one request through the real SDK that breaks only that constraint
// of a valid request. Each must come back as BadRequestException naming the member, and nothing
// may be written.
import { CreateDomainCommand, PutProfileObjectTypeCommand, UpdateDomainCommand } from '@aws-sdk/client-customer-profiles';
import { describe, expect, it, vi } from 'vitest';
import { failure, sharedEmulator } from './helpers.ts';
import { messagePath, modelViolations, unsetMembers, violate } from './model-violations.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const exporting = { S3Exporting: { S3BucketName: 'matches-bucket', S3KeyName: 'out/' } };
const conflict = { ConflictResolvingModel: 'SOURCE', SourceName: 'crm' };

/** A domain request that sets every member of the tree, so every constraint is reachable. */
const domain = (name: string, days: number) => ({
  DomainName: name,
  DefaultExpirationDays: days,
  DefaultEncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
  DeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
  Matching: {
    Enabled: true,
    JobSchedule: { DayOfTheWeek: 'SUNDAY', Time: '03:00' },
    AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress']] }, ConflictResolution: conflict, MinAllowedConfidenceScoreForMerging: 0.5 },
    ExportingConfig: exporting,
  },
  RuleBasedMatching: {
    Enabled: true,
    MatchingRules: [{ Rule: ['EmailAddress'] }],
    MaxAllowedRuleLevelForMerging: 1,
    MaxAllowedRuleLevelForMatching: 1,
    AttributeTypesSelector: { AttributeMatchingModel: 'ONE_TO_ONE', Address: ['Address'], PhoneNumber: ['PhoneNumber'], EmailAddress: ['EmailAddress'] },
    ConflictResolution: conflict,
    ExportingConfig: exporting,
  },
  DataStore: { Enabled: true },
  Tags: { team: 'crm' },
});

/** An object type request that sets every member of the tree (the template wins under the default switches). */
const objectType = {
  DomainName: 'retail',
  ObjectTypeName: 'Model',
  Description: 'every member',
  TemplateId: 'Salesforce-Account',
  ExpirationDays: 30,
  EncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
  AllowProfileCreation: true,
  SourceLastUpdatedTimestampFormat: 'epoch',
  MaxProfileObjectCount: 10,
  SourcePriority: 1,
  Fields: { crmId: { Source: '_source.id', Target: '_profile.Attributes.CrmId', ContentType: 'STRING' } },
  Keys: { crmId: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['crmId'] }] },
  Tags: { team: 'crm' },
};

/** `send` builds the operation's SDK command (typed loosely: the inputs are built by path). */
const cases: Array<{ shape: string; baseline: object; send: (input: any) => any }> = [
  { shape: 'CreateDomainRequest', baseline: domain('model-domain', 366), send: (i: any) => new CreateDomainCommand(i) },
  { shape: 'UpdateDomainRequest', baseline: domain('retail', 30), send: (i: any) => new UpdateDomainCommand(i) },
  { shape: 'PutProfileObjectTypeRequest', baseline: objectType, send: (i: any) => new PutProfileObjectTypeCommand(i) },
];

const t = sharedEmulator((t) => t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 })));

describe.each(cases)('$shape constraints from the model', ({ shape, baseline, send }) => {
  const { found, unviolatable } = modelViolations(shape, baseline);

  it('the baseline request sets every member and is accepted', async () => {
    expect(unsetMembers(shape, baseline)).toEqual([]);
    await t.c.cp.send(send(baseline));
  });

  it('finds constraints of every kind the shape has', () => {
    expect(found.length).toBeGreaterThan(20);
    expect(new Set(found.map((v) => v.kind))).toContain('pattern');
    for (const u of unviolatable) expect(u).toMatch(/: (\.\*|\[[^\]]+\]\*)$/);
  });

  it.each(found.map((v) => [v.name, v] as const))('%s -> BadRequestException', async (_name, v) => {
    const before = await t.admin.state();
    const err = await failure(t.c.cp.send(send(violate(baseline, v))));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toContain(`at '${messagePath(v)}'`);
    expect(await t.admin.state()).toEqual(before);
  });
});
