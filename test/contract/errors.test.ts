// Every error type the model declares for every served operation, through the real SDK: the
// class the SDK picks, the HTTP status from the model, `x-amzn-ErrorType`, the request id and
// the message. Errors come from their natural cause where the emulator has one (bad input,
// missing resource, quota), and from one-shot fault injection otherwise (AccessDenied has no
// IAM to come from).
import * as CP from '@aws-sdk/client-customer-profiles';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmulatorAdmin } from '../../src/emulator/admin-client.ts';
import { errors as modelErrors, operations } from '../../src/emulator/model.generated.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { ACCOUNT, REGION, clients, emulator, failure } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let emu: RunningEmulator;
let admin: EmulatorAdmin;
let cp: CP.CustomerProfilesClient;

const URI = 'arn:aws:s3:::bucket/prefix';
const ARN = `arn:aws:profile:${REGION}:${ACCOUNT}:domains/retail/integrations/${URI}`;

/** Per operation: a valid input, an input breaking a model constraint, and one naming a missing resource. */
const inputs: Record<string, { valid: object; invalid: object; missing?: object }> = {
  CreateDomain: { valid: { DomainName: 'fresh', DefaultExpirationDays: 1 }, invalid: { DomainName: 'fresh', DefaultExpirationDays: 5000 } },
  UpdateDomain: { valid: { DomainName: 'retail', DefaultExpirationDays: 7 }, invalid: { DomainName: 'retail', DefaultExpirationDays: 0 }, missing: { DomainName: 'absent' } },
  GetDomain: { valid: { DomainName: 'retail' }, invalid: { DomainName: 'bad name!' }, missing: { DomainName: 'absent' } },
  DeleteDomain: { valid: { DomainName: 'retail' }, invalid: { DomainName: 'x'.repeat(65) }, missing: { DomainName: 'absent' } },
  ListDomains: { valid: {}, invalid: { MaxResults: 101 } },
  PutIntegration: {
    valid: { DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' },
    invalid: { DomainName: 'retail', Uri: URI, Scope: 'GALAXY' },
    missing: { DomainName: 'absent', Uri: URI, ObjectTypeName: 'T' },
  },
  GetIntegration: { valid: { DomainName: 'retail', Uri: URI }, invalid: { DomainName: 'retail', Uri: '' }, missing: { DomainName: 'retail', Uri: 'arn:aws:s3:::none' } },
  ListIntegrations: { valid: { DomainName: 'retail' }, invalid: { DomainName: 'retail', MaxResults: 0 }, missing: { DomainName: 'absent' } },
  DeleteIntegration: {
    valid: { DomainName: 'retail', Uri: URI },
    invalid: { DomainName: 'retail', Uri: 'u'.repeat(256) },
    missing: { DomainName: 'retail', Uri: 'arn:aws:s3:::none' },
  },
  ListAccountIntegrations: { valid: { Uri: URI }, invalid: { Uri: URI, MaxResults: 1000 } },
  PutProfileObjectType: {
    valid: { DomainName: 'retail', ObjectTypeName: 'T', Description: 'd' },
    invalid: { DomainName: 'retail', ObjectTypeName: '9starts-with-a-digit', Description: 'd' },
    missing: { DomainName: 'absent', ObjectTypeName: 'T', Description: 'd' },
  },
  GetProfileObjectType: {
    valid: { DomainName: 'retail', ObjectTypeName: 'T' },
    invalid: { DomainName: 'retail', ObjectTypeName: 'x'.repeat(256) },
    missing: { DomainName: 'retail', ObjectTypeName: 'None' },
  },
  ListProfileObjectTypes: { valid: { DomainName: 'retail' }, invalid: { DomainName: 'retail', MaxResults: 0 }, missing: { DomainName: 'absent' } },
  DeleteProfileObjectType: {
    valid: { DomainName: 'retail', ObjectTypeName: 'T' },
    invalid: { DomainName: 'bad name!', ObjectTypeName: 'T' },
    missing: { DomainName: 'retail', ObjectTypeName: 'None' },
  },
  ListProfileObjectTypeTemplates: { valid: {}, invalid: { MaxResults: 101 } },
  GetProfileObjectTypeTemplate: { valid: { TemplateId: 'Salesforce-Account' }, invalid: { TemplateId: 'no spaces allowed' }, missing: { TemplateId: 'Nowhere-Nothing' } },
  TagResource: {
    valid: { resourceArn: ARN, tags: { a: 'b' } },
    invalid: { resourceArn: ARN, tags: { 'aws:reserved': 'x' } },
    missing: { resourceArn: `arn:aws:profile:${REGION}:${ACCOUNT}:domains/absent`, tags: { a: 'b' } },
  },
  UntagResource: {
    valid: { resourceArn: ARN, tagKeys: ['a'] },
    invalid: { resourceArn: 'arn:aws:sqs:us-east-1:123456789012:queue', tagKeys: ['a'] },
    missing: { resourceArn: `arn:aws:profile:${REGION}:${ACCOUNT}:domains/absent`, tagKeys: ['a'] },
  },
  ListTagsForResource: {
    valid: { resourceArn: ARN },
    invalid: { resourceArn: `${ARN}${'x'.repeat(300)}` },
    missing: { resourceArn: `arn:aws:profile:${REGION}:${ACCOUNT}:domains/retail/integrations/arn:aws:s3:::none` },
  },
};

function command(op: string, input: object) {
  const Ctor = (CP as unknown as Record<string, new (i: object) => any>)[`${op}Command`];
  if (!Ctor) throw new Error(`no SDK command for ${op}`);
  return new Ctor(input);
}

beforeAll(async () => {
  emu = await emulator({ quotas: true });
  admin = new EmulatorAdmin(emu.url);
  cp = clients(emu.url).cp;
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await admin.reset();
  await admin.setQuotas({ enabled: false });
  await cp.send(new CP.CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 }));
  await cp.send(new CP.PutIntegrationCommand({ DomainName: 'retail', Uri: URI, ObjectTypeName: 'T' }));
  await cp.send(new CP.PutProfileObjectTypeCommand({ DomainName: 'retail', ObjectTypeName: 'T', Description: 'd' }));
});

const cases = Object.entries(operations).flatMap(([op, spec]) => spec.errors.map((error) => [op, error] as const));

it('covers every served operation', () => {
  expect(Object.keys(inputs).sort()).toEqual(Object.keys(operations).sort());
  expect(cases.length).toBe(89);
});

describe.each(cases)('%s -> %s', (op, errorType) => {
  it('arrives as AWS sends it', async () => {
    const io = inputs[op]!;
    let input: object = io.valid;
    let natural = false;
    if (errorType === 'BadRequestException') {
      input = io.invalid;
      natural = true;
    } else if (errorType === 'ResourceNotFoundException' && io.missing) {
      input = io.missing;
      natural = true;
    } else if (errorType === 'ThrottlingException') {
      await admin.setQuotas({ enabled: true, overrides: { [op]: 0 } });
      natural = true;
    } else if (errorType === 'InternalServerException') {
      await admin.setFaults({ errorRates: { [op]: { rate: 1, status: 500 } } });
      natural = true;
    }
    if (!natural) await admin.failNext(op, 1, errorType);

    const err = await failure(cp.send(command(op, input)));
    expect(err.name).toBe(errorType);
    expect(err.$metadata.httpStatusCode).toBe(modelErrors[errorType]!.status);
    expect(err.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.$response.headers['x-amzn-errortype']).toBe(errorType);
    expect(err.message).toMatch(/\S/);
    expect(err.message).not.toBe('UnknownError');

    const [entry] = await admin.requests({ operation: op, limit: 1 });
    expect(entry).toMatchObject({ operation: op, status: modelErrors[errorType]!.status, errorType, requestId: err.$metadata.requestId });
  });
});
