// `cpi import --domain D` for the domain and its object types: the resources it writes from what
// GetDomain / GetProfileObjectType report, and the proof that matters: planned by the controller's
// own code against that same AWS, each is adopted with no call.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ANNOTATIONS, OWNER_TAG } from '../../../src/api/group.ts';
import type { CustomerProfilesDomain, CustomerProfilesObjectType } from '../../../src/api/types.ts';
import { validateResource } from '../../../src/api/validate.ts';
import type { DomainDescription, IntegrationGateway, ObjectTypeDescription, DomainGateway, ObjectTypeGateway } from '../../../src/aws/types.ts';
import { domainClaim, objectTypeClaim } from '../../../src/controller/claims.ts';
import { managedNote, splitManagedOf } from '../../../src/gitops/import-managed.ts';
import { renderImport } from '../../../src/gitops/import-resources.ts';
import { importDomain, importObjectTypes } from '../../../src/gitops/import-setup.ts';
import { planManifests } from '../../../src/gitops/plan-set.ts';

const T0 = new Date('2026-11-30T07:00:00Z');
const domainAws: DomainDescription = {
  DomainName: 'Retail_Main',
  DefaultExpirationDays: 365,
  DeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
  Matching: { Enabled: true, JobSchedule: { DayOfTheWeek: 'SUNDAY', Time: '03:00' }, AutoMerging: { Enabled: false } },
  CreatedAt: T0,
  LastUpdatedAt: T0,
  // Another resource's owner tag is the operator's, not the spec's.
  Tags: { team: 'crm', [OWNER_TAG]: 'uid-9 crm/old' },
};
const typeAws = (name: string, extra: Partial<ObjectTypeDescription> = {}): ObjectTypeDescription => ({
  ObjectTypeName: name,
  Description: `${name} records`,
  ExpirationDays: 30,
  AllowProfileCreation: true,
  Fields: { email: { Source: '_source.Email', Target: '_profile.EmailAddress', ContentType: 'EMAIL_ADDRESS' } },
  Keys: { email: [{ StandardIdentifiers: ['PROFILE'], FieldNames: ['email'] }] },
  CreatedAt: T0,
  LastUpdatedAt: T0,
  MaxAvailableProfileObjectCount: 100,
  Tags: { [OWNER_TAG]: 'uid-9 crm/old', team: 'crm' },
  ...extra,
});
const template = typeAws('Account', { TemplateId: 'Salesforce-Account', Description: 'From a template', Tags: {} });
const options = { managementPolicy: 'Manage' as const, namespace: 'crm' };

describe('importDomain', () => {
  it('writes what GetDomain reports, adopted, Retain by default, without the operator\'s tags', () => {
    const { object, notes } = importDomain(domainAws, { ...options, region: 'us-east-1' });
    expect(object.metadata).toEqual({ name: 'retail-main', namespace: 'crm', annotations: { [ANNOTATIONS.adopt]: 'true' } });
    expect(object.spec).toEqual({
      domainName: 'Retail_Main',
      defaultExpirationDays: 365,
      deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
      matching: { enabled: true, jobSchedule: { dayOfTheWeek: 'SUNDAY', time: '03:00' }, autoMerging: { enabled: false } },
      tags: { team: 'crm' },
      region: 'us-east-1',
      managementPolicy: 'Manage',
      deletionPolicy: 'Retain',
    });
    expect(notes).toEqual(['DeleteDomain deletes every profile, object and integration in the domain: deletionPolicy Retain keeps it when this resource goes.']);
    expect(validateResource(object)).toEqual([]);
    expect(importDomain(domainAws, { ...options, deletionPolicy: 'Delete' }).notes[0]).toContain('deletionPolicy Delete deletes it with this resource');
  });
});

describe('importObjectTypes', () => {
  it('one per type in name order, names unique as DNS labels, a template\'s members left to the template', () => {
    const [account, ctrUpper, ctrLower] = importObjectTypes('Retail_Main', [typeAws('ctr'), typeAws('CTR'), template], { managementPolicy: 'Observe' });
    expect([account, ctrUpper, ctrLower].map((t) => t!.object.spec.objectTypeName)).toEqual(['Account', 'CTR', 'ctr']);
    // CTR and ctr would share a name: each gets a hash of its own.
    expect(ctrUpper!.object.metadata.name).toMatch(/^ctr-[0-9a-f]{6}$/);
    expect(ctrLower!.object.metadata.name).toMatch(/^ctr-[0-9a-f]{6}$/);
    expect(ctrUpper!.object.metadata.name).not.toBe(ctrLower!.object.metadata.name);
    expect(ctrUpper!.object.spec).toEqual({
      domainName: 'Retail_Main',
      objectTypeName: 'CTR',
      description: 'CTR records',
      expirationDays: 30,
      allowProfileCreation: true,
      fields: { email: { source: '_source.Email', target: '_profile.EmailAddress', contentType: 'EMAIL_ADDRESS' } },
      keys: { email: [{ standardIdentifiers: ['PROFILE'], fieldNames: ['email'] }] },
      tags: { team: 'crm' },
      managementPolicy: 'Observe',
      deletionPolicy: 'Retain',
    });
    expect(account!.object.spec).toEqual({ domainName: 'Retail_Main', objectTypeName: 'Account', description: 'From a template', templateId: 'Salesforce-Account', expirationDays: 30, managementPolicy: 'Observe', deletionPolicy: 'Retain' });
    expect(account!.notes).toEqual(["Made from template Salesforce-Account: its fields, keys and settings are the template's, not declared here."]);
    for (const t of [account, ctrUpper, ctrLower]) expect(validateResource(t!.object)).toEqual([]);
  });

  it('says so above a type the CRD would refuse', () => {
    const [bad] = importObjectTypes('retail', [typeAws('CTR', { Fields: { 'bad key': { Source: '_source.X', Target: '_profile.Y' } } })], options);
    expect(bad!.notes.join(' ')).toMatch(/^AWS reports a object type this resource cannot express as it is: .*bad key/);
  });
});

describe('the import adopts with no write', () => {
  it('planned against the AWS it was read from: no calls for the domain and every type', async () => {
    const writes: string[] = [];
    const write = (op: string) => async (): Promise<never> => {
      writes.push(op);
      throw new Error(`${op}: plan wrote`);
    };
    const types = [typeAws('CTR'), template];
    const gateway = {
      account: async () => '123456789012',
      getDomain: async () => domainAws,
      getObjectType: async (_t: unknown, _d: string, name: string) => types.find((t) => t.ObjectTypeName === name),
      tagResource: write('TagResource'),
      untagResource: write('UntagResource'),
    } as unknown as IntegrationGateway & DomainGateway & ObjectTypeGateway;
    const domain = importDomain(domainAws, options);
    const imported = importObjectTypes('Retail_Main', types, options);
    // Through YAML as a person would apply it.
    const text = renderImport([domain, ...imported], ['cpi import --domain Retail_Main']);
    const objects = parseAllDocuments(text).map((d) => d.toJS() as CustomerProfilesDomain | CustomerProfilesObjectType);
    expect(objects.map((o) => o.kind)).toEqual(['CustomerProfilesDomain', 'CustomerProfilesObjectType', 'CustomerProfilesObjectType']);
    const plans = await planManifests(objects.map((object) => ({ object })), { gateway, defaultRegion: 'us-east-1', defaultNamespace: 'crm', liveStatus: async () => undefined });
    expect(plans.map((p) => [p.name, p.action, p.calls])).toEqual([
      ['retail-main', 'none', []],
      ['account', 'none', []],
      ['ctr', 'none', []],
    ]);
    expect(writes).toEqual([]);
  });
});

describe('splitManagedOf: the domain and types a cluster resource already manages', () => {
  const inCluster = <T extends CustomerProfilesDomain | CustomerProfilesObjectType>(o: T, ns: string, name: string, region?: string): T => ({
    ...o,
    metadata: { name, namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { ...o.spec, ...(region ? { region } : {}) },
  });

  it('by the controller\'s claim: same domain in the same region is managed; another region is not', () => {
    const domain = importDomain(domainAws, options);
    const managed = splitManagedOf([domain], [inCluster(domain.object, 'crm', 'retail-main')], domainClaim, 'us-east-1');
    expect(managed.free).toEqual([]);
    expect(managed.managed.map((m) => [m.owner, m.same])).toEqual([['crm/retail-main', true]]);
    expect(managedNote(managed.managed[0]!, 'domain')).toEqual(["already in the cluster as crm/retail-main: applying this replaces that resource's spec with what AWS has now."]);
    expect(splitManagedOf([domain], [inCluster(domain.object, 'crm', 'retail-main', 'eu-west-1')], domainClaim, 'us-east-1').managed).toEqual([]);
  });

  it('an object type is its domain and name: another resource\'s copy is a Conflict to be', () => {
    const [ctr] = importObjectTypes('Retail_Main', [typeAws('CTR')], options);
    const other = inCluster(ctr!.object, 'data', 'contacts');
    const { free, managed } = splitManagedOf([ctr!], [other], objectTypeClaim, 'us-east-1');
    expect(free).toEqual([]);
    expect(managed[0]).toMatchObject({ owner: 'data/contacts', same: false });
    expect(managedNote(managed[0]!, 'object type')[1]).toBe('(the older resource keeps the object type, even when this copy is Observe).');
  });
});
