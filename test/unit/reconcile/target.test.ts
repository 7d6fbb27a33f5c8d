// The pinned target, as a table: once an integration exists, nothing moves it.
import { describe, expect, it } from 'vitest';
import type { IntegrationSpec, IntegrationStatus } from '../../../src/api/types.ts';
import { pinnedTarget, targetChange } from '../../../src/reconcile/target.ts';

const URI = 'arn:aws:connect:us-east-1:111111111111:instance/i-1';
const status: IntegrationStatus = { uri: URI, region: 'us-east-1', account: '111111111111', createdAt: '2026-12-01T00:00:00Z' };
const spec: IntegrationSpec = { domainName: 'retail', uri: URI };
const here = { account: '111111111111', region: 'us-east-1' };

describe('pinnedTarget', () => {
  it('exists only once status has the uri and region', () => {
    expect(pinnedTarget(undefined)).toBeUndefined();
    expect(pinnedTarget({ region: 'us-east-1' })).toBeUndefined();
    expect(pinnedTarget({ uri: URI })).toBeUndefined();
    // An Observe resource that never found its integration shows where it looked, but pins nothing.
    expect(pinnedTarget({ uri: URI, region: 'us-east-1' })).toBeUndefined();
    expect(pinnedTarget({ ...status, assumedRoleArn: 'arn:aws:iam::111111111111:role/r' })).toEqual({ id: URI, region: 'us-east-1', account: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/r' });
  });
});

describe('targetChange', () => {
  const table: Array<[string, IntegrationStatus | undefined, typeof here & { roleArn?: string }, IntegrationSpec, RegExp | undefined]> = [
    ['nothing pinned yet (before the first create)', undefined, { ...here, region: 'eu-west-1' }, spec, undefined],
    ['same target', status, here, spec, undefined],
    ['another role reaching the same account', status, { ...here, roleArn: 'arn:aws:iam::111111111111:role/new' }, spec, undefined],
    ['spec.region added after creation', status, { ...here, region: 'eu-west-1' }, { ...spec, region: 'eu-west-1' }, /region us-east-1 -> eu-west-1/],
    ['a namespace role of another account', status, { ...here, account: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/r' }, spec, /account 111111111111 -> 222222222222/],
    ['the controller\'s --region changed', status, { ...here, region: 'us-west-2' }, spec, /region us-east-1 -> us-west-2/],
    ['spec.uri added to a flow resource, naming another integration', { ...status, uri: 'arn:aws:appflow:us-east-1:111111111111:flow/f' }, here, spec, /uri arn:aws:appflow.* -> arn:aws:connect/],
    ['status from before pinning (no account): only the region counts', { uri: URI, region: 'us-east-1', createdAt: '2026-01-01T00:00:00Z' }, { ...here, account: '999999999999' }, spec, undefined],
    ['status from before pinning, another region', { uri: URI, region: 'us-east-1', createdAt: '2026-01-01T00:00:00Z' }, { ...here, region: 'eu-west-1' }, spec, /region us-east-1 -> eu-west-1/],
  ];
  it.each(table)('%s', (_name, pinnedStatus, now, s, want) => {
    const msg = targetChange(pinnedTarget(pinnedStatus), now, s);
    if (!want) expect(msg).toBeUndefined();
    else {
      expect(msg).toMatch(want);
      expect(msg).toContain('Nothing is created there and the existing integration is kept');
      expect(msg).toContain('create a new resource');
    }
  });
});
