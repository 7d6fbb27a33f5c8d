import { describe, expect, it } from 'vitest';
import { ClaimIndex, claimOf } from '../../../src/controller/claims.ts';
import type { CustomerProfilesIntegration } from '../../../src/api/types.ts';

function cpi(name: string, created: string, spec: Record<string, unknown>, status?: Record<string, unknown>): CustomerProfilesIntegration {
  return {
    apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
    kind: 'CustomerProfilesIntegration',
    metadata: { name, namespace: 'ns', creationTimestamp: created },
    spec: { domainName: 'retail', ...spec },
    ...(status ? { status } : {}),
  } as CustomerProfilesIntegration;
}

describe('claimOf', () => {
  it('uses region, domain and uri', () => {
    expect(claimOf(cpi('a', '', { uri: 'arn:x' }), 'us-east-1')).toBe('default|us-east-1|retail|arn:x');
    expect(claimOf(cpi('a', '', { uri: 'arn:x', region: 'eu-west-2' }), 'us-east-1')).toBe('default|eu-west-2|retail|arn:x');
  });
  it('names a flow-based integration by its flow, across domains, however it is spelled', () => {
    const byName = claimOf(cpi('a', '', { flowDefinition: { flowName: 'F' } }), 'r');
    expect(byName).toBe('default|r|*|flow:F');
    // Once AWS generated the Uri (in status), it is still the same claim as the name alone.
    expect(claimOf(cpi('a', '', { flowDefinition: { flowName: 'F' } }, { uri: 'arn:aws:appflow:r:1:flow/F' }), 'r')).toBe(byName);
    expect(claimOf(cpi('a', '', { uri: 'arn:aws:appflow:r:1:flow/F' }), 'r')).toBe(byName);
    expect(claimOf(cpi('a', '', {}, { uri: 'arn:aws:appflow:r:1:flow/F' }), 'r')).toBe(byName);
  });
  it('falls back to the uri in status for other integrations', () => {
    expect(claimOf(cpi('a', '', {}, { uri: 'arn:aws:connect:r:1:instance/x' }), 'r')).toBe('default|r|retail|arn:aws:connect:r:1:instance/x');
  });
  it('has no claim without a uri or a flow', () => {
    expect(claimOf(cpi('a', '', {}), 'r')).toBeUndefined();
  });
});

describe('ClaimIndex', () => {
  /** An index and two resources that claim one integration, created a month apart. */
  const oldAndYoung = () => ({
    idx: new ClaimIndex('r'),
    old: cpi('old', '2026-01-01T00:00:00Z', { uri: 'u' }),
    young: cpi('young', '2026-02-01T00:00:00Z', { uri: 'u' }),
  });

  it('keeps the same manifest in two namespaces mapped to two accounts apart, and sees a conflict within one account', () => {
    const roles: Record<string, string> = { a: 'arn:aws:iam::111111111111:role/cpi', b: 'arn:aws:iam::222222222222:role/cpi', c: 'arn:aws:iam::111111111111:role/other' };
    const idx = new ClaimIndex('r', (ns) => roles[ns]);
    const inNs = (ns: string, created: string) => ({ ...cpi('flow', created, { flowDefinition: { flowName: 'F' } }), metadata: { name: 'flow', namespace: ns, creationTimestamp: created } }) as CustomerProfilesIntegration;
    const a = inNs('a', '2026-01-01T00:00:00Z');
    const b = inNs('b', '2026-02-01T00:00:00Z');
    const c = inNs('c', '2026-03-01T00:00:00Z');
    idx.upsert(a);
    expect(idx.upsert(b)).toEqual([]);
    expect(idx.olderClaimant(b)).toBeUndefined();
    // Another role of account 1: the same integration as namespace a's.
    expect(idx.upsert(c)).toEqual(['a/flow']);
    expect(idx.olderClaimant(c)).toBe('a/flow');
  });

  it('gives the integration to the older resource and Conflict to the younger', () => {
    const { idx, old, young } = oldAndYoung();
    expect(idx.upsert(young)).toEqual([]);
    expect(idx.upsert(old)).toEqual(['ns/young']);
    expect(idx.olderClaimant(old)).toBeUndefined();
    expect(idx.olderClaimant(young)).toBe('ns/old');
  });

  it('breaks ties of creation time by name, so the order is total', () => {
    const idx = new ClaimIndex('r');
    const b = cpi('b', '2026-01-01T00:00:00Z', { uri: 'u' });
    const a = cpi('a', '2026-01-01T00:00:00Z', { uri: 'u' });
    idx.upsert(b);
    idx.upsert(a);
    expect(idx.olderClaimant(b)).toBe('ns/a');
    expect(idx.olderClaimant(a)).toBeUndefined();
  });

  it('hands the claim to the younger one when the older is removed, and names it', () => {
    const { idx, old, young } = oldAndYoung();
    idx.upsert(old);
    idx.upsert(young);
    expect(idx.remove(old)).toEqual(['ns/young']);
    expect(idx.olderClaimant(young)).toBeUndefined();
  });

  it('finds the conflict between a created flow resource and a newcomer naming the same flow', () => {
    const idx = new ClaimIndex('r');
    const owner = cpi('owner', '2026-01-01T00:00:00Z', { flowDefinition: { flowName: 'F' } }, { uri: 'arn:aws:appflow:r:1:flow/F' });
    const newcomer = cpi('newcomer', '2026-02-01T00:00:00Z', { domainName: 'other', flowDefinition: { flowName: 'F' } });
    idx.upsert(owner);
    expect(idx.upsert(newcomer)).toEqual(['ns/owner']);
    expect(idx.olderClaimant(newcomer)).toBe('ns/owner');
  });

  it('moves a resource whose claim changed and tells the peers of the old claim', () => {
    const idx = new ClaimIndex('r');
    const a = cpi('a', '2026-01-01T00:00:00Z', { flowDefinition: { flowName: 'F' } });
    const b = cpi('b', '2026-02-01T00:00:00Z', { flowDefinition: { flowName: 'F' } });
    idx.upsert(a);
    idx.upsert(b);
    expect(idx.olderClaimant(b)).toBe('ns/a');
    const bMoved = cpi('b', '2026-02-01T00:00:00Z', { flowDefinition: { flowName: 'G' } });
    expect(idx.upsert(bMoved)).toEqual(['ns/a']);
    expect(idx.olderClaimant(bMoved)).toBeUndefined();
  });
});
