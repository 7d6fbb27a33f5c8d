// The admin API through the typed EmulatorAdmin client: reset, state, request log and counters,
// faults, and out-of-band edits, each observed through the real SDK. Plus the raw wire details
// the SDK hides (headers, epoch-second JSON numbers, the error body).
import {
  CreateDomainCommand,
  GetDomainCommand,
  GetIntegrationCommand,
  GetProfileObjectTypeCommand,
  ListIntegrationsCommand,
  PutIntegrationCommand,
} from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it, vi } from 'vitest';
import { EmulatorAdmin, EmulatorAdminError } from '../../src/emulator/admin-client.ts';
import { ACCOUNT, clients, CREDENTIALS, emulator, failure, REGION, sharedEmulator } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const t = sharedEmulator(({ c }) => c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 })));
const URI = 'arn:aws:connect:us-east-1:123456789012:instance/abc';

describe('state and reset', () => {
  it('state shows domains and integrations per account and region; reset empties state, log and faults', async () => {
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR' }));
    await t.admin.failNext('GetDomain', 5);
    const state = await t.admin.state();
    expect(state.version).toBe(1);
    const rec = state.accounts[ACCOUNT]![REGION]!.Domains.retail!.Integrations[URI]!;
    expect(rec).toMatchObject({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR' });
    expect(typeof rec.CreatedAt).toBe('number');

    const assumed = await t.c.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/r', RoleSessionName: 'kept' }));
    await t.admin.reset();
    expect((await t.admin.state()).accounts).toEqual({});
    // issued credentials survive a reset: a client that cached them still acts in the role's account
    const creds = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
    expect((await clients(t.emu.url, { credentials: creds }).sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
    await t.admin.clearRequests();
    expect(await t.admin.requests()).toEqual([]);
    expect((await t.admin.faults()).failNext).toEqual({});
  });
});

describe('request log and counters', () => {
  it('records every API call with its details; filters by since, operation and status; clears', async () => {
    await t.admin.clearRequests();
    const { lastSeq } = await t.admin.requestLog();
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR', Tags: { a: 'b' } }));
    const missing = await failure(t.c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: 'nope' })));
    await t.c.sts.send(new GetCallerIdentityCommand({}));

    const entries = await t.admin.requests({ since: lastSeq });
    expect(entries.map((e) => e.operation)).toEqual(['PutIntegration', 'GetIntegration', 'GetCallerIdentity']);
    const [put, get, sts] = entries;
    expect(put).toMatchObject({
      method: 'PUT',
      path: '/domains/retail/integrations',
      status: 200,
      region: REGION,
      account: ACCOUNT,
      accessKeyId: CREDENTIALS.accessKeyId,
      body: { DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR', Tags: { a: 'b' } },
    });
    expect(put!.seq).toBeGreaterThan(lastSeq);
    expect(Math.abs(put!.time - Date.now())).toBeLessThan(60_000);
    expect(put!.userAgent).toMatch(/aws-sdk-js/);
    expect(put!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(get).toMatchObject({ method: 'POST', status: 404, errorType: 'ResourceNotFoundException', requestId: missing.$metadata.requestId });
    expect(sts).toMatchObject({ method: 'POST', path: '/', status: 200, body: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });

    expect(await t.admin.requests({ since: put!.seq })).toHaveLength(2);
    expect((await t.admin.requests({ operation: 'GetIntegration' })).map((e) => e.status)).toEqual([404]);
    expect((await t.admin.requests({ status: 200 })).map((e) => e.operation)).toEqual(['PutIntegration', 'GetCallerIdentity']);

    expect(await t.admin.counters()).toEqual({ PutIntegration: { '200': 1 }, GetIntegration: { '404': 1 }, GetCallerIdentity: { '200': 1 } });
    await t.admin.clearRequests();
    expect(await t.admin.requests()).toEqual([]);
    expect(await t.admin.counters()).toEqual({});
    // sequence numbers keep growing across a clear, so `since` stays meaningful
    await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    expect((await t.admin.requests())[0]!.seq).toBeGreaterThan(sts!.seq);
  });
});

describe('faults', () => {
  it('an error rate of 1 fails every call with 500 or 429; `*` applies to all operations', async () => {
    await t.admin.setFaults({ errorRates: { GetDomain: { rate: 1, status: 500 } } });
    const e500 = await failure(t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' })));
    expect(e500.name).toBe('InternalServerException');
    expect(e500.$metadata.httpStatusCode).toBe(500);
    expect(e500.$fault).toBe('server');

    await t.admin.setFaults({ errorRates: { '*': { rate: 1, status: 429 } } });
    const e429 = await failure(t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' })));
    expect(e429.name).toBe('ThrottlingException');
    expect(e429.$metadata.httpStatusCode).toBe(429);

    await t.admin.clearFaults();
    await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
  });

  it('an error rate of 0.5 fails some calls and not others', async () => {
    await t.admin.setFaults({ errorRates: { GetDomain: { rate: 0.5, status: 500 } } });
    let failed = 0;
    for (let i = 0; i < 60; i++) {
      await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' })).catch(() => failed++);
    }
    // P(all 60 equal) is 2^-59: both outcomes must appear.
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(60);
  });

  it('fail the next N calls of an operation with a given error, then succeed', async () => {
    await t.admin.failNext('PutIntegration', 2, 'AccessDeniedException');
    const put = () => t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR' }));
    expect((await failure(put())).name).toBe('AccessDeniedException');
    const second = await failure(put());
    expect(second.name).toBe('AccessDeniedException');
    expect(second.$metadata.httpStatusCode).toBe(403);
    expect((await put()).Uri).toBe(URI);
    // other operations were not affected
    expect((await t.admin.counters()).GetDomain).toBeUndefined();
  });

  it('added latency delays answers by at least the amount set', async () => {
    await t.admin.setFaults({ latencyMs: { GetDomain: 300 } });
    let t0 = performance.now();
    await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
    await t.admin.setFaults({ latencyMs: { '*': 150 } });
    t0 = performance.now();
    await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('admin input errors are clear', async () => {
    const bad = await failure(t.admin.setFaults({ errorRates: { PutIntegration: { rate: 2, status: 500 } } }));
    expect(bad).toBeInstanceOf(EmulatorAdminError);
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/errorRates\.PutIntegration/);
    const res = await fetch(`${t.emu.url}/_emulator/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error).toMatch(/no admin route/);
  });
});

describe('semantics', () => {
  it('GET shows every switch; PUT changes the switches given and keeps the others; reset restores the startup ones', async () => {
    const before = await t.admin.semantics();
    expect(Object.keys(before)).toHaveLength(10);
    const after = await t.admin.setSemantics({ 'flow-resend': 'reject', 'workflow-id': 'never' });
    expect(after).toEqual({ ...before, 'flow-resend': 'reject', 'workflow-id': 'never' });
    expect(await t.admin.semantics()).toEqual(after);
    expect(await t.admin.setSemantics({ 'workflow-id': 'always' })).toEqual({ ...before, 'flow-resend': 'reject' });
    await t.admin.reset();
    expect(await t.admin.semantics()).toEqual(before);
  });

  it('an unknown switch or value is a 400 naming the switch and its allowed values, and changes nothing', async () => {
    const before = await t.admin.semantics();
    const value = await failure(t.admin.setSemantics({ 'put-omitted': 'sometimes' } as never));
    expect(value).toBeInstanceOf(EmulatorAdminError);
    expect(value.status).toBe(400);
    expect(value.message).toContain('semantics: put-omitted must be replace or merge, not "sometimes"');
    const name = await failure(t.admin.setSemantics({ 'flow-resend': 'reject', 'flow-redo': 'on' } as never));
    expect(name.status).toBe(400);
    expect(name.message).toContain('unknown switch "flow-redo"; the switches are flow-resend, put-omitted, delete-flow');
    expect(await t.admin.semantics()).toEqual(before); // the good half of a bad body was not applied
    const raw = await fetch(`${t.emu.url}/_emulator/semantics`, { method: 'PUT', body: '{"workflow-id": true}' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as any).error).toBe('semantics: workflow-id must be always or never, not true');
  });

  it('startup semantics (the --semantics flag) are what reset returns to; bad ones refuse to start', async () => {
    const other = await emulator({ semantics: { 'delete-flow': 'keep' } });
    try {
      const a = new EmulatorAdmin(other.url);
      expect((await a.semantics())['delete-flow']).toBe('keep');
      await a.setSemantics({ 'delete-flow': 'delete' });
      await a.reset();
      expect((await a.semantics())['delete-flow']).toBe('keep');
    } finally {
      await other.close();
    }
    await expect(emulator({ semantics: { 'delete-flow': 'later' } as never })).rejects.toThrow('delete-flow must be delete or keep');
  });
});

describe('object types', () => {
  it('registers names in a domain (idempotent), lists them sorted, deletes one; bad input is 400, a missing domain or type 404', async () => {
    expect(await t.admin.createObjectTypes('retail', ['CTR'])).toEqual({ DomainName: 'retail', ObjectTypeNames: ['CTR'] });
    expect(await t.admin.createObjectTypes('retail', ['Account', 'CTR'])).toEqual({ DomainName: 'retail', ObjectTypeNames: ['Account', 'CTR'] });
    expect(await t.admin.deleteObjectType('retail', 'CTR')).toEqual({ DomainName: 'retail', ObjectTypeNames: ['Account'] });
    expect((await failure(t.admin.deleteObjectType('retail', 'CTR'))).status).toBe(404);
    expect((await failure(t.admin.createObjectTypes('absent', ['CTR']))).status).toBe(404);
    const bad = await failure(t.admin.createObjectTypes('retail', ['9bad']));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/"names" must be a non-empty list/);
    expect((await failure(t.admin.createObjectTypes('retail', []))).status).toBe(400);
    // per account and region, like domains
    await t.admin.createDomain('retail', 'eu-west-1');
    await t.admin.createObjectTypes('retail', ['Eu'], { region: 'eu-west-1' });
    const state = await t.admin.state();
    expect(Object.keys(state.accounts[ACCOUNT]!['eu-west-1']!.Domains.retail!.ObjectTypes!)).toEqual(['Eu']);
    expect(Object.keys(state.accounts[ACCOUNT]![REGION]!.Domains.retail!.ObjectTypes!)).toEqual(['Account']);
  });
});

describe('out-of-band edits', () => {
  it('a console-style change moves LastUpdatedAt and shows in GetIntegration; a delete makes it 404', async () => {
    const put = await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR', Scope: 'PROFILE' }));
    const edited = await t.admin.putIntegrationOutOfBand('retail', URI, { ObjectTypeName: 'Other', Scope: null });
    expect(edited.LastUpdatedAt).toBeGreaterThan(put.LastUpdatedAt!.getTime() / 1000);
    const got = await t.c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: URI }));
    expect(got.ObjectTypeName).toBe('Other');
    expect(got.Scope).toBeUndefined();
    expect(got.CreatedAt!.getTime()).toBe(put.CreatedAt!.getTime());
    expect(got.LastUpdatedAt!.getTime()).toBeGreaterThan(put.LastUpdatedAt!.getTime());

    await t.admin.deleteIntegrationOutOfBand('retail', URI);
    expect((await failure(t.c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: URI })))).name).toBe('ResourceNotFoundException');
    expect((await failure(t.admin.deleteIntegrationOutOfBand('retail', URI))).status).toBe(404);
  });

  it('creates an integration and a domain in another region and account', async () => {
    await t.admin.createDomain('eu-domain', 'eu-west-1', '999988887777');
    await t.admin.putIntegrationOutOfBand('eu-domain', 'arn:aws:s3:::eu', { ObjectTypeName: 'T' }, { region: 'eu-west-1', account: '999988887777' });
    const state = await t.admin.state();
    expect(state.accounts['999988887777']!['eu-west-1']!.Domains['eu-domain']!.Integrations['arn:aws:s3:::eu']).toBeDefined();
    // not visible from the default account
    expect((await failure(t.c.cp.send(new GetDomainCommand({ DomainName: 'eu-domain' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('the wire, raw', () => {
  it('every answer has x-amzn-RequestId and a current Date; timestamps are JSON numbers of epoch seconds', async () => {
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'CTR' }));
    const res = await fetch(`${t.emu.url}/domains/retail/integrations`, { method: 'POST', body: JSON.stringify({ Uri: URI }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Date.parse(res.headers.get('date')!) - Date.now())).toBeLessThan(5_000);
    const body = (await res.json()) as any;
    expect(typeof body.CreatedAt).toBe('number');
    expect(Math.abs(body.CreatedAt - Date.now() / 1000)).toBeLessThan(60);

    const err = await fetch(`${t.emu.url}/domains/absent`);
    expect(err.status).toBe(404);
    expect(err.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(err.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const eb = (await err.json()) as any;
    expect(eb.Message).toMatch(/absent/);
    expect(eb.message).toBe(eb.Message);

    const admin200 = await fetch(`${t.emu.url}/_emulator/health`);
    expect(admin200.headers.get('x-amzn-requestid')).toBeTruthy();
    // idle keep-alive sockets live about a minute, as at AWS, not Node's 5 s (a reuse race = ECONNRESET)
    expect(res.headers.get('keep-alive')).toBe('timeout=60');
  });

  it('an ISO string where a timestamp belongs is SerializationException; an unknown route is UnknownOperationException', async () => {
    const res = await fetch(`${t.emu.url}/domains/retail/integrations`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        FlowDefinition: {
          FlowName: 'f',
          KmsArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
          SourceFlowConfig: { ConnectorType: 'S3', SourceConnectorProperties: { S3: { BucketName: 'bkt' } } },
          Tasks: [],
          TriggerConfig: { TriggerType: 'Scheduled', TriggerProperties: { Scheduled: { ScheduleExpression: 'rate(1hours)', ScheduleStartTime: '2026-01-01T00:00:00Z' } } },
        },
      }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(((await res.json()) as any).Message).toMatch(/ScheduleStartTime.*epoch seconds/);

    const unknown = await fetch(`${t.emu.url}/domains/retail/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');

    const notJson = await fetch(`${t.emu.url}/domains/retail/integrations`, { method: 'PUT', body: '{nope', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });
});

describe('out-of-band edits of domains and object types', () => {
  it('updateDomainOutOfBand changes only the members named (null removes one), moves LastUpdatedAt, and is not logged', async () => {
    const before = await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    const seq = (await t.admin.requestLog({ limit: 1 })).lastSeq;
    await t.admin.updateDomainOutOfBand('retail', { DefaultExpirationDays: 7, DeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', Tags: { who: 'console' } });
    expect(await t.admin.requests({ since: seq })).toEqual([]);
    const after = await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    expect(after).toMatchObject({ DefaultExpirationDays: 7, DeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', Tags: { who: 'console' } });
    expect(after.LastUpdatedAt!.getTime()).toBeGreaterThan(before.LastUpdatedAt!.getTime());
    expect(after.CreatedAt!.getTime()).toBe(before.CreatedAt!.getTime());
    await t.admin.updateDomainOutOfBand('retail', { DeadLetterQueueUrl: null });
    expect(await t.c.cp.send(new GetDomainCommand({ DomainName: 'retail' }))).not.toHaveProperty('DeadLetterQueueUrl');
    expect((await failure(t.admin.updateDomainOutOfBand('absent', {}))).status).toBe(404);
  });

  it('putObjectTypeOutOfBand creates or changes an object type that GetProfileObjectType then shows', async () => {
    await t.admin.putObjectTypeOutOfBand('retail', 'Customer', { Description: 'made in the console', ExpirationDays: 30 });
    const made = await t.c.cp.send(new GetProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'Customer' }));
    expect(made).toMatchObject({ Description: 'made in the console', ExpirationDays: 30, Tags: {} });
    await t.admin.putObjectTypeOutOfBand('retail', 'Customer', { ExpirationDays: null, AllowProfileCreation: true });
    const changed = await t.c.cp.send(new GetProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'Customer' }));
    expect(changed).toMatchObject({ Description: 'made in the console', AllowProfileCreation: true });
    expect(changed).not.toHaveProperty('ExpirationDays');
    expect(changed.LastUpdatedAt!.getTime()).toBeGreaterThan(made.LastUpdatedAt!.getTime());
    const bad = await failure(t.admin.putObjectTypeOutOfBand('retail', 'X', [] as never));
    expect(bad).toBeInstanceOf(EmulatorAdminError);
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('"changes" must be an object');
  });
});
