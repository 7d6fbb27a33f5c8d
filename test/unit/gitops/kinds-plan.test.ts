// `cpi plan` for CustomerProfilesDomain and CustomerProfilesObjectType, and for a set of manifests
// that mixes the kinds: an in-memory AWS that fails the test on any write, the controller's own
// assess() through domainKind / objectTypeKind.
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, OWNER_TAG } from '../../../src/api/group.ts';
import type { ManagedStatus } from '../../../src/api/managed-object.ts';
import type { CustomerProfilesDomain, CustomerProfilesIntegration, CustomerProfilesObjectType, DomainSpec, ObjectTypeSpec } from '../../../src/api/types.ts';
import type { DomainDescription, ObjectTypeDescription } from '../../../src/aws/types.ts';
import { changeLine, renderJson, renderText } from '../../../src/gitops/plan-render.ts';
import { planManifests } from '../../../src/gitops/plan-set.ts';
import { hasChanges, planResource, type PlanDeps } from '../../../src/gitops/resource-plan.ts';
import { ACCOUNT } from '../../support/aws.ts';
import { readOnlyAws, type Gateway } from './read-only-aws.ts';

const T0 = new Date('2026-11-30T07:00:00Z');
const CONNECT = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const DOMAIN_ARN = 'arn:aws:profile:us-east-1:123456789012:domains/shop';
const TYPE_ARN = `${DOMAIN_ARN}/object-types/CTR`;

const awsDomain = (extra: Partial<DomainDescription> = {}): DomainDescription => ({ DomainName: 'shop', DefaultExpirationDays: 365, CreatedAt: T0, LastUpdatedAt: T0, Tags: { team: 'crm' }, ...extra });
const awsType = (extra: Partial<ObjectTypeDescription> = {}): ObjectTypeDescription => ({
  ObjectTypeName: 'CTR',
  Description: 'Contact records',
  AllowProfileCreation: true,
  Fields: { email: { Source: '_source.Email', Target: '_profile.EmailAddress', ContentType: 'EMAIL_ADDRESS' } },
  Keys: { email: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['email'] }] },
  CreatedAt: T0,
  LastUpdatedAt: T0,
  Tags: {},
  ...extra,
});

const meta = (name: string, annotations?: Record<string, string>) => ({ name, ...(annotations ? { annotations } : {}) });
const domain = (spec: Partial<DomainSpec> = {}, annotations?: Record<string, string>, name = 'shop'): CustomerProfilesDomain => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesDomain',
  metadata: meta(name, annotations),
  spec: { domainName: 'shop', defaultExpirationDays: 365, tags: { team: 'crm' }, ...spec } as DomainSpec,
});
const objectType = (spec: Partial<ObjectTypeSpec> = {}, annotations?: Record<string, string>): CustomerProfilesObjectType => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesObjectType',
  metadata: meta('ctr', annotations),
  spec: {
    domainName: 'shop',
    objectTypeName: 'CTR',
    description: 'Contact records',
    allowProfileCreation: true,
    fields: { email: { source: '_source.Email', target: '_profile.EmailAddress', contentType: 'EMAIL_ADDRESS' } },
    keys: { email: [{ standardIdentifiers: ['PROFILE'], fieldNames: ['email'] }] },
    ...spec,
  } as ObjectTypeSpec,
});
const integration = (annotations?: Record<string, string>): CustomerProfilesIntegration => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesIntegration',
  metadata: meta('connect', annotations),
  spec: { domainName: 'shop', uri: CONNECT, objectTypeName: 'CTR' },
});

/** Live status by kind and name (null: no cluster). */
function deps(gateway: Gateway, live: Record<string, ManagedStatus> | null = {}): PlanDeps {
  return {
    gateway,
    defaultRegion: 'us-east-1',
    defaultNamespace: 'team',
    liveStatus: async (_ns, name, names) => (live === null ? null : live[`${names?.kind ?? 'CustomerProfilesIntegration'}/${name}`]),
    liveUid: async () => 'uid-1',
  };
}
const ours = (arn: Record<string, string>, extra: Partial<ManagedStatus> = {}) => ({ ...arn, region: 'us-east-1', account: ACCOUNT, ownership: 'Created', createdAt: T0.toISOString(), lastUpdatedAt: T0.toISOString(), ...extra }) as ManagedStatus;
const ADOPT = { [ANNOTATIONS.adopt]: 'true' };

describe('planResource: a CustomerProfilesDomain', () => {
  it('that AWS does not have: CreateDomain, every member it sends', async () => {
    const aws = readOnlyAws();
    const p = await planResource(domain(), deps(aws));
    expect(p).toMatchObject({ kind: 'CustomerProfilesDomain', action: 'create', reason: 'create', calls: ['CreateDomain'], domainName: 'shop', statusSource: 'not-in-cluster' });
    expect(p.changes.map((c) => changeLine(c))).toEqual(['+ create domain', '+ domainName: "shop"', '+ defaultExpirationDays: 365', '+ tags.team: "crm"']);
    expect(renderText([p])[0]).toBe('# CustomerProfilesDomain team/shop will be created (domain shop): CreateDomain');
    expect(aws.reads).toEqual(['GetDomain']);
  });

  it('that it owns, edited: UpdateDomain, then TagResource and UntagResource, field by field', async () => {
    const aws = readOnlyAws({ domains: [awsDomain({ Tags: { team: 'crm', old: 'x', [OWNER_TAG]: 'uid-1 team/shop' } })] });
    const p = await planResource(domain({ defaultExpirationDays: 400, tags: { team: 'data' } }), deps(aws, { 'CustomerProfilesDomain/shop': ours({ domainArn: DOMAIN_ARN }) }));
    expect(p).toMatchObject({ action: 'update', reason: 'update', calls: ['UpdateDomain', 'TagResource', 'UntagResource'], statusSource: 'cluster' });
    // The operator's own owner tag is never part of the diff.
    expect(p.changes.map((c) => changeLine(c))).toEqual(['~ defaultExpirationDays: 365 -> 400', '~ tags.team: "crm" -> "data"', '- tags.old: "x"']);
    expect(hasChanges([p])).toBe(true);
  });

  it('that exists and is not its own: refused (AlreadyExists) without the adopt annotation; with it, a matching spec is no write', async () => {
    const aws = readOnlyAws({ domains: [awsDomain()] });
    const refused = await planResource(domain(), deps(aws));
    expect(refused).toMatchObject({ action: 'refused', calls: [], refusal: { reason: 'AlreadyExists' } });
    expect(refused.refusal!.message).toContain('domain shop already exists');
    expect(renderText([refused])[0]).toMatch(/^# CustomerProfilesDomain team\/shop would be refused \(domain shop\): no calls; Stalled AlreadyExists: /);
    expect(await planResource(domain({}, ADOPT), deps(aws))).toMatchObject({ action: 'none', calls: [], changes: [] });
    expect(await planResource(domain({ defaultExpirationDays: 30 }, ADOPT), deps(aws))).toMatchObject({ action: 'update', reason: 'adopt', calls: ['UpdateDomain'] });
  });

  it('pinned in another region than it now points to: refused (TargetChanged), nothing read', async () => {
    const aws = readOnlyAws({ domains: [awsDomain()] });
    const p = await planResource(domain(), deps(aws, { 'CustomerProfilesDomain/shop': ours({ domainArn: DOMAIN_ARN }, { region: 'eu-west-1' }) }));
    expect(p).toMatchObject({ action: 'refused', refusal: { reason: 'TargetChanged' } });
    expect(p.refusal!.message).toContain('region eu-west-1 -> us-east-1');
    expect(aws.reads).toEqual([]);
  });

  it('in Observe mode: read-only, its drift listed; a missing one is said so', async () => {
    const aws = readOnlyAws({ domains: [awsDomain({ DefaultExpirationDays: 7 })] });
    const p = await planResource(domain({ managementPolicy: 'Observe' }), deps(aws));
    expect(p).toMatchObject({ action: 'read-only', mode: 'Observe', calls: [] });
    expect(p.changes.map((c) => changeLine(c))).toEqual(['~ defaultExpirationDays: 7 -> 365']);
    const missing = await planResource(domain({ domainName: 'nowhere', managementPolicy: 'Observe' }), deps(aws));
    expect(renderText([missing])[0]).toBe('# CustomerProfilesDomain team/shop is Observe (read-only) (domain nowhere): no calls; the domain does not exist');
  });
});

describe('planResource: a CustomerProfilesObjectType', () => {
  it('adopted as AWS has it: no calls; one Get', async () => {
    const aws = readOnlyAws({ domains: [awsDomain()], objectTypes: { shop: [awsType()] } });
    const p = await planResource(objectType({}, ADOPT), deps(aws));
    expect(p).toMatchObject({ kind: 'CustomerProfilesObjectType', action: 'none', objectTypeName: 'CTR', calls: [] });
    expect(renderText([p])[0]).toBe('# CustomerProfilesObjectType team/ctr is up to date (domain shop, object type CTR)');
    expect(aws.reads).toEqual(['GetProfileObjectType']);
  });

  it('edited: one PutProfileObjectType; tags through TagResource', async () => {
    const aws = readOnlyAws({ objectTypes: { shop: [awsType()] } });
    const p = await planResource(objectType({ description: 'Contact trace records', tags: { team: 'crm' } }), deps(aws, { 'CustomerProfilesObjectType/ctr': ours({ objectTypeArn: TYPE_ARN }) }));
    expect(p).toMatchObject({ action: 'update', calls: ['PutProfileObjectType', 'TagResource'] });
    expect(p.changes.map((c) => changeLine(c))).toEqual(['~ description: "Contact records" -> "Contact trace records"', '+ tags.team: "crm"']);
  });

  it('in a domain AWS does not have: a create (the Get answers nothing), its tags with it', async () => {
    const aws = readOnlyAws();
    const p = await planResource(objectType({ tags: { team: 'crm' } }), deps(aws));
    expect(p).toMatchObject({ action: 'create', calls: ['PutProfileObjectType'] });
    expect(p.changes.map((c) => changeLine(c))).toContain('+ create object type');
    expect(p.changes.map((c) => changeLine(c))).toContain('+ fields.email.contentType: "EMAIL_ADDRESS"');
  });

  it('paused: no calls, the changes it would make once unpaused', async () => {
    const aws = readOnlyAws({ objectTypes: { shop: [awsType()] } });
    const p = await planResource(objectType({ expirationDays: 30 }, { ...ADOPT, [ANNOTATIONS.paused]: 'true' }), deps(aws));
    expect(p).toMatchObject({ action: 'paused', calls: [] });
    expect(p.changes.map((c) => changeLine(c))).toEqual(['+ expirationDays: 30']);
  });

  it('a failing read is that resource\'s error, not the plan\'s', async () => {
    const aws = readOnlyAws();
    aws.getObjectType = async () => Promise.reject(new Error('AccessDeniedException: not allowed to profile:GetProfileObjectType'));
    const p = await planResource(objectType(), deps(aws));
    expect(p).toMatchObject({ action: 'error', error: 'AccessDeniedException: not allowed to profile:GetProfileObjectType' });
  });
});

describe('planManifests: a whole setup in one set of manifests', () => {
  it('on an empty account: domains, then object types, then integrations; the dependents are creates, unread, and say what they wait for', async () => {
    const aws = readOnlyAws();
    // Manifest order: integration first; the plan's order is the controller's.
    const plans = await planManifests([{ object: integration(), file: 'all.yaml', doc: 0 }, { object: objectType(), file: 'all.yaml', doc: 1 }, { object: domain(), file: 'all.yaml', doc: 2 }], deps(aws));
    expect(plans.map((p) => [p.kind, p.action, p.calls.join(',')])).toEqual([
      ['CustomerProfilesDomain', 'create', 'CreateDomain'],
      ['CustomerProfilesObjectType', 'create', 'PutProfileObjectType'],
      ['CustomerProfilesIntegration', 'create', 'PutIntegration'],
    ]);
    // Nothing is read in a domain that does not exist yet: only the domain's own Get.
    expect(aws.reads).toEqual(['GetDomain']);
    expect(plans[1]!.after).toEqual(['CustomerProfilesDomain team/shop']);
    expect(plans[2]!.after).toEqual(['CustomerProfilesDomain team/shop', 'CustomerProfilesObjectType team/ctr']);
    expect(plans[2]).toMatchObject({ file: 'all.yaml', doc: 0 });
    const text = renderText(plans);
    expect(text).toContain('  ^ after CustomerProfilesDomain team/shop: not in AWS yet, so nothing is read or sent for this object type until it exists');
    expect(text).toContain(`# team/connect will be created (domain shop, ${CONNECT}): PutIntegration`);
    expect(text.at(-1)).toBe('Plan: 3 to create, 0 to update, 0 unchanged, 3 not in the cluster yet.');
    const json = JSON.parse(renderJson(plans));
    expect(json.resources.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`)).toEqual(['CustomerProfilesDomain/shop', 'CustomerProfilesObjectType/ctr', 'CustomerProfilesIntegration/connect']);
    expect(json.summary).toMatchObject({ create: 3, update: 0 });
  });

  it('on an account that has them all, adopted: reads each, none to write', async () => {
    const aws = readOnlyAws({ domains: [awsDomain()], objectTypes: { shop: [awsType()] }, integrations: [{ domainName: 'shop', uri: CONNECT, objectTypeName: 'CTR', createdAt: T0, lastUpdatedAt: T0 }] });
    const plans = await planManifests([{ object: integration(ADOPT) }, { object: objectType({}, ADOPT) }, { object: domain({}, ADOPT) }], deps(aws));
    expect(plans.map((p) => p.action)).toEqual(['none', 'none', 'none']);
    expect(plans.every((p) => p.after === undefined)).toBe(true);
    expect(aws.reads).toEqual(['GetDomain', 'GetProfileObjectType', 'GetIntegration']);
    expect(renderText(plans).at(-1)).toBe('No changes. AWS matches the manifests (3 up to date, 3 not in the cluster yet).');
  });

  it('waits only for what is missing in the same namespace: an object type of another namespace\'s domain is read', async () => {
    const aws = readOnlyAws({ objectTypes: { shop: [awsType()] } });
    const elsewhere = objectType({}, ADOPT);
    elsewhere.metadata.namespace = 'other';
    const plans = await planManifests([{ object: domain() }, { object: elsewhere }], deps(aws));
    expect(plans.map((p) => `${p.namespace}:${p.action}`)).toEqual(['team:create', 'other:none']);
    expect(plans[1]!.after).toBeUndefined();
    expect(aws.reads).toEqual(['GetDomain', 'GetProfileObjectType']);
  });
});
