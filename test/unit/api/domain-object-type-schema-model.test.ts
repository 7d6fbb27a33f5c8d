// The domain and object type schemas carry every member and constraint of CreateDomain /
// UpdateDomain and PutProfileObjectType in the botocore model
// (test/fixtures/domain-object-type-model.generated.ts, from scripts/gen-api-model.ts), with the
// differences model-compare.ts lists; list minimums are carried (an empty list AWS refuses is
// refused at apply). What the Get answers add is either a spec member or a status member.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOMAIN_OBJECT_TYPE_MODEL_PATH, DOMAIN_OBJECT_TYPE_ROOTS, renderApiModel } from '../../../scripts/gen-api-model.ts';
import { loadModel, MODEL_SHA256 } from '../../../scripts/botocore-model.ts';
import { DomainSpecSchema, DomainStatusSchema } from '../../../src/api/domain-schema.ts';
import { ObjectTypeSpecSchema, ObjectTypeStatusSchema } from '../../../src/api/object-type-schema.ts';
import { DOMAIN_RULES, OBJECT_TYPE_RULES, TAG_KEY_PATTERN } from '../../../src/api/rules.ts';
import { shapes } from '../../fixtures/domain-object-type-model.generated.ts';
import { compareWithModel, lowerFirst, type Node } from './model-compare.ts';

const tagKeyRules = { TagKey: ['tagKeysNotReserved', 'tagKeysShape'] };
const members = (shape: string) => Object.keys(shapes[shape]!.members!);
const statusProps = (schema: unknown) => Object.keys((schema as Node).properties!);

describe('CustomerProfilesDomain vs the botocore model', () => {
  it('has every member of CreateDomainRequest with the model\'s constraints', () => {
    const seen: string[] = [];
    compareWithModel({ shapes, rules: DOMAIN_RULES, keyRules: tagKeyRules, listMinimums: true }, 'CreateDomainRequest', DomainSpecSchema as unknown as Node, 'spec', seen);
    expect(seen).toContain('spec.matching.autoMerging.consolidation.matchingAttributesList[][]');
    expect(seen).toContain('spec.ruleBasedMatching.attributeTypesSelector.emailAddress[]');
    expect(seen).toContain('spec.matching.autoMerging.minAllowedConfidenceScoreForMerging');
    expect(seen.length).toBe(51);
  });

  it('UpdateDomainRequest has the same members and shapes (only DomainName and Tags differ in need)', () => {
    expect(shapes.UpdateDomainRequest!.members).toEqual(shapes.CreateDomainRequest!.members);
    expect(shapes.UpdateDomainRequest!.required).toEqual(['DomainName']);
  });

  it('a GetDomain answer is spec members (responses are supersets of the requests) or AWS\'s own', () => {
    const spec = members('CreateDomainRequest');
    const awsOwn = members('GetDomainResponse').filter((m) => !spec.includes(m));
    expect(awsOwn.sort()).toEqual(['CreatedAt', 'LastUpdatedAt', 'Stats']);
    expect(statusProps(DomainStatusSchema)).toEqual(expect.arrayContaining(['createdAt', 'lastUpdatedAt']));
    // MatchingResponse / RuleBasedMatchingResponse / DataStoreResponse: the request's members and a
    // few read-only ones, which conversion drops.
    for (const [response, request, readOnly] of [
      ['MatchingResponse', 'MatchingRequest', []],
      ['RuleBasedMatchingResponse', 'RuleBasedMatchingRequest', ['Status']],
      ['DataStoreResponse', 'DataStoreRequest', ['Readiness']],
    ] as const) {
      expect(members(response).filter((m) => !members(request).includes(m)), response).toEqual(readOnly);
      for (const m of members(request)) expect(shapes[response]!.members![m], `${response}.${m}`).toEqual(shapes[request]!.members![m]);
    }
  });
});

describe('CustomerProfilesObjectType vs the botocore model', () => {
  it('has every member of PutProfileObjectTypeRequest with the model\'s constraints', () => {
    const seen: string[] = [];
    const keyRules = { ...tagKeyRules, fieldName: ['fieldsKeys'], name: ['keysKeys'] };
    compareWithModel({ shapes, rules: OBJECT_TYPE_RULES, keyRules, listMinimums: true }, 'PutProfileObjectTypeRequest', ObjectTypeSpecSchema as unknown as Node, 'spec', seen);
    expect(seen).toContain('spec.keys{}[].standardIdentifiers[]');
    expect(seen).toContain('spec.fields{}.contentType');
    expect(seen).toContain('spec.sourcePriority');
    expect(seen.length).toBe(25);
  });

  it('checks field and key names as the model constrains them', () => {
    const fieldsKeys = OBJECT_TYPE_RULES.find((r) => r.name === 'fieldsKeys')!;
    expect(fieldsKeys.rule).toContain(`size(k) >= ${shapes.fieldName!.min} && size(k) <= ${shapes.fieldName!.max} && k.matches('${shapes.fieldName!.pattern}')`);
    const keysKeys = OBJECT_TYPE_RULES.find((r) => r.name === 'keysKeys')!;
    expect(keysKeys.rule).toContain(`size(k) >= ${shapes.name!.min} && size(k) <= ${shapes.name!.max} && k.matches('${shapes.name!.pattern}')`);
    expect(shapes.TagKey!.pattern).toBe(TAG_KEY_PATTERN.replace('^', '^(?!aws:)'));
  });

  it('a GetProfileObjectType answer is spec members or status members', () => {
    const spec = members('PutProfileObjectTypeRequest');
    const awsOwn = members('GetProfileObjectTypeResponse').filter((m) => !spec.includes(m));
    expect(awsOwn.sort()).toEqual(['CreatedAt', 'LastUpdatedAt', 'MaxAvailableProfileObjectCount']);
    expect(statusProps(ObjectTypeStatusSchema)).toEqual(expect.arrayContaining(awsOwn.map(lowerFirst)));
    // The answer names no domain: objectTypeSpecFromAws cannot return one.
    expect(spec.filter((m) => !members('GetProfileObjectTypeResponse').includes(m))).toEqual(['DomainName']);
  });
});

describe('domain-object-type-model.generated.ts (test fixture)', () => {
  it('equals a fresh generation from the pinned botocore model', async () => {
    const fixture = readFileSync(DOMAIN_OBJECT_TYPE_MODEL_PATH, 'utf8');
    expect(fixture).toContain(`source-sha256: ${MODEL_SHA256}`);
    expect(renderApiModel((await loadModel()).text, DOMAIN_OBJECT_TYPE_ROOTS)).toBe(fixture);
  }, 300_000);
});
