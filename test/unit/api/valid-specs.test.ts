import { describe, expect, it } from 'vitest';
import { validateResource } from '../../../src/api/validate.ts';
import { validResources } from '../../fixtures/valid-specs.ts';

describe('valid resources', () => {
  it.each(validResources.map((v) => [v.name, v] as const))('%s: no problems, also as an unchanged update', (_n, v) => {
    expect(validateResource(v.doc())).toEqual([]);
    expect(validateResource(v.doc(), { old: v.doc() })).toEqual([]);
  });

  it('adding a uri to a flow resource is allowed (uri is immutable only once set)', () => {
    const before = validResources[1]!.doc();
    const after = validResources[1]!.doc();
    after.spec.uri = 'arn:aws:appflow:us-east-1:123456789012:flow/retail-s3-customers';
    expect(validateResource(after, { old: before })).toEqual([]);
  });

  it('a non-object document is one clear problem', () => {
    expect(validateResource('hello')).toEqual([{ path: '', message: expect.stringContaining('must be a mapping') }]);
  });
});
