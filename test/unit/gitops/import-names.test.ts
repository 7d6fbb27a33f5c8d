import { describe, expect, it } from 'vitest';
import { nameForUri, uniqueNames } from '../../../src/gitops/import-names.ts';

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe('names of imported resources', () => {
  it.each([
    ['arn:aws:appflow:us-east-1:123456789012:flow/Retail_S3.Orders', 'retail-s3-orders'],
    ['arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555', 'connect-11111111-2222-3333-4444-555555555555'],
    ['s3://bucket/path/to', 's3-bucket-path-to'],
    ['arn:aws:appflow:us-east-1:1:flow/9lives', 'i-9lives'],
  ])('reads the meaningful part of the Uri: %s is %s', (uri, name) => {
    expect(nameForUri(uri)).toBe(name);
  });

  it('keeps every name a DNS-1123 label, also for long and odd Uris', () => {
    const uris = [
      `arn:aws:appflow:us-east-1:123456789012:flow/${'A'.repeat(200)}`,
      'arn:aws:events:us-east-1:123456789012:event-bus/default/x__y',
      '---',
      'arn:aws:appflow:us-east-1:1:flow/-.-',
    ];
    for (const u of uris) expect(nameForUri(u)).toMatch(DNS_LABEL);
    expect(nameForUri(uris[0]!)).toHaveLength(63);
  });

  it('makes names unique when two Uris sanitize alike, and is stable across runs', () => {
    const uris = ['arn:aws:appflow:us-east-1:1:flow/a_b', 'arn:aws:appflow:us-east-1:1:flow/a.b', 'arn:aws:appflow:us-east-1:1:flow/c'];
    const names = uniqueNames(uris);
    expect(new Set(names).size).toBe(3);
    expect(names[2]).toBe('c');
    expect(names[0]).toMatch(/^a-b-[0-9a-f]{6}$/);
    for (const n of names) expect(n).toMatch(DNS_LABEL);
    expect(uniqueNames(uris)).toEqual(names);
  });
});
