// Every operation through the real AWS SDK clients, pointed at the emulator the way users do it:
// AWS_ENDPOINT_URL_CUSTOMER_PROFILES / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_APPFLOW (no
// endpoint option in this file).
import {
  CreateDomainCommand,
  DeleteDomainCommand,
  DeleteIntegrationCommand,
  GetDomainCommand,
  GetIntegrationCommand,
  ListAccountIntegrationsCommand,
  ListDomainsCommand,
  ListIntegrationsCommand,
  ListTagsForResourceCommand,
  PutIntegrationCommand,
  type PutIntegrationCommandInput,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeFlowCommand } from '@aws-sdk/client-appflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { salesforceSdkInput } from '../fixtures/salesforce-scheduled-flow.ts';
import { ACCOUNT, REGION, clients, failure, sharedEmulator } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const t = sharedEmulator();
beforeAll(() => {
  vi.stubEnv('AWS_ENDPOINT_URL_CUSTOMER_PROFILES', t.emu.url);
  vi.stubEnv('AWS_ENDPOINT_URL_STS', t.emu.url);
  vi.stubEnv('AWS_ENDPOINT_URL_APPFLOW', t.emu.url);
  t.c = clients(undefined); // endpoint from the environment only
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const CONNECT_URI = 'arn:aws:connect:us-east-1:123456789012:instance/2b7c4f3a-1111-2222-3333-444455556666';
const integrationArn = (domain: string, uri: string) => `arn:aws:profile:${REGION}:${ACCOUNT}:domains/${domain}/integrations/${uri}`;

/** The Salesforce flow of test/fixtures (every FlowDefinition member set), under another name. */
const flowDefinition = (flowName: string): NonNullable<PutIntegrationCommandInput['FlowDefinition']> => ({ ...salesforceSdkInput('retail').FlowDefinition!, FlowName: flowName });

describe('domains', () => {
  it('CreateDomain, GetDomain, ListDomains (paged) and DeleteDomain', async () => {
    const created = await t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30, Tags: { team: 'crm' } }));
    expect(created.DomainName).toBe('retail');
    expect(created.DefaultExpirationDays).toBe(30);
    expect(created.CreatedAt).toBeInstanceOf(Date);
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const got = await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    expect(got).toMatchObject({ DomainName: 'retail', DefaultExpirationDays: 30, Tags: { team: 'crm' } });
    expect(got.CreatedAt!.getTime()).toBe(created.CreatedAt!.getTime());
    expect(got.Stats).toBeDefined();

    for (const name of ['d-a', 'd-b', 'd-c', 'd-d']) await t.c.cp.send(new CreateDomainCommand({ DomainName: name, DefaultExpirationDays: 1 }));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.c.cp.send(new ListDomainsCommand({ MaxResults: 2, NextToken: token }));
      pages++;
      expect(page.Items!.length).toBeLessThanOrEqual(2);
      names.push(...page.Items!.map((d) => d.DomainName!));
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['d-a', 'd-b', 'd-c', 'd-d', 'retail']);

    const deleted = await t.c.cp.send(new DeleteDomainCommand({ DomainName: 'retail' }));
    expect(deleted.Message).toBeTruthy();
    const err = await failure(t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' })));
    expect(err.name).toBe('ResourceNotFoundException');
  });
});

describe('integrations', () => {
  beforeEach(async () => {
    await t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 }));
  });

  it('PutIntegration creates, GetIntegration reads, ListIntegrations lists, DeleteIntegration deletes', async () => {
    const input: PutIntegrationCommandInput = {
      DomainName: 'retail',
      Uri: CONNECT_URI,
      ObjectTypeName: 'CTR',
      ObjectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' },
      RoleArn: 'arn:aws:iam::123456789012:role/profiles',
      EventTriggerNames: ['high-value'],
      Scope: 'PROFILE',
      Tags: { team: 'crm' },
    };
    const put = await t.c.cp.send(new PutIntegrationCommand(input));
    expect(put).toMatchObject({ ...input, IsUnstructured: false }); // every member comes back as sent
    expect(put.CreatedAt).toBeInstanceOf(Date);
    expect(Math.abs(put.CreatedAt!.getTime() - Date.now())).toBeLessThan(60_000);

    const got = await t.c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: CONNECT_URI }));
    expect(got).toMatchObject({ Uri: CONNECT_URI, ObjectTypeName: 'CTR', Scope: 'PROFILE' });
    expect((got as unknown as Record<string, unknown>).FlowDefinition).toBeUndefined();

    const list = await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }));
    expect(list.Items!.map((i) => i.Uri)).toEqual([CONNECT_URI]);
    expect(list.Items![0]!.DomainName).toBe('retail');

    const del = await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: CONNECT_URI }));
    expect(del.Message).toBeTruthy();
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items).toEqual([]);
    const again = await failure(t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: CONNECT_URI })));
    expect(again.name).toBe('ResourceNotFoundException');
  });

  it('PutIntegration is an upsert on (domain, uri): CreatedAt kept, LastUpdatedAt moves, fields replaced, tags only at creation', async () => {
    const first = await t.c.cp.send(
      new PutIntegrationCommand({ DomainName: 'retail', Uri: CONNECT_URI, ObjectTypeName: 'CTR', Scope: 'DOMAIN', Tags: { team: 'crm' } }),
    );
    const second = await t.c.cp.send(
      new PutIntegrationCommand({ DomainName: 'retail', Uri: CONNECT_URI, ObjectTypeName: 'CTR2', Tags: { team: 'other', extra: 'x' } }),
    );
    expect(second.CreatedAt!.getTime()).toBe(first.CreatedAt!.getTime());
    expect(second.LastUpdatedAt!.getTime()).toBeGreaterThan(first.LastUpdatedAt!.getTime());
    expect(second.ObjectTypeName).toBe('CTR2');
    expect(second.Scope).toBeUndefined(); // a Put replaces: an omitted field is gone
    expect(second.Tags).toEqual({ team: 'crm' }); // tags change only through the tag APIs
    const list = await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }));
    expect(list.Items).toHaveLength(1);
  });

  it('a FlowDefinition without Uri gets an AppFlow flow ARN and a WorkflowId; DescribeFlow returns the flow', async () => {
    const put = await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'Account', FlowDefinition: flowDefinition('sf-accounts') }));
    expect(put.Uri).toBe(`arn:aws:appflow:${REGION}:${ACCOUNT}:flow/sf-accounts`);
    expect(put.WorkflowId).toMatch(/\S/);

    const again = await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'Account2', FlowDefinition: flowDefinition('sf-accounts') }));
    expect(again.Uri).toBe(put.Uri);
    expect(again.WorkflowId).toBe(put.WorkflowId);

    const flow = await t.c.appflow.send(new DescribeFlowCommand({ flowName: 'sf-accounts' }));
    expect(flow.flowArn).toBe(put.Uri);
    expect(flow.kmsArn).toBe(flowDefinition('x').KmsArn);
    expect(flow.description).toBe('Contacts from Salesforce, hourly');
    expect(flow.sourceFlowConfig).toEqual({
      connectorType: 'Salesforce',
      connectorProfileName: 'salesforce-prod',
      incrementalPullConfig: { datetimeTypeFieldName: 'LastModifiedDate' },
      sourceConnectorProperties: { Salesforce: { object: 'Contact', enableDynamicFieldUpdate: true, includeDeletedRecords: false } },
    });
    expect(flow.tasks).toEqual([
      { taskType: 'Filter', sourceFields: ['Id', 'Email', 'LastName'], connectorOperator: { Salesforce: 'PROJECTION' } },
      { taskType: 'Map', sourceFields: ['Id'], destinationField: 'ContactId', connectorOperator: { Salesforce: 'NO_OP' }, taskProperties: { DATA_TYPE: 'id', SOURCE_DATA_TYPE: 'id' } },
      { taskType: 'Map', sourceFields: ['Email'], destinationField: 'Email', connectorOperator: { Salesforce: 'NO_OP' }, taskProperties: { DATA_TYPE: 'email' } },
      { taskType: 'Validate', sourceFields: ['LastName'], connectorOperator: { Salesforce: 'VALIDATE_NON_NULL' }, taskProperties: { VALIDATION_ACTION: 'DropRecord' } },
    ]);
    const scheduled = flow.triggerConfig!.triggerProperties!.Scheduled!;
    expect(flow.triggerConfig!.triggerType).toBe('Scheduled');
    expect(scheduled.scheduleStartTime!.toISOString()).toBe('2027-06-01T08:30:00.250Z');
    expect(scheduled.scheduleEndTime!.toISOString()).toBe('2027-12-01T00:00:00.000Z');
    expect(scheduled.firstExecutionFrom!.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(scheduled).toMatchObject({ scheduleExpression: 'rate(1hours)', dataPullMode: 'Incremental', timezone: 'America/New_York', scheduleOffset: 300 });
    expect(flow.destinationFlowConfigList![0]!.destinationConnectorProperties!.CustomerProfiles).toEqual({ domainName: 'retail', objectTypeName: 'Account2' });

    const missing = await failure(t.c.appflow.send(new DescribeFlowCommand({ flowName: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.$metadata.httpStatusCode).toBe(404);

    await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: put.Uri }));
    expect((await failure(t.c.appflow.send(new DescribeFlowCommand({ flowName: 'sf-accounts' })))).name).toBe('ResourceNotFoundException');
  });

  it('a FlowName used by another integration is BadRequest "Flow with name X already exists."', async () => {
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'A', FlowDefinition: flowDefinition('shared') }));
    await t.c.cp.send(new CreateDomainCommand({ DomainName: 'other', DefaultExpirationDays: 30 }));
    const err = await failure(t.c.cp.send(new PutIntegrationCommand({ DomainName: 'other', ObjectTypeName: 'A', FlowDefinition: flowDefinition('shared') })));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('Flow with name shared already exists.');
    const byUri = await failure(
      t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'arn:aws:s3:::bucket', FlowDefinition: flowDefinition('shared') })),
    );
    expect(byUri.message).toBe('Flow with name shared already exists.');
  });

  it('paging with MaxResults/NextToken, and IncludeHidden', async () => {
    const uris = Array.from({ length: 7 }, (_, i) => `arn:aws:s3:::bucket-${i}`);
    for (const uri of uris) await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: uri, ObjectTypeName: 'T' }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail', MaxResults: 3, NextToken: token }));
      pages++;
      seen.push(...page.Items!.map((i) => i.Uri!));
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(uris.sort());

    await t.admin.putIntegrationOutOfBand('retail', 'arn:aws:s3:::hidden', { ObjectTypeName: 'T' }, { hidden: true });
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items).toHaveLength(7);
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail', IncludeHidden: true }))).Items).toHaveLength(8);

    const bad = await failure(t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail', NextToken: 'not-a-token' })));
    expect(bad.name).toBe('BadRequestException');
  });

  it('ListAccountIntegrations finds a Uri across domains, paged', async () => {
    for (const d of ['d1', 'd2', 'd3']) {
      await t.c.cp.send(new CreateDomainCommand({ DomainName: d, DefaultExpirationDays: 1 }));
      await t.c.cp.send(new PutIntegrationCommand({ DomainName: d, Uri: CONNECT_URI, ObjectTypeName: 'CTR' }));
    }
    const first = await t.c.cp.send(new ListAccountIntegrationsCommand({ Uri: CONNECT_URI, MaxResults: 2 }));
    expect(first.Items!.map((i) => i.DomainName)).toEqual(['d1', 'd2']);
    const second = await t.c.cp.send(new ListAccountIntegrationsCommand({ Uri: CONNECT_URI, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Items!.map((i) => i.DomainName)).toEqual(['d3']);
    expect(second.NextToken).toBeUndefined();
  });

  it('at most 50 integrations per domain', async () => {
    for (let i = 0; i < 50; i++) await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: `arn:aws:s3:::b${i}`, ObjectTypeName: 'T' }));
    const err = await failure(t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'arn:aws:s3:::b50', ObjectTypeName: 'T' })));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toMatch(/50/);
    // updating one of the 50 is still fine
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'arn:aws:s3:::b0', ObjectTypeName: 'T2' }));
  });
});

describe('tags', () => {
  it('tag APIs work on integration ARNs whose Uri holds "/", ":" and spaces, and on domains', async () => {
    await t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 }));
    const uri = 'arn:aws:app-integrations:us-east-1:123456789012:event-integration/My Events/v2';
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: uri, ObjectTypeName: 'T', Tags: { a: '1' } }));
    const arn = integrationArn('retail', uri);
    await t.c.cp.send(new TagResourceCommand({ resourceArn: arn, tags: { 'k:with/slash': 'v', b: '2' } }));
    expect((await t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ a: '1', 'k:with/slash': 'v', b: '2' });
    await t.c.cp.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a', 'k:with/slash'] }));
    expect((await t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ b: '2' });
    expect((await t.c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: uri }))).Tags).toEqual({ b: '2' });

    const domainArn = `arn:aws:profile:${REGION}:${ACCOUNT}:domains/retail`;
    await t.c.cp.send(new TagResourceCommand({ resourceArn: domainArn, tags: { env: 'dev' } }));
    expect((await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }))).Tags).toEqual({ env: 'dev' });

    const missing = await failure(t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: integrationArn('retail', 'arn:aws:s3:::none') })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('tags on an AppFlow-generated Uri', async () => {
    await t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 }));
    const put = await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'A', FlowDefinition: flowDefinition('tagged-flow'), Tags: { a: '1' } }));
    const arn = integrationArn('retail', put.Uri!);
    await t.c.cp.send(new TagResourceCommand({ resourceArn: arn, tags: { b: '2' } }));
    expect((await t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ a: '1', b: '2' });
  });
});

describe('STS and accounts', () => {
  it('GetCallerIdentity names the emulator account; AssumeRole credentials act in the role account with its own state', async () => {
    const me = await t.c.sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(ACCOUNT);
    expect(me.Arn).toMatch(/^arn:aws:iam::123456789012:/);

    const assumed = await t.c.sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/team-a/profiles', RoleSessionName: 'cpi-team-a', DurationSeconds: 900 }),
    );
    expect(assumed.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(5 * 60_000);
    expect(assumed.AssumedRoleUser!.Arn).toBe('arn:aws:sts::210987654321:assumed-role/profiles/cpi-team-a');
    const creds = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    const other = clients(undefined, { credentials: creds, region: 'eu-west-1' });
    expect((await other.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');

    await other.cp.send(new CreateDomainCommand({ DomainName: 'shared-name', DefaultExpirationDays: 1 }));
    // Same domain name, different account: separate state.
    expect((await failure(t.c.cp.send(new GetDomainCommand({ DomainName: 'shared-name' })))).name).toBe('ResourceNotFoundException');
    const state = await t.admin.state();
    expect(Object.keys(state.accounts['210987654321']!)).toEqual(['eu-west-1']);
    expect(state.accounts['210987654321']!['eu-west-1']!.Domains['shared-name']).toBeDefined();
    // Same account, different region: separate state too.
    const usWest = clients(undefined, { credentials: creds, region: 'us-west-2' });
    expect((await failure(usWest.cp.send(new GetDomainCommand({ DomainName: 'shared-name' })))).name).toBe('ResourceNotFoundException');

    const log = await t.admin.requests({ operation: 'CreateDomain' });
    expect(log.at(-1)).toMatchObject({ account: '210987654321', region: 'eu-west-1', accessKeyId: creds.accessKeyId });
  });
});
