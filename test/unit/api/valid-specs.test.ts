import { describe, expect, it } from 'vitest';
import { validateResource } from '../../../src/api/validate.ts';
import { validDomains } from '../../fixtures/valid-domains.ts';
import { validObjectTypes } from '../../fixtures/valid-object-types.ts';
import { validResources } from '../../fixtures/valid-specs.ts';

describe('valid resources', () => {
  it.each(validResources.map((v) => [v.name, v] as const))('%s: no problems, also as an unchanged update', (_n, v) => {
    expect(validateResource(v.doc())).toEqual([]);
    expect(validateResource(v.doc(), { old: v.doc() })).toEqual([]);
  });

  it.each([...validDomains, ...validObjectTypes].map((v) => [v.name, v] as const))('%s: no problems, also as an unchanged update', (_n, v) => {
    expect(validateResource(v.doc())).toEqual([]);
    expect(validateResource(v.doc(), { old: v.doc() })).toEqual([]);
  });

  it('every field of a domain and an object type may change except the names and the region', () => {
    const domain = validDomains[1]!.doc();
    const changed = validDomains[1]!.doc();
    changed.spec.defaultExpirationDays = 30;
    delete changed.spec.matching;
    changed.spec.deletionPolicy = 'Retain';
    changed.spec.managementPolicy = 'Observe';
    expect(validateResource(changed, { old: domain })).toEqual([]);
    const objectType = validObjectTypes[0]!.doc();
    const edited = validObjectTypes[0]!.doc();
    edited.spec.description = 'new words';
    edited.spec.fields = { Id: { source: '_source.Id', target: '_profile.AccountNumber' } };
    delete edited.spec.keys;
    expect(validateResource(edited, { old: objectType })).toEqual([]);
    // A region may be set once, where there was none.
    const unpinned = validObjectTypes[1]!.doc();
    const pinned = validObjectTypes[1]!.doc();
    pinned.spec.region = 'eu-west-1';
    expect(validateResource(pinned, { old: unpinned })).toEqual([]);
  });

  it('an unknown kind of the group is one problem that names the kinds there are', () => {
    const doc = { ...validDomains[0]!.doc(), kind: 'CustomerProfilesSegment' };
    expect(validateResource(doc)).toEqual([
      { path: 'kind', message: 'must be one of the kinds of customerprofiles.gitops.dev: CustomerProfilesDomain, CustomerProfilesObjectType, CustomerProfilesIntegration (got "CustomerProfilesSegment")' },
    ]);
    const { kind: _kind, ...noKind } = validDomains[0]!.doc();
    expect(validateResource(noKind)).toEqual([{ path: 'kind', message: expect.stringMatching(/^required field is missing \(one of the kinds of .*CustomerProfilesDomain/) }]);
  });

  it('adding a uri to a flow resource is allowed (uri is immutable only once set)', () => {
    const before = validResources[1]!.doc();
    const after = validResources[1]!.doc();
    after.spec.uri = 'arn:aws:appflow:us-east-1:123456789012:flow/retail-s3-customers';
    expect(validateResource(after, { old: before })).toEqual([]);
  });

  it('checks labels, annotations and the operator\'s annotations as the controller reads them', () => {
    const doc = validResources[0]!.doc() as unknown as { metadata: Record<string, unknown> };
    doc.metadata.annotations = { 'customerprofiles.gitops.dev/paused': true, 'customerprofiles.gitops.dev/poll-interval': '5 minutes', note: 'ok' };
    doc.metadata.labels = { tier: 1 };
    expect(validateResource(doc)).toEqual([
      { path: 'metadata.labels[tier]', message: 'must be a string (got the number 1); quote it, e.g. "1"' },
      { path: 'metadata.annotations[customerprofiles.gitops.dev/paused]', message: 'must be a string (got the boolean true); quote it, e.g. "true"' },
      { path: 'metadata.annotations[customerprofiles.gitops.dev/poll-interval]', message: 'must be a duration of at least 1s such as 30s, 5m or 1h30m (got "5 minutes"); the controller\'s --poll-interval applies meanwhile' },
    ]);
    doc.metadata.annotations = { 'customerprofiles.gitops.dev/paused': 'yes', 'customerprofiles.gitops.dev/poll-interval': '1h30m' };
    doc.metadata.labels = { tier: '1' };
    expect(validateResource(doc)).toEqual([{ path: 'metadata.annotations[customerprofiles.gitops.dev/paused]', message: 'must be "true" or "false" (got "yes"); the resource is not paused' }]);
    doc.metadata.annotations = { 'customerprofiles.gitops.dev/paused': 'true' };
    delete doc.metadata.name;
    doc.metadata.generateName = 'connect-';
    expect(validateResource(doc)).toEqual([]);
  });

  it('a non-object document is one clear problem', () => {
    expect(validateResource('hello')).toEqual([{ path: '', message: expect.stringContaining('must be a mapping') }]);
  });
});
