// --require-auth: SigV4 header checks, known keys, signature verification, STS sessions, and
// per-namespace role assumption across accounts with the SDK's own fromTemporaryCredentials.
import { CreateDomainCommand, GetDomainCommand, ListDomainsCommand } from '@aws-sdk/client-customer-profiles';
import { CustomerProfilesClient } from '@aws-sdk/client-customer-profiles';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromTemporaryCredentials, fromTokenFile } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmulatorAdmin } from '../../src/emulator/admin-client.ts';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { CREDENTIALS, REGION, clients, emulator, failure } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let clock = Date.now();
let emu: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emu = await emulator({
    requireAuth: true,
    quotas: false,
    now: () => clock,
    accessKeys: [
      { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey },
      { accessKeyId: 'AKIANOSECRETCHECK' },
      { accessKeyId: 'AKIATEAMB', secretAccessKey: 'team-b-secret', account: '555566667777' },
    ],
  });
  admin = new EmulatorAdmin(emu.url);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await emu?.close();
});

describe('--require-auth', () => {
  it('accepts a correctly signed request from a known key', async () => {
    expect((await clients(emu.url).cp.send(new ListDomainsCommand({}))).Items).toEqual([]);
  });

  it('no Authorization header: 403 MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${emu.url}/domains`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(((await res.json()) as any).Message).toBe('Missing Authentication Token');
  });

  it('a malformed Authorization header: 403 IncompleteSignatureException', async () => {
    const res = await fetch(`${emu.url}/domains`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/bad' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  it('an unknown key: UnrecognizedClientException; a wrong secret: InvalidSignatureException', async () => {
    const unknown = await failure(
      clients(emu.url, { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } }).cp.send(new ListDomainsCommand({})),
    );
    expect(unknown.name).toBe('UnrecognizedClientException');
    expect(unknown.$metadata.httpStatusCode).toBe(403);
    const wrong = await failure(
      clients(emu.url, { credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-secret' } }).cp.send(new ListDomainsCommand({})),
    );
    expect(wrong.name).toBe('InvalidSignatureException');
    const [entry] = await admin.requests({ status: 403, limit: 1 });
    expect(entry).toMatchObject({ errorType: 'InvalidSignatureException', accessKeyId: CREDENTIALS.accessKeyId });
  });

  it('a key configured without a secret is accepted with any signature; a key with @account acts in that account', async () => {
    await clients(emu.url, { credentials: { accessKeyId: 'AKIANOSECRETCHECK', secretAccessKey: 'anything' } }).cp.send(new ListDomainsCommand({}));
    const b = clients(emu.url, { credentials: { accessKeyId: 'AKIATEAMB', secretAccessKey: 'team-b-secret' } });
    expect((await b.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('555566667777');
  });

  it('STS answers its own error codes in XML', async () => {
    const err = await failure(clients(emu.url, { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } }).sts.send(new GetCallerIdentityCommand({})));
    expect(err.name).toBe('InvalidClientTokenId');
    expect(err.$metadata.httpStatusCode).toBe(403);
    const bad = await failure(clients(emu.url).sts.send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'ok-name' })));
    expect(bad.name).toBe('ValidationError');
  });

  it('assumed-role sessions need their session token and expire', async () => {
    const out = await clients(emu.url).sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/profiles', RoleSessionName: 'expiry', DurationSeconds: 900 }),
    );
    const creds = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    expect((await clients(emu.url, { credentials: creds }).sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
    const forged = await failure(
      clients(emu.url, { credentials: { ...creds, sessionToken: 'forged' } }).cp.send(new ListDomainsCommand({})),
    );
    expect(forged.name).toBe('UnrecognizedClientException');
    clock += 901_000;
    try {
      const expired = await failure(clients(emu.url, { credentials: creds }).cp.send(new ListDomainsCommand({})));
      expect(expired.name).toBe('ExpiredTokenException');
    } finally {
      clock = Date.now();
    }
  });
});

describe('per-namespace role assumption (fromTemporaryCredentials, endpoints from the environment)', () => {
  it('each role lands its calls in the account of the role ARN', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_STS', emu.url);
    vi.stubEnv('AWS_ENDPOINT_URL_CUSTOMER_PROFILES', emu.url);
    const clientFor = (account: string, ns: string) =>
      new CustomerProfilesClient({
        region: REGION,
        maxAttempts: 1,
        credentials: fromTemporaryCredentials({
          masterCredentials: CREDENTIALS,
          params: { RoleArn: `arn:aws:iam::${account}:role/profiles`, RoleSessionName: `cpi-${ns}`, DurationSeconds: 900 },
          clientConfig: { region: REGION },
        }),
      });
    const a = clientFor('111111111111', 'team-a');
    const b = clientFor('222222222222', 'team-b');
    await a.send(new CreateDomainCommand({ DomainName: 'crm', DefaultExpirationDays: 7 }));
    expect((await a.send(new GetDomainCommand({ DomainName: 'crm' }))).DefaultExpirationDays).toBe(7);
    expect((await failure(b.send(new GetDomainCommand({ DomainName: 'crm' })))).name).toBe('ResourceNotFoundException');
    await b.send(new CreateDomainCommand({ DomainName: 'crm', DefaultExpirationDays: 9 }));

    const state = await admin.state();
    expect(state.accounts['111111111111']![REGION]!.Domains.crm!.DefaultExpirationDays).toBe(7);
    expect(state.accounts['222222222222']![REGION]!.Domains.crm!.DefaultExpirationDays).toBe(9);
    const assumes = await admin.requests({ operation: 'AssumeRole' });
    expect(assumes.filter((e) => String((e.body as any).RoleArn).includes('111111111111'))).toHaveLength(1); // cached
  });
});

describe('IRSA: AssumeRoleWithWebIdentity from a token file', () => {
  it('is unsigned even with --require-auth, and its credentials act in the role account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpi-irsa-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.e30.sig');
    vi.stubEnv('AWS_ENDPOINT_URL_STS', emu.url);
    const cp = new CustomerProfilesClient({
      region: REGION,
      endpoint: emu.url,
      maxAttempts: 1,
      credentials: fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn: 'arn:aws:iam::333344445555:role/irsa', roleSessionName: 'pod', clientConfig: { region: REGION } }),
    });
    await cp.send(new CreateDomainCommand({ DomainName: 'irsa', DefaultExpirationDays: 3 }));
    const state = await admin.state();
    expect(state.accounts['333344445555']![REGION]!.Domains.irsa).toBeDefined();
    const [call] = await admin.requests({ operation: 'AssumeRoleWithWebIdentity', limit: 1 });
    expect(call).toMatchObject({ status: 200, body: { RoleArn: 'arn:aws:iam::333344445555:role/irsa', WebIdentityToken: '***' } });
    expect(call!.accessKeyId).toBeUndefined();
  });
});
