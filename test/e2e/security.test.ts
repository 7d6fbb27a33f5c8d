// Security checks (issue 8):
// 1. No credential or token appears in any log line at any level: the controller runs at
//    --log-level trace with known secret values (the AWS secret key and session token of its
//    environment, the ServiceAccount token of its kubeconfig, the session tokens STS hands out when
//    it assumes a namespace's role) through creates, updates, tag changes, AWS errors and deletes;
//    every line the controller and the emulator (--verbose) print is searched for each secret.
// 2. The emulator's --require-auth rejects a request without a signature or with a malformed one.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorProcess } from '../support/cpi.ts';
import type { Resources } from './harness/resources.ts';
import { controllerStack } from './harness/stack.ts';

const ACCESS_KEY = `AKIDSEC${randomBytes(6).toString('hex').toUpperCase()}`;
const SECRET_KEY = `secret/${randomBytes(18).toString('base64')}`;
const SESSION_TOKEN = `FwoGZXIvYXdzE${randomBytes(48).toString('base64')}`;
const ROLE = 'arn:aws:iam::210987654321:role/tenant';
const URI = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/5ec00000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The whole value, and a 16-character slice from its middle (a truncated token is still a leak). */
function needles(secret: string): string[] {
  const mid = Math.max(0, Math.floor(secret.length / 2) - 8);
  return secret.length > 24 ? [secret, secret.slice(mid, mid + 16)] : [secret];
}

describe('no credential in any log', () => {
  let tenant: Resources;
  let saToken: string;
  const controllerLines: string[] = [];
  const emulatorLines: string[] = [];
  // Two namespaces, one controller for both (the tenant's resources are written with a role
  // assumed through STS): a control plane of its own, so the controller sees no other file's resources.
  const stack = controllerStack('sec', {
    allNamespaces: true,
    domains: ['retail', { name: 'retail', account: '210987654321' }],
    emulatorArgs: ['--verbose', '--access-key', `${ACCESS_KEY}:${SECRET_KEY}`],
    emulatorOptions: { keepLines: 1_000_000, onLine: (l) => emulatorLines.push(l) },
    controllerArgs: ['--poll-interval', '2s'],
    controllerOptions: {
      logLevel: 'trace',
      keepLines: 1_000_000,
      onLine: (l) => controllerLines.push(l),
      env: { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN },
    },
    async beforeController(s) {
      const kc = parse(readFileSync(s.controllerKubeconfig, 'utf8')) as { users: Array<{ user: { token?: string } }> };
      saToken = kc.users[0]!.user.token!;
      expect(saToken.length).toBeGreaterThan(100);
      tenant = await s.namespace('sec-tenant', { roleArn: ROLE });
    },
  });

  it('logs no secret through a resource life, AWS errors and an assumed role', async () => {
    // Create, update, tags, an AWS 500 and a throttle on the way, a missing domain, a delete.
    await stack.emulator.admin.failNext('PutIntegration', 1, 'InternalServerException');
    await stack.emulator.admin.failNext('GetIntegration', 1, 'ThrottlingException');
    await stack.res.create('a', { domainName: 'retail', uri: URI(1), objectTypeName: 'CTR', tags: { team: 'crm' } });
    await stack.res.waitReady('a', 60_000);
    await stack.res.patchSpec('a', { objectTypeName: 'CTR2', tags: { team: null, env: 'prod' } });
    await stack.res.waitReady('a', 60_000);
    await stack.res.create('nodomain', { domainName: 'missing', uri: URI(2), objectTypeName: 'CTR' });
    await stack.res.waitForCondition('nodomain', 'Synced', 'False', { reason: 'DomainNotFound', timeoutMs: 60_000 });
    await tenant.create('t', { domainName: 'retail', uri: URI(3), objectTypeName: 'CTR' });
    await tenant.waitReady('t', 60_000);
    await stack.res.delete('a');
    await stack.res.waitGone('a', 60_000);

    // The secrets STS issued for the assumed role are secrets too.
    const sessions = Object.values((await stack.emulator.admin.state()).sessions);
    expect(sessions.length).toBeGreaterThan(0);
    const secrets: Record<string, string> = {
      'AWS secret key': SECRET_KEY,
      'AWS session token': SESSION_TOKEN,
      'ServiceAccount token': saToken,
      ...Object.fromEntries(sessions.map((s, i) => [`assumed session token ${i}`, s.SessionToken])),
    };

    // The logs are there, below info too (the controller has no trace-level lines; debug ones,
    // one per reconcile, are the lowest it writes), so finding nothing means something.
    expect(controllerLines.filter((l) => /"level":(10|20)\b/.test(l)).length).toBeGreaterThan(3);
    expect(controllerLines.some((l) => l.includes('PutIntegration'))).toBe(true);
    expect(emulatorLines.some((l) => l.includes('PutIntegration'))).toBe(true);
    const leaks: string[] = [];
    for (const [who, lines] of [['controller', controllerLines], ['emulator', emulatorLines]] as const) {
      for (const [what, secret] of Object.entries(secrets)) {
        for (const needle of needles(secret)) {
          const line = lines.find((l) => l.includes(needle));
          if (line) leaks.push(`${who} logged the ${what}: ${line.slice(0, 300)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // The controller really called AWS with the credentials whose secrets we searched for.
    expect((await stack.emulator.admin.requests()).some((r) => r.accessKeyId === ACCESS_KEY && r.status === 200)).toBe(true);
  });
});

describe('emulator --require-auth', () => {
  let emulator: EmulatorProcess;
  beforeAll(async () => {
    emulator = await startEmulator(['--require-auth']);
    await emulator.admin.createDomain('retail');
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  const list = (headers: Record<string, string>) => fetch(`${emulator.url}/domains/retail/integrations`, { headers });

  it('rejects a request without an Authorization header', async () => {
    const r = await list({});
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it.each([
    ['garbage', 'garbage'],
    ['a scheme without credential', 'AWS4-HMAC-SHA256'],
    ['no signature', 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-1/profile/aws4_request, SignedHeaders=host;x-amz-date'],
  ])('rejects a malformed signature (%s)', async (_name, authorization) => {
    const r = await list({ authorization, 'x-amz-date': '20261130T000000Z' });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-errortype')).toMatch(/IncompleteSignature|InvalidSignature|UnrecognizedClient|MissingAuthenticationToken/);
  });

  it('rejects a well-formed signature that is wrong', async () => {
    const authorization = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-1/profile/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    const r = await list({ authorization, 'x-amz-date': '20261130T000000Z' });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-errortype')).toMatch(/InvalidSignature|SignatureDoesNotMatch/);
  });

  it('accepts a real signature (so the rejections above are about the signature)', async () => {
    const { CustomerProfilesClient, ListIntegrationsCommand } = await import('@aws-sdk/client-customer-profiles');
    const client = new CustomerProfilesClient({
      endpoint: emulator.url, region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    const out = await client.send(new ListIntegrationsCommand({ DomainName: 'retail' }));
    expect(out.Items ?? []).toEqual([]);
    client.destroy();
  });
});
