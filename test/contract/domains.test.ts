// CreateDomain, UpdateDomain, GetDomain, DeleteDomain and ListDomains through the real AWS SDK over
// HTTP: every member stored and returned, UpdateDomain's keep-what-is-omitted and empty-string
// clearing, AWS's validation wording, NotFound, tags, the update-tags switch, the domain quota,
// DeleteDomain taking integrations and object types with it, per-operation TPS, and --state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDomainCommand,
  type CreateDomainCommandInput,
  DeleteDomainCommand,
  GetDomainCommand,
  GetProfileObjectTypeCommand,
  ListDomainsCommand,
  ListIntegrationsCommand,
  ListProfileObjectTypesCommand,
  ListTagsForResourceCommand,
  PutIntegrationCommand,
  PutProfileObjectTypeCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDomainCommand,
} from '@aws-sdk/client-customer-profiles';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { domainArn } from '../../src/aws/arn.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { ACCOUNT, REGION, clients, emulator, failure, sharedEmulator } from './helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const t = sharedEmulator();

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/cp-dlq';

/** A domain with every member CreateDomain takes. */
const full: CreateDomainCommandInput = {
  DomainName: 'retail',
  DefaultExpirationDays: 366,
  DefaultEncryptionKey: KEY,
  DeadLetterQueueUrl: DLQ,
  Matching: {
    Enabled: true,
    JobSchedule: { DayOfTheWeek: 'SUNDAY', Time: '03:00' },
    AutoMerging: { Enabled: true, Consolidation: { MatchingAttributesList: [['EmailAddress']] }, ConflictResolution: { ConflictResolvingModel: 'RECENCY' } },
  },
  RuleBasedMatching: { Enabled: true, MatchingRules: [{ Rule: ['EmailAddress'] }], MaxAllowedRuleLevelForMerging: 1, MaxAllowedRuleLevelForMatching: 1 },
  DataStore: { Enabled: true },
  Tags: { team: 'crm', env: 'dev' },
};

const create = (input: Partial<CreateDomainCommandInput> = {}) =>
  t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30, ...input }));
const get = (name = 'retail') => t.c.cp.send(new GetDomainCommand({ DomainName: name }));

describe('CreateDomain and GetDomain', () => {
  it('store and return every member; GetDomain adds Stats, rule-based matching is ACTIVE and the data store ready', async () => {
    const created = await t.c.cp.send(new CreateDomainCommand(full));
    const { DomainName, DefaultExpirationDays, DefaultEncryptionKey, DeadLetterQueueUrl, Matching, Tags } = full;
    expect(created).toMatchObject({ DomainName, DefaultExpirationDays, DefaultEncryptionKey, DeadLetterQueueUrl, Matching, Tags });
    expect(created.RuleBasedMatching).toMatchObject({ ...full.RuleBasedMatching, Status: 'ACTIVE' });
    expect(created.DataStore).toEqual({ Enabled: true, Readiness: { ProgressPercentage: 100 } });
    expect(created.CreatedAt).toBeInstanceOf(Date);
    expect(created.LastUpdatedAt!.getTime()).toBe(created.CreatedAt!.getTime());
    expect(created).not.toHaveProperty('Stats');

    const got = await get();
    expect(got).toMatchObject({ DomainName, DefaultExpirationDays, DefaultEncryptionKey, DeadLetterQueueUrl, Matching, Tags });
    expect(got.RuleBasedMatching?.Status).toBe('ACTIVE');
    expect(got.Stats).toEqual({ ProfileCount: 0, MeteringProfileCount: 0, ObjectCount: 0, TotalSize: 0 });
    expect(got.CreatedAt!.getTime()).toBe(created.CreatedAt!.getTime());
  });

  it('an untagged domain answers Tags {}; a second CreateDomain of the name is BadRequest', async () => {
    expect((await create()).Tags).toEqual({});
    const err = await failure(create());
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('Domain retail already exists.');
  });

  it('validation errors are named as AWS names them', async () => {
    const missing = await failure(t.c.cp.send(new CreateDomainCommand({ DomainName: 'retail' } as CreateDomainCommandInput)));
    expect(missing.name).toBe('BadRequestException');
    expect(missing.message).toBe("1 validation error detected: Value null at 'DefaultExpirationDays' failed to satisfy constraint: Member must not be null");
    const both = await failure(create({ DomainName: 'no spaces', DefaultExpirationDays: 1099 }));
    expect(both.message).toMatch(/^2 validation errors detected: /);
    expect(both.message).toContain("Value 'no spaces' at 'DomainName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]+$");
    expect(both.message).toContain("Value '1099' at 'DefaultExpirationDays' failed to satisfy constraint: Member must have value less than or equal to 1098");
    const badEnum = await failure(create({ Matching: { Enabled: true, JobSchedule: { DayOfTheWeek: 'FUNDAY' as never, Time: '03:00' } } }));
    expect(badEnum.message).toContain("at 'Matching.JobSchedule.DayOfTheWeek' failed to satisfy constraint: Member must satisfy enum value set: [SUNDAY");
  });

  it('GetDomain of a missing domain is ResourceNotFoundException', async () => {
    const err = await failure(get('absent'));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });
});

describe('UpdateDomain', () => {
  it('changes the members sent and keeps the others; CreatedAt stays, LastUpdatedAt moves forward', async () => {
    const created = await t.c.cp.send(new CreateDomainCommand(full));
    const updated = await t.c.cp.send(new UpdateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 90, DataStore: { Enabled: false } }));
    expect(updated.DefaultExpirationDays).toBe(90);
    expect(updated.DataStore?.Enabled).toBe(false);
    expect(updated).toMatchObject({ DefaultEncryptionKey: KEY, DeadLetterQueueUrl: DLQ, Matching: full.Matching });
    expect(updated.CreatedAt!.getTime()).toBe(created.CreatedAt!.getTime());
    expect(updated.LastUpdatedAt!.getTime()).toBeGreaterThan(created.LastUpdatedAt!.getTime());
    const got = await get();
    expect(got.DefaultExpirationDays).toBe(90);
    expect(got.LastUpdatedAt!.getTime()).toBe(updated.LastUpdatedAt!.getTime());
    const [item] = (await t.c.cp.send(new ListDomainsCommand({}))).Items!;
    expect(item!.LastUpdatedAt!.getTime()).toBe(updated.LastUpdatedAt!.getTime());
  });

  it('an empty DefaultEncryptionKey or DeadLetterQueueUrl clears it, as the model documents', async () => {
    await t.c.cp.send(new CreateDomainCommand(full));
    const updated = await t.c.cp.send(new UpdateDomainCommand({ DomainName: 'retail', DefaultEncryptionKey: '', DeadLetterQueueUrl: '' }));
    expect(updated).not.toHaveProperty('DefaultEncryptionKey');
    expect(updated).not.toHaveProperty('DeadLetterQueueUrl');
    expect(updated.DefaultExpirationDays).toBe(366);
  });

  it('a missing domain is ResourceNotFoundException; a value out of range is BadRequest with AWS wording', async () => {
    expect((await failure(t.c.cp.send(new UpdateDomainCommand({ DomainName: 'absent', DefaultExpirationDays: 5 })))).name).toBe('ResourceNotFoundException');
    await create();
    const err = await failure(t.c.cp.send(new UpdateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 0 })));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe("1 validation error detected: Value '0' at 'DefaultExpirationDays' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  it('update-tags=ignore (default): Tags on UpdateDomain change nothing; TagResource/UntagResource do', async () => {
    await create({ Tags: { team: 'crm' } });
    const updated = await t.c.cp.send(new UpdateDomainCommand({ DomainName: 'retail', Tags: { team: 'other', extra: 'x' } }));
    expect(updated.Tags).toEqual({ team: 'crm' });
    const arn = domainArn(REGION, ACCOUNT, 'retail');
    await t.c.cp.send(new TagResourceCommand({ resourceArn: arn, tags: { extra: 'x' } }));
    await t.c.cp.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
    expect((await t.c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ extra: 'x' });
    expect((await get()).Tags).toEqual({ extra: 'x' });
  });

  it('update-tags=merge: Tags on UpdateDomain are merged in as TagResource would', async () => {
    await t.admin.setSemantics({ 'update-tags': 'merge' });
    await create({ Tags: { team: 'crm', env: 'dev' } });
    const updated = await t.c.cp.send(new UpdateDomainCommand({ DomainName: 'retail', Tags: { team: 'other', extra: 'x' } }));
    expect(updated.Tags).toEqual({ team: 'other', env: 'dev', extra: 'x' });
  });
});

describe('DeleteDomain', () => {
  it('deletes the domain with its integrations and object types: a new domain of the name starts empty', async () => {
    await create();
    await t.c.cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'Customer', Description: 'customers' }));
    await t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'arn:aws:s3:::crm/export', ObjectTypeName: 'Customer' }));
    expect((await t.c.cp.send(new DeleteDomainCommand({ DomainName: 'retail' }))).Message).toBe('Domain retail deleted.');
    expect((await failure(t.c.cp.send(new GetProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'Customer' })))).name).toBe('ResourceNotFoundException');
    await create();
    expect((await t.c.cp.send(new ListProfileObjectTypesCommand({ DomainName: 'retail' }))).Items).toEqual([]);
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items).toEqual([]);
    expect((await failure(t.c.cp.send(new DeleteDomainCommand({ DomainName: 'absent' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('limits, quotas and persistence', () => {
  const started: RunningEmulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const start = async (opts: Parameters<typeof emulator>[0]) => {
    const e = await emulator(opts);
    started.push(e);
    return { e, cp: clients(e.url).cp };
  };

  it('at most maxDomains domains per account and region (AWS default 100); a deletion makes room', async () => {
    const { cp } = await start({ quotas: false, maxDomains: 2 });
    for (const n of ['a', 'b']) await cp.send(new CreateDomainCommand({ DomainName: n, DefaultExpirationDays: 1 }));
    const err = await failure(cp.send(new CreateDomainCommand({ DomainName: 'c', DefaultExpirationDays: 1 })));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('The maximum number of domains (2) for this account and region has been reached.');
    await cp.send(new DeleteDomainCommand({ DomainName: 'a' }));
    await cp.send(new CreateDomainCommand({ DomainName: 'c', DefaultExpirationDays: 1 }));
  });

  it('UpdateDomain is throttled at AWS\'s 1 TPS', async () => {
    // A clock that stands still: the bucket cannot refill between the two calls, however slow the machine.
    const { cp } = await start({ quotas: true, now: () => 1_800_000_000_000 });
    await cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 }));
    await cp.send(new UpdateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 2 }));
    const err = await failure(cp.send(new UpdateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 3 })));
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata.httpStatusCode).toBe(429);
  });

  it('--state keeps domains with every member, and their object types, across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpi-domains-'));
    dirs.push(dir);
    const stateFile = join(dir, 'state.json');
    const first = await start({ quotas: false, stateFile });
    await first.cp.send(new CreateDomainCommand(full));
    await first.cp.send(new UpdateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 90 }));
    await first.cp.send(new PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'Customer', Description: 'customers', Tags: { a: 'b' } }));
    const before = await first.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    await first.e.close();

    const second = await start({ quotas: false, stateFile });
    const after = await second.cp.send(new GetDomainCommand({ DomainName: 'retail' }));
    const { $metadata: _a, ...was } = before;
    const { $metadata: _b, ...is } = after;
    expect(is).toEqual(was);
    const type = await second.cp.send(new GetProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'Customer' }));
    expect(type).toMatchObject({ Description: 'customers', Tags: { a: 'b' } });
  });
});
