// The gateway's domain and object type calls against the emulator over HTTP, through the real SDK:
// Dates parsed, $metadata and Stats left out, every page of a List, NotFound read as undefined or
// false, AWS failures classified, each call observed, and every write (never a read) passed
// through the write gate, whose refusal sends nothing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsGateway } from '../../src/aws/gateway.ts';
import { Pacer } from '../../src/aws/pacer.ts';
import { AwsFailure } from '../../src/aws/errors.ts';
import { domainArn, objectTypeArn } from '../../src/aws/arn.ts';
import { EmulatorAdmin, emulatorClientEnv } from '../../src/emulator/admin-client.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { ACCOUNT, REGION, emulator } from './helpers.ts';
import { WRITE_OPERATIONS } from '../support/aws.ts';

const target = { region: REGION };
const observed: Array<[string, string]> = [];
let gateChecks = 0;
let leader = true;

let emu: RunningEmulator;
let admin: EmulatorAdmin;
let gateway: AwsGateway;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await emulator({ quotas: false, maxDomains: 150, maxObjectTypesPerDomain: 150 });
  admin = new EmulatorAdmin(emu.url);
  Object.assign(process.env, emulatorClientEnv(emu.url, 'AKIDGATEWAY', 'gateway-secret'));
  gateway = new AwsGateway({
    // Fast buckets: this file tests what the calls do, not their pacing (test/unit/aws does).
    pacer: new Pacer({ writeTps: 100, readTps: 100, tagTps: 100 }),
    writeGate: () => {
      gateChecks++;
      if (!leader) throw new Error('not the leader');
    },
    observe: (operation, outcome) => void observed.push([operation, outcome]),
  });
});
afterAll(async () => {
  gateway?.destroy();
  process.env = saved;
  await emu?.close();
});
beforeEach(async () => {
  await admin.reset();
  observed.length = 0;
  gateChecks = 0;
  leader = true;
});
afterEach(() => {
  leader = true;
});

const mark = async () => (await admin.requestLog({ limit: 1 })).lastSeq;
const opsSince = async (seq: number) => (await admin.requests({ since: seq })).map((r) => r.operation);

describe('DomainGateway', () => {
  it('createDomain, getDomain, updateDomain, deleteDomain: descriptions with Dates, without $metadata or Stats; gone is undefined/false', async () => {
    const created = await gateway.createDomain(target, { DomainName: 'retail', DefaultExpirationDays: 30, Tags: { team: 'crm' } }, 'high');
    expect(created).toMatchObject({ DomainName: 'retail', DefaultExpirationDays: 30, Tags: { team: 'crm' } });
    expect(created.CreatedAt).toBeInstanceOf(Date);
    expect(created).not.toHaveProperty('$metadata');

    const got = await gateway.getDomain(target, 'retail', 'low');
    expect(got?.LastUpdatedAt).toBeInstanceOf(Date);
    expect(got).not.toHaveProperty('Stats');
    expect(got).not.toHaveProperty('$metadata');

    const updated = await gateway.updateDomain(target, { DomainName: 'retail', DefaultExpirationDays: 60 }, 'high');
    expect(updated.DefaultExpirationDays).toBe(60);
    expect(updated.LastUpdatedAt!.getTime()).toBeGreaterThan(created.LastUpdatedAt!.getTime());

    expect(await gateway.deleteDomain(target, 'retail', 'high')).toBe(true);
    expect(await gateway.deleteDomain(target, 'retail', 'high')).toBe(false);
    expect(await gateway.getDomain(target, 'retail', 'low')).toBeUndefined();
    expect(observed.filter(([op]) => op !== 'GetCallerIdentity')).toEqual([
      ['CreateDomain', 'ok'],
      ['GetDomain', 'ok'],
      ['UpdateDomain', 'ok'],
      ['DeleteDomain', 'ok'],
      ['DeleteDomain', 'NotFound'],
      ['GetDomain', 'NotFound'],
    ]);
  });

  it('listDomains reads every page (101 domains: two ListDomains calls)', async () => {
    const names = Array.from({ length: 101 }, (_, i) => `d-${String(i).padStart(3, '0')}`);
    for (const n of names) await admin.createDomain(n);
    const seq = await mark();
    const domains = await gateway.listDomains(target, 'low');
    expect(domains.map((d) => d.domainName)).toEqual(names);
    expect(domains[0]!.createdAt).toBeInstanceOf(Date);
    expect(domains[0]!.tags).toEqual({});
    expect((await opsSince(seq)).filter((o) => o === 'ListDomains')).toHaveLength(2);
  });

  it('a bad request is InvalidSpec; updating a missing domain is NotFound (not read as "gone")', async () => {
    const bad = await gateway.createDomain(target, { DomainName: 'bad name', DefaultExpirationDays: 1 }, 'high').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AwsFailure);
    expect((bad as AwsFailure).kind).toBe('InvalidSpec');
    expect((bad as AwsFailure).retryable).toBe(false);
    const missing = await gateway.updateDomain(target, { DomainName: 'absent', DefaultExpirationDays: 1 }, 'high').catch((e: unknown) => e);
    expect((missing as AwsFailure).kind).toBe('NotFound');
  });
});

describe('ObjectTypeGateway', () => {
  beforeEach(async () => {
    await admin.createDomain('retail');
  });

  it('putObjectType, getObjectType, deleteObjectType: descriptions with Dates; gone is undefined/false', async () => {
    const put = await gateway.putObjectType(
      target,
      { DomainName: 'retail', ObjectTypeName: 'Customer', Description: 'customers', MaxProfileObjectCount: 4, Fields: { id: { Source: '_source.id', Target: '_profile.AccountNumber' } } },
      'high',
    );
    expect(put).toMatchObject({ ObjectTypeName: 'Customer', Description: 'customers', MaxAvailableProfileObjectCount: 4 });
    expect(put.CreatedAt).toBeInstanceOf(Date);
    expect(put).not.toHaveProperty('$metadata');
    const got = await gateway.getObjectType(target, 'retail', 'Customer', 'low');
    expect(got?.Fields).toEqual({ id: { Source: '_source.id', Target: '_profile.AccountNumber' } });
    expect(got).not.toHaveProperty('$metadata');
    expect(await gateway.deleteObjectType(target, 'retail', 'Customer', 'high')).toBe(true);
    expect(await gateway.deleteObjectType(target, 'retail', 'Customer', 'high')).toBe(false);
    expect(await gateway.getObjectType(target, 'retail', 'Customer', 'low')).toBeUndefined();
    expect(observed.filter(([op]) => op !== 'GetCallerIdentity')).toEqual([
      ['PutProfileObjectType', 'ok'],
      ['GetProfileObjectType', 'ok'],
      ['DeleteProfileObjectType', 'ok'],
      ['DeleteProfileObjectType', 'NotFound'],
      ['GetProfileObjectType', 'NotFound'],
    ]);
  });

  it('listObjectTypes reads every page (101 types: two calls) with summaries; the tag calls work on object type ARNs', async () => {
    const names = Array.from({ length: 101 }, (_, i) => `T${String(i).padStart(3, '0')}`);
    await admin.createObjectTypes('retail', names);
    await gateway.putObjectType(target, { DomainName: 'retail', ObjectTypeName: 'T000', Description: 'first', Tags: { a: 'b' } }, 'high');
    const seq = await mark();
    const types = await gateway.listObjectTypes(target, 'retail', 'low');
    expect(types.map((t) => t.objectTypeName)).toEqual(names);
    expect(types[0]).toMatchObject({ objectTypeName: 'T000', description: 'first' });
    expect(types[0]!.lastUpdatedAt).toBeInstanceOf(Date);
    expect((await opsSince(seq)).filter((o) => o === 'ListProfileObjectTypes')).toHaveLength(2);

    await gateway.tagResource(target, objectTypeArn(REGION, ACCOUNT, 'retail', 'T000'), { env: 'dev' }, 'high');
    await gateway.untagResource(target, objectTypeArn(REGION, ACCOUNT, 'retail', 'T000'), ['a'], 'high');
    expect((await gateway.getObjectType(target, 'retail', 'T000', 'low'))?.Tags).toEqual({ env: 'dev' });
    await gateway.tagResource(target, domainArn(REGION, ACCOUNT, 'retail'), { env: 'dev' }, 'high');
    expect((await gateway.getDomain(target, 'retail', 'low'))?.Tags).toEqual({ env: 'dev' });
  });

  it('listObjectTypes of a missing domain is NotFound, not an empty list', async () => {
    const err = await gateway.listObjectTypes(target, 'absent', 'low').catch((e: unknown) => e);
    expect((err as AwsFailure).kind).toBe('NotFound');
  });
});

describe('the write gate', () => {
  it('gates every write (before the wait and after signing) and no read', async () => {
    await gateway.createDomain(target, { DomainName: 'retail', DefaultExpirationDays: 1 }, 'high');
    await gateway.updateDomain(target, { DomainName: 'retail', DefaultExpirationDays: 2 }, 'high');
    await gateway.putObjectType(target, { DomainName: 'retail', ObjectTypeName: 'C', Description: 'd' }, 'high');
    expect(gateChecks).toBe(6);
    await gateway.getDomain(target, 'retail', 'low');
    await gateway.listDomains(target, 'low');
    await gateway.getObjectType(target, 'retail', 'C', 'low');
    await gateway.listObjectTypes(target, 'retail', 'low');
    expect(gateChecks).toBe(6);
    await gateway.deleteObjectType(target, 'retail', 'C', 'high');
    await gateway.deleteDomain(target, 'retail', 'high');
    expect(gateChecks).toBe(10);
  });

  it('a replica that is not the leader sends none of the five writes: each fails NotLeader', async () => {
    await admin.createDomain('retail');
    await admin.createObjectTypes('retail', ['C']);
    leader = false;
    const seq = await mark();
    const writes = [
      () => gateway.createDomain(target, { DomainName: 'other', DefaultExpirationDays: 1 }, 'high'),
      () => gateway.updateDomain(target, { DomainName: 'retail', DefaultExpirationDays: 2 }, 'high'),
      () => gateway.deleteDomain(target, 'retail', 'high'),
      () => gateway.putObjectType(target, { DomainName: 'retail', ObjectTypeName: 'C', Description: 'd' }, 'high'),
      () => gateway.deleteObjectType(target, 'retail', 'C', 'high'),
    ];
    for (const write of writes) {
      const err = await write().catch((e: unknown) => e);
      expect((err as AwsFailure).kind).toBe('NotLeader');
    }
    expect((await opsSince(seq)).filter((o) => WRITE_OPERATIONS.has(o))).toEqual([]);
    expect(await gateway.getDomain(target, 'retail', 'low')).toBeDefined();
  });
});
