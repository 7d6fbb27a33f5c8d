// `cpi import --domain D` for a whole setup made outside the operator (a domain, an object type and
// an integration, as with the console): import → validate → `kubectl apply` → the controller adopts
// all three with zero AWS writes, and `cpi plan` on the same file says nothing would change. The
// real API server, the controller process, the emulator as AWS through the real SDK.
import { CreateDomainCommand, CustomerProfilesClient, PutIntegrationCommand, PutProfileObjectTypeCommand } from '@aws-sdk/client-customer-profiles';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DOMAIN_NAMES, OBJECT_TYPE_NAMES, OWNER_TAG } from '../../src/api/group.ts';
import type { CustomerProfilesResource } from '../../src/api/types.ts';
import { runCpi as cpi } from '../support/cpi.ts';
import { controllerStack } from './harness/stack.ts';
import { Resources } from './harness/resources.ts';
import { kubectlOk, waitFor } from './support/index.ts';

const CONNECT = 'arn:aws:connect:us-east-1:123456789012:instance/33333333-2222-3333-4444-000000000001';

describe('cpi import --domain: adopt a whole setup through Git', () => {
  // No domain made by the stack; integrations must name an object type that exists, as in AWS.
  const stack = controllerStack('import-setup', { domains: [], emulatorArgs: ['--semantics', 'object-type-check=on'], controllerArgs: ['--poll-interval', '2s'] });
  const domains = () => new Resources(stack.ns, undefined, DOMAIN_NAMES);
  const objectTypes = () => new Resources(stack.ns, undefined, OBJECT_TYPE_NAMES);
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpi-import-setup-e2e-'));
    env = { ...stack.emulator.awsEnv, KUBECONFIG: inject('e2e').adminKubeconfig };
    // Made outside the operator, through the SDK as the console's user. The domain carries the
    // owner tag of a resource from an earlier install: the operator's, never copied into a spec.
    const client = new CustomerProfilesClient({ region: 'us-east-1', endpoint: stack.emulator.url, credentials: { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console' } });
    try {
      await client.send(new CreateDomainCommand({ DomainName: 'outlet', DefaultExpirationDays: 400, Tags: { team: 'crm', [OWNER_TAG]: 'uid-gone old/outlet' } }));
      await client.send(
        new PutProfileObjectTypeCommand({
          DomainName: 'outlet',
          ObjectTypeName: 'CTR',
          Description: 'Contact records',
          AllowProfileCreation: true,
          Fields: { email: { Source: '_source.Email', Target: '_profile.EmailAddress', ContentType: 'EMAIL_ADDRESS' } },
          Keys: { email: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['email'] }] },
          Tags: { team: 'crm' },
        }),
      );
      await client.send(new PutIntegrationCommand({ DomainName: 'outlet', Uri: CONNECT, ObjectTypeName: 'CTR', Tags: { team: 'crm' } }));
    } finally {
      client.destroy();
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports the domain, its object type and its integration; applied, all three are adopted with zero AWS writes', async () => {
    const r = await cpi(['import', '--domain', 'outlet', '--namespace', stack.ns, '--management-policy', 'Manage'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('cpi import: 3 resources for domain outlet');
    expect(r.stdout).toMatch(/^# cpi import --domain outlet: the domain, 1 object type and 1 integration in us-east-1, managementPolicy Manage$/m);
    expect(r.stdout).not.toContain(OWNER_TAG);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as CustomerProfilesResource);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CustomerProfilesDomain/outlet',
      'CustomerProfilesObjectType/ctr',
      'CustomerProfilesIntegration/connect-33333333-2222-3333-4444-000000000001',
    ]);
    for (const o of objects) {
      expect(o.metadata.annotations).toEqual({ 'customerprofiles.gitops.dev/adopt': 'true' });
      expect(o.spec).toMatchObject({ domainName: 'outlet', managementPolicy: 'Manage', deletionPolicy: 'Retain', tags: { team: 'crm' } });
    }
    file = join(dir, 'outlet.yaml');
    writeFileSync(file, r.stdout);
    const v = await cpi(['validate', file]);
    expect(v.code, v.stdout + v.stderr).toBe(0);

    const mark = await stack.aws.mark();
    await kubectlOk(['apply', '-f', file]);
    const domain = await domains().waitReady('outlet', 60_000);
    const type = await objectTypes().waitReady('ctr', 60_000);
    const integration = await stack.res.waitReady('connect-33333333-2222-3333-4444-000000000001', 60_000);
    expect(domain.status).toMatchObject({ ownership: 'Adopted', domainArn: 'arn:aws:profile:us-east-1:123456789012:domains/outlet' });
    expect(type.status).toMatchObject({ ownership: 'Adopted', objectTypeArn: 'arn:aws:profile:us-east-1:123456789012:domains/outlet/object-types/CTR' });
    expect(integration.status).toMatchObject({ ownership: 'Adopted', uri: CONNECT });
    // Drift checks at rest (2 s polls) read each kind again, and still write nothing.
    const rest = await stack.aws.mark();
    await waitFor(
      async () => {
        const ops = await stack.aws.operations(rest);
        return ['GetDomain', 'GetProfileObjectType'].every((op) => ops.filter((o) => o === op).length >= 2) && ops.some((o) => o === 'GetIntegration' || o === 'ListIntegrations');
      },
      { what: 'two drift checks of the domain and the object type, one of the integration', timeoutMs: 30_000 },
    );
    expect(await stack.aws.writes(mark)).toEqual([]);
  });

  it('cpi plan on the imported file: every resource up to date, exit 0, reads only', async () => {
    const mark = await stack.aws.mark();
    const r = await cpi(['plan', file], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(`# CustomerProfilesDomain ${stack.ns}/outlet is up to date (domain outlet)`);
    expect(lines).toContain(`# CustomerProfilesObjectType ${stack.ns}/ctr is up to date (domain outlet, object type CTR)`);
    expect(lines).toContain(`# ${stack.ns}/connect-33333333-2222-3333-4444-000000000001 is up to date (domain outlet, ${CONNECT})`);
    expect(lines.filter(Boolean).at(-1)).toBe('No changes. AWS matches the manifests (3 up to date).');
    const json = await cpi(['plan', '--output', 'json', file], env);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { resources: Array<{ kind: string; action: string; statusSource: string }> };
    expect(plan.resources.map((p) => [p.kind, p.action, p.statusSource])).toEqual([
      ['CustomerProfilesDomain', 'none', 'cluster'],
      ['CustomerProfilesObjectType', 'none', 'cluster'],
      ['CustomerProfilesIntegration', 'none', 'cluster'],
    ]);
    // The plan's own requests (its user agent): one read of each, nothing else; and no write at all.
    const ops = (await stack.aws.since(mark)).filter((e) => e.userAgent?.includes('cpi-plan')).map((e) => e.operation);
    expect(ops.filter((o) => o !== 'GetCallerIdentity').sort()).toEqual(['GetDomain', 'GetDomain', 'GetIntegration', 'GetIntegration', 'GetProfileObjectType', 'GetProfileObjectType']);
    expect(await stack.aws.writes(mark)).toEqual([]);
  });

  it('cpi plan of a new domain with an object type: both creates, the type unread until its domain exists', async () => {
    const fresh = join(dir, 'fresh.yaml');
    writeFileSync(
      fresh,
      `apiVersion: customerprofiles.gitops.dev/v1alpha1
kind: CustomerProfilesObjectType
metadata: { name: orders, namespace: ${stack.ns} }
spec: { domainName: fresh, objectTypeName: Orders, description: Orders }
---
apiVersion: customerprofiles.gitops.dev/v1alpha1
kind: CustomerProfilesDomain
metadata: { name: fresh, namespace: ${stack.ns} }
spec: { domainName: fresh, defaultExpirationDays: 30 }
`,
    );
    const mark = await stack.aws.mark();
    const r = await cpi(['plan', '--no-cluster', fresh], env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`# CustomerProfilesDomain ${stack.ns}/fresh will be created (domain fresh): CreateDomain`);
    expect(lines).toContain(`# CustomerProfilesObjectType ${stack.ns}/orders will be created (domain fresh, object type Orders): PutProfileObjectType`);
    expect(lines).toContain(`  ^ after CustomerProfilesDomain ${stack.ns}/fresh: not in AWS yet, so nothing is read or sent for this object type until it exists`);
    expect(lines.filter(Boolean).at(-1)).toBe('Plan: 2 to create, 0 to update, 0 unchanged.');
    // The plan read the domain once and nothing in it.
    const planOps = (await stack.aws.since(mark)).filter((e) => e.userAgent?.includes('cpi-plan') && e.operation !== 'GetCallerIdentity').map((e) => e.operation);
    expect(planOps).toEqual(['GetDomain']);
  });
});
