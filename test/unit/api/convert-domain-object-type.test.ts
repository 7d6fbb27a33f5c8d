// Conversion of CustomerProfilesDomain and CustomerProfilesObjectType specs to and from AWS:
// the full documented requests and answers of the model round-trip, real fixtures convert as
// AWS expects them, and (fast-check) every spec the schema allows round-trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainConversionProblem, domainSpecFromAws, toCreateDomainInput, toUpdateDomainInput } from '../../../src/api/convert-domain.ts';
import { objectTypeConversionProblem, objectTypeSpecFromAws, toPutProfileObjectTypeInput } from '../../../src/api/convert-object-type.ts';
import { OPERATOR_FIELDS } from '../../../src/api/convert.ts';
import { FIELD_CONTENT_TYPES, STANDARD_IDENTIFIERS } from '../../../src/api/object-type-schema.ts';
import type { DomainSpec, ObjectTypeSpec } from '../../../src/api/types.ts';
import { validateResource } from '../../../src/api/validate.ts';
import { shapes } from '../../fixtures/domain-object-type-model.generated.ts';
import { fullDomain, minimalDomain } from '../../fixtures/valid-domains.ts';
import { salesforceAccount } from '../../fixtures/valid-object-types.ts';
import { API_VERSION } from '../../fixtures/valid-specs.ts';
import { leaves, sampleOf } from './model-sample.ts';

const { sample, scalarMembers } = sampleOf(shapes);
const withoutOperatorFields = (s: object) => Object.fromEntries(Object.entries(s).filter(([k]) => !(OPERATOR_FIELDS as readonly string[]).includes(k)));

/** The full documented request of `requestShape`, read as a spec and sent back: every member
 * survives, none is added, and the sample has every scalar member of the model. */
function roundTrip<S>(requestShape: string, fromAws: (r: Record<string, unknown>) => unknown, toInput: (s: S) => unknown): S {
  const request = sample(requestShape);
  const spec = fromAws(request as Record<string, unknown>) as S;
  expect(toInput(spec)).toEqual(request);
  expect(leaves(spec).length).toBe(leaves(request).length);
  expect(leaves(request).length).toBe(scalarMembers(requestShape));
  return spec;
}

describe('CustomerProfilesDomain <-> CreateDomain, UpdateDomain, GetDomain', () => {
  it('round-trips the full documented CreateDomain request', () => {
    const spec = roundTrip<DomainSpec>('CreateDomainRequest', domainSpecFromAws, toCreateDomainInput);
    expect(spec.matching!.autoMerging!.minAllowedConfidenceScoreForMerging).toBe(0.75);
    expect(spec.matching!.exportingConfig!.s3Exporting!.s3BucketName).toBe('S3BucketName-1');
    expect(spec.ruleBasedMatching!.attributeTypesSelector!.attributeMatchingModel).toBe('MANY_TO_MANY');
    expect(spec.tags).toEqual({ 'Tags:key/1': 'Tags-1' });
  });

  it('reads a full GetDomain answer as the spec that creates it; AWS\'s own members are dropped', () => {
    const answer = sample('GetDomainResponse') as Record<string, unknown>;
    const spec = domainSpecFromAws(answer);
    expect(toCreateDomainInput(spec as DomainSpec)).toEqual(sample('CreateDomainRequest'));
    const flat = JSON.stringify(spec);
    for (const own of ['stats', 'createdAt', 'lastUpdatedAt', 'status', 'readiness', 'ProfileCount']) expect(flat).not.toContain(`"${own}"`);
    // A key or queue UpdateDomain cleared comes back empty: the same as none.
    expect(domainSpecFromAws({ DomainName: 'd', DefaultExpirationDays: 3, DefaultEncryptionKey: '', DeadLetterQueueUrl: '' })).toEqual({ domainName: 'd', defaultExpirationDays: 3 });
  });

  it('sends a real spec under the AWS names, never the operator fields', () => {
    const spec = fullDomain().spec;
    const create = toCreateDomainInput(spec);
    expect(Object.keys(create).sort()).toEqual(['DataStore', 'DeadLetterQueueUrl', 'DefaultEncryptionKey', 'DefaultExpirationDays', 'DomainName', 'Matching', 'RuleBasedMatching', 'Tags']);
    expect(create.Matching).toEqual({
      Enabled: true,
      JobSchedule: { DayOfTheWeek: 'SUNDAY', Time: '03:00' },
      AutoMerging: {
        Enabled: true,
        Consolidation: { MatchingAttributesList: [['FirstName', 'LastName', 'EmailAddress'], ['PhoneNumber']] },
        ConflictResolution: { ConflictResolvingModel: 'SOURCE', SourceName: 'SalesforceAccount' },
        MinAllowedConfidenceScoreForMerging: 0.85,
      },
      ExportingConfig: { S3Exporting: { S3BucketName: 'retail-matches', S3KeyName: 'matching/' } },
    });
    expect(create.RuleBasedMatching!.MatchingRules).toEqual([{ Rule: ['EmailAddress'] }, { Rule: ['FirstName', 'LastName', 'Address.PostalCode'] }]);
  });

  it('UpdateDomain: no Tags (TagResource changes them), and a key or queue the spec dropped is cleared', () => {
    const full = toUpdateDomainInput(fullDomain().spec);
    expect(full).not.toHaveProperty('Tags');
    const { Tags: _t, ...create } = toCreateDomainInput(fullDomain().spec);
    expect(full).toEqual(create);
    expect(toUpdateDomainInput(minimalDomain().spec)).toEqual({ DomainName: 'retail', DefaultExpirationDays: 366, DefaultEncryptionKey: '', DeadLetterQueueUrl: '' });
  });

  it('every spec converts: there is no field AWS could not be sent', () => {
    expect(domainConversionProblem(fullDomain().spec)).toBeUndefined();
    expect(domainConversionProblem(minimalDomain().spec)).toBeUndefined();
  });
});

describe('CustomerProfilesObjectType <-> PutProfileObjectType, GetProfileObjectType', () => {
  it('round-trips the full documented PutProfileObjectType request', () => {
    const spec = roundTrip<ObjectTypeSpec>('PutProfileObjectTypeRequest', objectTypeSpecFromAws, toPutProfileObjectTypeInput);
    expect(spec.fields).toEqual({ 'Fields:key/1': { source: 'Source-1', target: 'Target-1', contentType: 'NAME' } });
    expect(spec.keys).toEqual({ 'Keys:key/1': [{ standardIdentifiers: ['NEW_ONLY'], fieldNames: ['FieldNames-1'] }] });
    expect(spec.sourcePriority).toBe(300);
  });

  it('reads a full GetProfileObjectType answer as the spec that puts it, without a domain (the answer has none)', () => {
    const answer = sample('GetProfileObjectTypeResponse') as Record<string, unknown>;
    const spec = objectTypeSpecFromAws(answer);
    expect(spec).not.toHaveProperty('domainName');
    expect(spec).not.toHaveProperty('maxAvailableProfileObjectCount');
    const { DomainName: _d, ...request } = sample('PutProfileObjectTypeRequest') as Record<string, unknown>;
    const { DomainName: _e, ...put } = toPutProfileObjectTypeInput({ ...(spec as ObjectTypeSpec), domainName: 'x' });
    expect(put).toEqual(request);
  });

  it('sends a real spec under the AWS names, with its Tags, never the operator fields', () => {
    const input = toPutProfileObjectTypeInput(salesforceAccount().spec);
    expect(Object.keys(input).sort()).toEqual([
      'AllowProfileCreation', 'Description', 'DomainName', 'EncryptionKey', 'ExpirationDays', 'Fields', 'Keys', 'MaxProfileObjectCount',
      'ObjectTypeName', 'SourceLastUpdatedTimestampFormat', 'SourcePriority', 'Tags',
    ]);
    expect(input.Fields!['billing.city']).toEqual({ Source: '_source.BillingCity', Target: '_profile.BillingAddress.City', ContentType: 'STRING' });
    expect(input.Keys!._salesforceAccountId).toEqual([{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['Id'] }]);
    expect(objectTypeConversionProblem(salesforceAccount().spec)).toBeUndefined();
  });
});

// ---- every spec the schema allows (fast-check) ----

const lower = 'abcdefghijklmnopqrstuvwxyz';
const word = (min: number, max: number, chars = `${lower}0123456789`) => fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((a) => a.join(''));
const name = fc.tuple(fc.constantFrom(...lower), word(0, 12, `${lower}0123456789_-`)).map(([a, b]) => a + b);
const attr = word(1, 20, `${lower}ABC.`);
const attrs = (max: number) => fc.array(attr, { minLength: 1, maxLength: max });
const tags = fc.dictionary(fc.tuple(fc.constantFrom(...lower), word(0, 10, `${lower}-._:/`)).map(([a, b]) => a + b), word(0, 10), { maxKeys: 5 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const conflictResolution = fc.record({ conflictResolvingModel: fc.constantFrom('RECENCY', 'SOURCE'), sourceName: opt(name) }, { requiredKeys: ['conflictResolvingModel'] });
const exportingConfig = fc.record({ s3Exporting: fc.record({ s3BucketName: word(3, 20, `${lower}.-`), s3KeyName: opt(word(1, 20)) }, { requiredKeys: ['s3BucketName'] }) });

const domainSpec: fc.Arbitrary<DomainSpec> = fc.record(
  {
    domainName: name,
    defaultExpirationDays: fc.integer({ min: 1, max: 1098 }),
    defaultEncryptionKey: fc.uuid().map((u) => `arn:aws:kms:us-east-1:123456789012:key/${u}`),
    deadLetterQueueUrl: name.map((n) => `https://sqs.us-east-1.amazonaws.com/123456789012/${n}`),
    matching: fc.record(
      {
        enabled: fc.boolean(),
        jobSchedule: fc.record({ dayOfTheWeek: fc.constantFrom('MONDAY', 'SUNDAY'), time: fc.constantFrom('0:00', '03:30', '23:59') }),
        autoMerging: fc.record(
          {
            enabled: fc.boolean(),
            consolidation: fc.record({ matchingAttributesList: fc.array(attrs(20), { minLength: 1, maxLength: 3 }) }),
            conflictResolution,
            minAllowedConfidenceScoreForMerging: fc.double({ min: 0, max: 1, noNaN: true }),
          },
          { requiredKeys: ['enabled'] },
        ),
        exportingConfig,
      },
      { requiredKeys: ['enabled'] },
    ),
    ruleBasedMatching: fc.record(
      {
        enabled: fc.boolean(),
        matchingRules: fc.array(fc.record({ rule: attrs(15) }), { minLength: 1, maxLength: 4 }),
        maxAllowedRuleLevelForMerging: fc.integer({ min: 1, max: 15 }),
        maxAllowedRuleLevelForMatching: fc.integer({ min: 1, max: 15 }),
        attributeTypesSelector: fc.record(
          { attributeMatchingModel: fc.constantFrom('ONE_TO_ONE', 'MANY_TO_MANY'), address: attrs(4), phoneNumber: attrs(4), emailAddress: attrs(3) },
          { requiredKeys: ['attributeMatchingModel'] },
        ),
        conflictResolution,
        exportingConfig,
      },
      { requiredKeys: ['enabled'] },
    ),
    dataStore: fc.record({ enabled: fc.boolean() }),
    tags,
    region: fc.constantFrom('us-east-1', 'eu-west-2'),
    deletionPolicy: fc.constantFrom('Delete', 'Retain'),
    managementPolicy: fc.constantFrom('Manage', 'Observe'),
  },
  { requiredKeys: ['domainName', 'defaultExpirationDays'] },
) as fc.Arbitrary<DomainSpec>;

const fieldName = word(1, 12, `${lower}_.-`);
const objectTypeSpec: fc.Arbitrary<ObjectTypeSpec> = fc.record(
  {
    domainName: name,
    objectTypeName: name.map((n) => `T${n}`),
    description: word(1, 40, `${lower} ,.`),
    templateId: name,
    expirationDays: fc.integer({ min: 1, max: 1098 }),
    encryptionKey: word(0, 30),
    allowProfileCreation: fc.boolean(),
    sourceLastUpdatedTimestampFormat: word(1, 20),
    maxProfileObjectCount: fc.integer({ min: 1, max: 1000 }),
    sourcePriority: fc.integer({ min: 1, max: 100 }),
    fields: fc.dictionary(
      fieldName,
      fc.record({ source: word(1, 20, `${lower}_.`), target: word(1, 20, `${lower}_.`), contentType: fc.constantFrom(...FIELD_CONTENT_TYPES) }, { requiredKeys: ['source'] }),
      { minKeys: 1, maxKeys: 6 },
    ),
    keys: fc.dictionary(
      name,
      fc.array(fc.record({ standardIdentifiers: fc.subarray([...STANDARD_IDENTIFIERS], { minLength: 1, maxLength: 3 }), fieldNames: fc.array(name, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['fieldNames'] }), {
        minLength: 1,
        maxLength: 3,
      }),
      { minKeys: 1, maxKeys: 3 },
    ),
    tags,
    region: fc.constantFrom('us-east-1', 'eu-west-2'),
    deletionPolicy: fc.constantFrom('Delete', 'Retain'),
    managementPolicy: fc.constantFrom('Manage', 'Observe'),
  },
  { requiredKeys: ['domainName', 'objectTypeName', 'description'] },
) as fc.Arbitrary<ObjectTypeSpec>;

/** What a round trip keeps: the AWS members, with empty maps and objects dropped as conversion drops them. */
const awsMembersOf = (spec: object) => JSON.parse(JSON.stringify(withoutOperatorFields(spec), (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? undefined : v)));

describe('every spec the schema allows', () => {
  it('the arbitraries make valid resources (they respect the schemas)', () => {
    for (const [kind, specs] of [['CustomerProfilesDomain', domainSpec], ['CustomerProfilesObjectType', objectTypeSpec]] as const) {
      fc.assert(
        fc.property(specs as fc.Arbitrary<object>, (spec) => {
          expect(validateResource({ apiVersion: API_VERSION, kind, metadata: { name: 'r' }, spec })).toEqual([]);
        }),
        { numRuns: 200 },
      );
    }
  });

  const roundTrips = [
    { name: 'domainSpecFromAws(toCreateDomainInput(spec))', specs: domainSpec as fc.Arbitrary<object>, toAws: (s: object) => toCreateDomainInput(s as DomainSpec), fromAws: domainSpecFromAws },
    {
      name: 'objectTypeSpecFromAws(toPutProfileObjectTypeInput(spec))',
      specs: objectTypeSpec as fc.Arbitrary<object>,
      toAws: (s: object) => toPutProfileObjectTypeInput(s as ObjectTypeSpec),
      fromAws: objectTypeSpecFromAws,
    },
  ];
  it.each(roundTrips)('$name is the spec without the operator fields, and the request survives the trip', ({ specs, toAws, fromAws }) => {
    fc.assert(
      fc.property(specs, (spec) => {
        const request = toAws(spec) as unknown as Record<string, unknown>;
        expect(fromAws(request)).toEqual(awsMembersOf(spec));
        expect(toAws(fromAws(request))).toEqual(request);
        for (const k of Object.keys(request)) expect(k).not.toMatch(/^(Region|DeletionPolicy|ManagementPolicy)$/);
      }),
      { numRuns: 300 },
    );
  });
});
