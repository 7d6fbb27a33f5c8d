import { describe, expect, it } from 'vitest';
import type { CustomerProfilesIntegration, IntegrationSpec } from '../../../src/api/types.ts';
import { managedNote, splitManaged } from '../../../src/gitops/import-managed.ts';
import type { ImportedResource } from '../../../src/gitops/import-resources.ts';

const CONNECT = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const obj = (ns: string | undefined, name: string, spec: IntegrationSpec, created = '2026-01-01T00:00:00Z', statusUri?: string): CustomerProfilesIntegration => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesIntegration',
  metadata: { name, ...(ns ? { namespace: ns } : {}), creationTimestamp: created },
  spec,
  ...(statusUri ? { status: { uri: statusUri } } : {}),
});
const imported = (name: string, spec: IntegrationSpec, ns?: string): ImportedResource => ({ object: obj(ns, name, spec), notes: [] });

describe('splitManaged: what the cluster already manages', () => {
  it('finds the owner by region, domain and Uri, and a flow by its name whatever spells it', () => {
    const flowSpec = { domainName: 'retail', flowDefinition: { flowName: 'retail-orders' } } as IntegrationSpec;
    const cluster = [
      obj('crm', 'connect', { domainName: 'retail', uri: CONNECT }),
      // a flow resource knows its Uri only from status
      obj('data', 'orders', flowSpec, '2026-01-01T00:00:00Z', 'arn:aws:appflow:us-east-1:123456789012:flow/retail-orders'),
      obj('eu', 'other-region', { domainName: 'retail', uri: `${CONNECT}9`, region: 'eu-west-1' }),
    ];
    const { free, managed } = splitManaged(
      [imported('connect-1', { domainName: 'retail', uri: CONNECT }), imported('retail-orders', flowSpec), imported('x', { domainName: 'retail', uri: `${CONNECT}9` })],
      cluster,
      'us-east-1',
    );
    expect(managed.map((m) => [m.resource.object.metadata.name, m.owner, m.same])).toEqual([
      ['connect-1', 'crm/connect', false],
      ['retail-orders', 'data/orders', false],
    ]);
    expect(free.map((r) => r.object.metadata.name)).toEqual(['x']); // the cluster's is in another region
  });

  it('claims are per account: a resource in a namespace whose role is in another account manages another integration', () => {
    const cluster = [obj('other-account', 'connect', { domainName: 'retail', uri: CONNECT })];
    const roles = new Map([['other-account', 'arn:aws:iam::999999999999:role/profiles']]);
    const into = (ns: string) => splitManaged([imported('connect-1', { domainName: 'retail', uri: CONNECT }, ns)], cluster, 'us-east-1', (n) => roles.get(n));
    expect(into('crm').managed).toEqual([]);
    expect(into('other-account').managed.map((m) => m.owner)).toEqual(['other-account/connect']);
  });

  it('names the oldest claimant, and says when the import is that very resource', () => {
    const cluster = [
      obj('b', 'young', { domainName: 'retail', uri: CONNECT }, '2026-02-01T00:00:00Z'),
      obj('a', 'old', { domainName: 'retail', uri: CONNECT }, '2026-01-01T00:00:00Z'),
    ];
    const { managed } = splitManaged([imported('old', { domainName: 'retail', uri: CONNECT }, 'a')], cluster, 'us-east-1');
    expect(managed).toHaveLength(1);
    expect(managed[0]).toMatchObject({ owner: 'a/old', same: true });
    expect(managedNote(managed[0]!).join(' ')).toContain('already in the cluster as a/old');
    expect(managedNote({ ...managed[0]!, same: false }).join(' ')).toContain('already managed by a/old in the cluster: applying this copy makes it a Conflict');
  });
});
