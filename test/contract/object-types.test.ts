// PutProfileObjectType, GetProfileObjectType, ListProfileObjectTypes, DeleteProfileObjectType and
// the template operations through the real AWS SDK over HTTP: create and replace, AWS's validation
// wording, NotFound, tags on object type ARNs, templates, the switches that answer what AWS leaves
// open (put-omitted, update-tags, object-type-in-use, template-members, object-type-check), the
// per-domain quota and the TPS quotas.
import {
  CreateDomainCommand,
  DeleteProfileObjectTypeCommand,
  GetProfileObjectTypeCommand,
  GetProfileObjectTypeTemplateCommand,
  ListProfileObjectTypeTemplatesCommand,
  ListProfileObjectTypesCommand,
  ListTagsForResourceCommand,
  PutIntegrationCommand,
  PutProfileObjectTypeCommand,
  type PutProfileObjectTypeCommandInput,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { objectTypeArn } from '../../src/aws/arn.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { ACCOUNT, REGION, clients, emulator, failure, sharedEmulator } from './helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const t = sharedEmulator((t) => t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 366 })));

type PutInput = Omit<PutProfileObjectTypeCommandInput, 'DomainName' | 'ObjectTypeName'>;

/** An object type with every member PutProfileObjectType takes besides TemplateId. */
const customer: PutInput = {
  Description: 'customers from the CRM export',
  ExpirationDays: 90,
  EncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  AllowProfileCreation: true,
  SourceLastUpdatedTimestampFormat: 'epoch',
  MaxProfileObjectCount: 5,
  SourcePriority: 2,
  Fields: {
    crmId: { Source: '_source.id', Target: '_profile.Attributes.CrmId', ContentType: 'STRING' },
    email: { Source: '_source.email', Target: '_profile.EmailAddress', ContentType: 'EMAIL_ADDRESS' },
  },
  Keys: { crmId: [{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['crmId'] }] },
  Tags: { team: 'crm' },
};

const put = (name: string, input: PutInput) => t.c.cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: name, ...input }));
const get = (name: string) => t.c.cp.send(new GetProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: name }));
const del = (name: string) => t.c.cp.send(new DeleteProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: name }));
const arn = (name: string) => objectTypeArn(REGION, ACCOUNT, 'retail', name);
const strip = <T extends { $metadata: unknown }>(o: T) => {
  const { $metadata: _m, ...rest } = o;
  return rest;
};

describe('PutProfileObjectType and GetProfileObjectType', () => {
  it('a Put creates the type with every member; Get returns the same; MaxAvailableProfileObjectCount is the whole count', async () => {
    const created = await put('Customer', customer);
    expect(created).toMatchObject({ ObjectTypeName: 'Customer', ...customer, MaxAvailableProfileObjectCount: 5 });
    expect(created.CreatedAt).toBeInstanceOf(Date);
    expect(created.LastUpdatedAt!.getTime()).toBe(created.CreatedAt!.getTime());
    expect(strip(await get('Customer'))).toEqual(strip(created));
  });

  it('a Put of an existing type replaces it: CreatedAt stays, LastUpdatedAt moves, omitted members are cleared (put-omitted=replace), Tags stay (update-tags=ignore)', async () => {
    const created = await put('Customer', customer);
    const replaced = await put('Customer', { Description: 'replaced', Fields: { crmId: customer.Fields!.crmId! }, Tags: { team: 'other' } });
    expect(replaced.Description).toBe('replaced');
    expect(Object.keys(replaced.Fields!)).toEqual(['crmId']);
    for (const gone of ['ExpirationDays', 'EncryptionKey', 'AllowProfileCreation', 'Keys', 'MaxProfileObjectCount', 'MaxAvailableProfileObjectCount', 'SourcePriority']) {
      expect(replaced).not.toHaveProperty(gone);
    }
    expect(replaced.Tags).toEqual({ team: 'crm' });
    expect(replaced.CreatedAt!.getTime()).toBe(created.CreatedAt!.getTime());
    expect(replaced.LastUpdatedAt!.getTime()).toBeGreaterThan(created.LastUpdatedAt!.getTime());
  });

  it('put-omitted=merge: members a Put omits keep their old value; update-tags=merge: its Tags are merged in', async () => {
    await t.admin.setSemantics({ 'put-omitted': 'merge', 'update-tags': 'merge' });
    await put('Customer', customer);
    const merged = await put('Customer', { Description: 'merged', Tags: { env: 'dev' } });
    expect(merged).toMatchObject({ ...customer, Description: 'merged', Tags: { team: 'crm', env: 'dev' } });
  });

  it('validation errors are named as AWS names them', async () => {
    const noDescription = await failure(t.c.cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'X' } as PutProfileObjectTypeCommandInput)));
    expect(noDescription.name).toBe('BadRequestException');
    expect(noDescription.message).toBe("1 validation error detected: Value null at 'Description' failed to satisfy constraint: Member must not be null");
    const badName = await failure(put('9lives', { Description: 'd' }));
    expect(badName.message).toBe("1 validation error detected: Value '9lives' at 'ObjectTypeName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z_][a-zA-Z_0-9-]*$");
    const badField = await failure(put('X', { Description: 'd', Fields: { f: { Source: '_source.f', Target: '_profile.F', ContentType: 'DATE' as never } } }));
    expect(badField.message).toBe(
      "1 validation error detected: Value 'DATE' at 'Fields.f.value.ContentType' failed to satisfy constraint: Member must satisfy enum value set: [STRING, NUMBER, PHONE_NUMBER, EMAIL_ADDRESS, NAME]",
    );
    const zero = await failure(put('X', { Description: 'd', MaxProfileObjectCount: 0 }));
    expect(zero.message).toContain("Value '0' at 'MaxProfileObjectCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  it('at most 10 keys per object type (AWS quota)', async () => {
    const keys = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, [{ StandardIdentifiers: ['PROFILE' as const], FieldNames: [`k${i}`] }]]));
    const err = await failure(put('X', { Description: 'd', Keys: keys }));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('An object type can have at most 10 keys; this request has 11.');
    delete keys.k10;
    expect(Object.keys((await put('X', { Description: 'd', Keys: keys })).Keys!)).toHaveLength(10);
  });

  it('a missing domain or type is ResourceNotFoundException', async () => {
    const noDomain = await failure(t.c.cp.send(new PutProfileObjectTypeCommand({ DomainName: 'absent', ObjectTypeName: 'X', Description: 'd' })));
    expect(noDomain.name).toBe('ResourceNotFoundException');
    const noType = await failure(get('Nothing'));
    expect(noType.name).toBe('ResourceNotFoundException');
    expect(noType.message).toBe('Object type Nothing does not exist in domain retail.');
  });
});

describe('ListProfileObjectTypes and DeleteProfileObjectType', () => {
  it('List pages through the types with their summary members; Delete removes one, and a second Delete is NotFound', async () => {
    for (const n of ['Delta', 'Alpha', 'Charlie', 'Bravo']) await put(n, { Description: `type ${n}`, MaxProfileObjectCount: 3, Tags: { n } });
    const items = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.c.cp.send(new ListProfileObjectTypesCommand({ DomainName: 'retail', MaxResults: 3, NextToken: token }));
      items.push(...page.Items!);
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(items.map((i) => i.ObjectTypeName)).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(items[0]).toMatchObject({ Description: 'type Alpha', MaxProfileObjectCount: 3, MaxAvailableProfileObjectCount: 3, Tags: { n: 'Alpha' } });
    expect(items[0]!.CreatedAt).toBeInstanceOf(Date);
    expect(items[0]).not.toHaveProperty('Fields');

    expect((await del('Bravo')).Message).toBe('Object type Bravo deleted.');
    expect((await failure(get('Bravo'))).name).toBe('ResourceNotFoundException');
    expect((await failure(del('Bravo'))).name).toBe('ResourceNotFoundException');
    const after = await t.c.cp.send(new ListProfileObjectTypesCommand({ DomainName: 'retail' }));
    expect(after.Items!.map((i) => i.ObjectTypeName)).toEqual(['Alpha', 'Charlie', 'Delta']);
    expect((await failure(t.c.cp.send(new ListProfileObjectTypesCommand({ DomainName: 'absent' })))).name).toBe('ResourceNotFoundException');
  });

  it('types registered through the admin API are listed too, with a stand-in Description', async () => {
    await t.admin.createObjectTypes('retail', ['Legacy']);
    expect((await get('Legacy')).Description).toBe('Object type Legacy');
    expect((await t.c.cp.send(new ListProfileObjectTypesCommand({ DomainName: 'retail' }))).Items!.map((i) => i.ObjectTypeName)).toEqual(['Legacy']);
  });
});

describe('object-type-in-use', () => {
  const useIt = () => t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'arn:aws:s3:::crm/a', ObjectTypeNames: { ShopifyCreateCustomers: 'Customer' } }));

  it('allow (default): a type an integration names is deleted; the integration stays', async () => {
    await put('Customer', { Description: 'd' });
    await useIt();
    await del('Customer');
    expect((await failure(get('Customer'))).name).toBe('ResourceNotFoundException');
  });

  it('refuse: deleting a type an integration names (ObjectTypeName or ObjectTypeNames) is BadRequest naming the integrations', async () => {
    await t.admin.setSemantics({ 'object-type-in-use': 'refuse' });
    await put('Customer', { Description: 'd' });
    await useIt();
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'arn:aws:s3:::crm/b', ObjectTypeName: 'Customer' }));
    const err = await failure(del('Customer'));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('Object type Customer is used by integrations arn:aws:s3:::crm/a, arn:aws:s3:::crm/b in domain retail.');
    expect((await get('Customer')).ObjectTypeName).toBe('Customer');
    await put('Unused', { Description: 'd' });
    await del('Unused');
  });
});

describe('object-type-check sees PutProfileObjectType', () => {
  it('on: PutIntegration takes a type made by PutProfileObjectType, and refuses it once deleted', async () => {
    await t.admin.setSemantics({ 'object-type-check': 'on' });
    await put('Customer', { Description: 'd' });
    const integration = { DomainName: 'retail', Uri: 'arn:aws:s3:::crm/a', ObjectTypeName: 'Customer' };
    await t.c.cp.send(new PutIntegrationCommand(integration));
    await del('Customer');
    const err = await failure(t.c.cp.send(new PutIntegrationCommand(integration)));
    expect(err.message).toBe('Object type Customer does not exist in domain retail.');
  });
});

describe('templates', () => {
  it('ListProfileObjectTypeTemplates pages through TemplateId, SourceName and SourceObject', async () => {
    const first = await t.c.cp.send(new ListProfileObjectTypeTemplatesCommand({ MaxResults: 2 }));
    expect(first.Items).toHaveLength(2);
    const rest = await t.c.cp.send(new ListProfileObjectTypeTemplatesCommand({ NextToken: first.NextToken }));
    const all = [...first.Items!, ...rest.Items!];
    expect(all.map((t) => t.TemplateId)).toEqual(['Salesforce-Account', 'Salesforce-Contact', 'ServiceNow-incident', 'Zendesk-users']);
    expect(all[0]).toEqual({ TemplateId: 'Salesforce-Account', SourceName: 'Salesforce', SourceObject: 'Account' });
  });

  it('GetProfileObjectTypeTemplate returns fields and keys; an unknown id is ResourceNotFoundException', async () => {
    const tpl = await t.c.cp.send(new GetProfileObjectTypeTemplateCommand({ TemplateId: 'Salesforce-Contact' }));
    expect(tpl).toMatchObject({ TemplateId: 'Salesforce-Contact', SourceName: 'Salesforce', SourceObject: 'Contact', AllowProfileCreation: true });
    expect(tpl.Fields!.Email).toEqual({ Source: '_source.Email', Target: '_profile.EmailAddress', ContentType: 'EMAIL_ADDRESS' });
    expect(tpl.Keys!._salesforceContactId).toEqual([{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: ['_salesforceContactId'] }]);
    expect((await failure(t.c.cp.send(new GetProfileObjectTypeTemplateCommand({ TemplateId: 'Nowhere-Nothing' })))).name).toBe('ResourceNotFoundException');
  });

  it('a Put with a TemplateId takes the template\'s fields and keys; an unknown TemplateId is BadRequest', async () => {
    const template = await t.c.cp.send(new GetProfileObjectTypeTemplateCommand({ TemplateId: 'Salesforce-Account' }));
    const made = await put('Account', { Description: 'accounts', TemplateId: 'Salesforce-Account' });
    expect(made).toMatchObject({ TemplateId: 'Salesforce-Account', Fields: template.Fields, Keys: template.Keys, AllowProfileCreation: true });
    const err = await failure(put('X', { Description: 'd', TemplateId: 'Nowhere-Nothing' }));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('Template Nowhere-Nothing does not exist.');
  });

  it('template-members=use-template (default): members the template sets are taken from it, whatever the request says', async () => {
    const made = await put('Account', { Description: 'd', TemplateId: 'ServiceNow-incident', AllowProfileCreation: true, Fields: customer.Fields });
    expect(made.AllowProfileCreation).toBe(false);
    expect(Object.keys(made.Fields!)).toContain('_serviceNowIncidentId');
    expect(made.Fields).not.toHaveProperty('email');
  });

  it('template-members=reject: a request with a TemplateId and such members is BadRequest naming them', async () => {
    await t.admin.setSemantics({ 'template-members': 'reject' });
    const err = await failure(put('Account', { Description: 'd', TemplateId: 'ServiceNow-incident', AllowProfileCreation: true, Fields: customer.Fields }));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('AllowProfileCreation, Fields cannot be set together with TemplateId ServiceNow-incident: the template sets them.');
    expect((await failure(get('Account'))).name).toBe('ResourceNotFoundException');
    expect((await put('Account', { Description: 'd', TemplateId: 'ServiceNow-incident', ExpirationDays: 30 })).ExpirationDays).toBe(30);
  });
});

describe('tags on object type ARNs', () => {
  it('TagResource merges, UntagResource removes, ListTagsForResource lists; Get shows the same; a missing type is NotFound', async () => {
    await put('Customer', { Description: 'd', Tags: { team: 'crm' } });
    await t.c.cp.send(new TagResourceCommand({ resourceArn: arn('Customer'), tags: { env: 'dev', team: 'cx' } }));
    await t.c.cp.send(new UntagResourceCommand({ resourceArn: arn('Customer'), tagKeys: ['env'] }));
    expect((await t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn('Customer') }))).tags).toEqual({ team: 'cx' });
    expect((await get('Customer')).Tags).toEqual({ team: 'cx' });
    const err = await failure(t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn('Nothing') })));
    expect(err.name).toBe('ResourceNotFoundException');
  });
});

describe('quotas', () => {
  const started: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()));
  });

  it('at most maxObjectTypesPerDomain types (AWS default 100); replacing an existing one still works', async () => {
    const e = await emulator({ quotas: false, maxObjectTypesPerDomain: 2 });
    started.push(e);
    const { cp } = clients(e.url);
    await cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 }));
    for (const n of ['A', 'B']) await cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: n, Description: 'd' }));
    const err = await failure(cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'C', Description: 'd' })));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('The maximum number of object types (2) for domain retail has been reached.');
    await cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'A', Description: 'again' }));
  });

  it('PutProfileObjectType is throttled at 1 TPS, GetProfileObjectType at 10 TPS', async () => {
    // A clock that stands still: no bucket refills while the test runs, however slow the machine.
    const e = await emulator({ quotas: true, now: () => 1_800_000_000_000 });
    started.push(e);
    const { cp } = clients(e.url);
    await cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 }));
    await cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'A', Description: 'd' }));
    expect((await failure(cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'B', Description: 'd' })))).name).toBe('ThrottlingException');
    const gets = await Promise.allSettled(Array.from({ length: 11 }, () => cp.send(new GetProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'A' }))));
    expect(gets.filter((g) => g.status === 'fulfilled')).toHaveLength(10);
    expect(gets.filter((g) => g.status === 'rejected').map((g) => (g as PromiseRejectedResult).reason.name)).toEqual(['ThrottlingException']);
  });
});
