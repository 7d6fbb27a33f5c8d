// `cpi emulator` as a real process: help, flag errors, the listening line, SIGTERM, flags that
// reach the server, and --state persistence across restarts (including a SIGKILL).
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDomainCommand,
  GetDomainCommand,
  GetIntegrationCommand,
  ListTagsForResourceCommand,
  PutIntegrationCommand,
} from '@aws-sdk/client-customer-profiles';
import { DescribeFlowCommand } from '@aws-sdk/client-appflow';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EmulatorAdmin } from '../../src/emulator/admin-client.ts';
import { runCpi as runCli } from '../support/cpi.ts';
import { type EmulatorProcess, clients, failure, salesforceFlow, spawnEmulator, waitFor } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'cpi-emulator-'));
const running: EmulatorProcess[] = [];
async function start(args: string[] = []): Promise<EmulatorProcess> {
  const p = await spawnEmulator(args);
  running.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

describe('cpi emulator (process)', () => {
  it('--help documents every flag and exits 0', async () => {
    const { code, stdout } = await runCli(['emulator', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--host',
      '--port',
      '--region',
      '--account',
      '--no-quotas',
      '--quota',
      '--state',
      '--require-auth',
      '--access-key',
      '--error-rate',
      '--latency',
      '--fail-next',
      '--max-integrations-per-domain',
      '--log-limit',
      '--semantics',
      '--verbose',
    ]) {
      expect(stdout).toContain(flag);
    }
    for (const name of ['flow-resend', 'put-omitted', 'delete-flow', 'workflow-id', 'last-updated-after-put', 'object-type-check', 'past-start-time']) {
      expect(stdout).toContain(`${name}=`);
    }
    expect(stdout).toMatch(/default 127\.0\.0\.1/);
  });

  it('bad flags get a clear message naming the flag, exit 1, no stack trace', async () => {
    for (const [args, pattern] of [
      [['--port', 'abc'], /--port: "abc"/],
      [['--account', '12'], /--account: "12" must be a 12-digit/],
      [['--region', 'mars'], /--region: "mars"/],
      [['--quota', 'Nope=1'], /--quota: "Nope" has no quota/],
      [['--error-rate', 'PutIntegration=3'], /--error-rate PutIntegration=3: the rate must be between 0 and 1/],
      [['--latency', 'soon'], /--latency: "soon" is not a duration/],
      [['--fail-next', 'Bogus=1'], /--fail-next: unknown operation "Bogus"/],
      [['--semantics', 'flow-resend=maybe'], /--semantics flow-resend=maybe: flow-resend must be accept or reject, not "maybe"/],
      [['--semantics', 'flow-redo=reject'], /--semantics flow-redo=reject: unknown switch "flow-redo"; the switches are flow-resend, put-omitted/],
      [['--semantics', 'flow-resend'], /--semantics: "flow-resend" is not NAME=VALUE/],
      [['--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const { code, stderr } = await runCli(['emulator', ...args]);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr).toMatch(pattern);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('listens on 127.0.0.1, prints the env lines, serves the SDK, and exits 0 on SIGTERM', async () => {
    const p = await start(['--account', '444455556666', '--region', 'eu-central-1']);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // the env lines follow the listening line, possibly in a later chunk of the pipe
    await waitFor(() => p.stdout().includes('export AWS_ACCESS_KEY_ID'), 'the env lines');
    expect(p.stdout()).toContain(`export AWS_ENDPOINT_URL_CUSTOMER_PROFILES=${p.url}`);
    expect(p.stdout()).toContain(`export AWS_ENDPOINT_URL_STS=${p.url}`);
    // unsigned-region default and the account flag
    const id = await clients(p.url).sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('444455556666');
    expect(await p.stop()).toBe(0);
    expect(p.stderr()).toContain('emulator stopped');
  });

  it('flags reach the server: --quota, --no-quotas, --fail-next, --error-rate, --latency, --require-auth', async () => {
    const p = await start([
      '--quota',
      'PutIntegration=0',
      '--fail-next',
      'GetDomain=1:AccessDeniedException',
      '--error-rate',
      'ListDomains=0.25:429',
      '--latency',
      'GetIntegration=20ms',
      '--require-auth',
      '--access-key',
      'AKIACLITEST:cli-secret@777788889999',
    ]);
    const admin = new EmulatorAdmin(p.url);
    const faults = await admin.faults();
    expect(faults.errorRates).toEqual({ ListDomains: { rate: 0.25, status: 429 } });
    expect(faults.latencyMs).toEqual({ GetIntegration: 20 });
    const c = clients(p.url, { credentials: { accessKeyId: 'AKIACLITEST', secretAccessKey: 'cli-secret' } });
    await c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 }));
    expect((await failure(c.cp.send(new GetDomainCommand({ DomainName: 'retail' })))).name).toBe('AccessDeniedException');
    expect((await c.cp.send(new GetDomainCommand({ DomainName: 'retail' }))).DomainName).toBe('retail');
    expect((await failure(c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'u', ObjectTypeName: 'T' })))).name).toBe('ThrottlingException');
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('777788889999');
    expect((await failure(clients(p.url).cp.send(new GetDomainCommand({ DomainName: 'retail' })))).name).toBe('UnrecognizedClientException');
    await p.stop();

    const free = await start(['--no-quotas']);
    const fc = clients(free.url);
    await fc.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 }));
    for (let i = 0; i < 10; i++) await fc.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: 'u', ObjectTypeName: 'T' }));
    expect((await new EmulatorAdmin(free.url).counters()).PutIntegration).toEqual({ '200': 10 });
    await free.stop();
  });
});

describe('--semantics', () => {
  it('reaches the server: the admin API shows it, stderr names the switches changed, the SDK sees the behaviour', async () => {
    const p = await start(['--no-quotas', '--semantics', 'flow-resend=reject', '--semantics', 'object-type-check=on']);
    const admin = new EmulatorAdmin(p.url);
    expect(await admin.semantics()).toMatchObject({ 'flow-resend': 'reject', 'object-type-check': 'on', 'put-omitted': 'replace' });
    await waitFor(() => p.stderr().includes('emulator semantics:'), 'the semantics line');
    expect(p.stderr()).toContain('emulator semantics: flow-resend=reject object-type-check=on');

    const c = clients(p.url);
    await c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 1 }));
    const unknownType = await failure(c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') })));
    expect(unknownType.message).toBe('Object type Account does not exist in domain retail.');
    await admin.createObjectTypes('retail', ['Account']);
    await c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') }));
    const resent = await failure(c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') })));
    expect(resent.message).toBe('Flow with name sf already exists.');
    expect(await p.stop()).toBe(0);

    // the defaults print no semantics line
    const plain = await start([]);
    await waitFor(() => plain.stdout().includes('export AWS_ACCESS_KEY_ID'), 'the env lines');
    expect(plain.stderr()).not.toContain('emulator semantics');
    await plain.stop();
  });
});

describe('--state persistence', () => {
  it('state survives a clean restart and a SIGKILL; writes leave no temporary files', async () => {
    const file = join(dir, 'state.json');
    const uri = 'arn:aws:connect:us-east-1:123456789012:instance/x';
    let p = await start(['--state', file, '--no-quotas']);
    let c = clients(p.url);
    await c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 }));
    const put = await c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: uri, ObjectTypeName: 'CTR', Tags: { team: 'crm' } }));
    const flow = await c.cp.send(
      new PutIntegrationCommand({
        DomainName: 'retail',
        ObjectTypeName: 'Acct',
        FlowDefinition: {
          FlowName: 'persisted-flow',
          KmsArn: 'arn:aws:kms:us-east-1:123456789012:key/abcd',
          SourceFlowConfig: { ConnectorType: 'S3', SourceConnectorProperties: { S3: { BucketName: 'bucket' } } },
          Tasks: [{ TaskType: 'Map', SourceFields: ['a'] }],
          TriggerConfig: { TriggerType: 'OnDemand' },
        },
      }),
    );
    expect(await p.stop()).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    p = await start(['--state', file, '--no-quotas']);
    c = clients(p.url);
    const got = await c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: uri }));
    expect(got.CreatedAt!.getTime()).toBe(put.CreatedAt!.getTime());
    expect(got.ObjectTypeName).toBe('CTR');
    const arn = `arn:aws:profile:us-east-1:123456789012:domains/retail/integrations/${uri}`;
    expect((await c.cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ team: 'crm' });
    expect((await c.appflow.send(new DescribeFlowCommand({ flowName: 'persisted-flow' }))).flowArn).toBe(flow.Uri);

    // A write, then SIGKILL: the write was on disk before the answer.
    await c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', Uri: uri, ObjectTypeName: 'AfterKill' }));
    p.proc.kill('SIGKILL');
    await p.stop();
    p = await start(['--state', file]);
    expect((await clients(p.url).cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: uri }))).ObjectTypeName).toBe('AfterKill');
    await p.stop();
  });

  it('a corrupt or foreign state file gets a clear error and is left untouched', async () => {
    for (const [name, content, pattern] of [
      ['corrupt.json', '{"version": 1, "accounts": {', /not valid JSON/],
      ['foreign.json', '{"version": 7, "hello": "world"}', /not emulator state \("version" is 7, expected 1\)/],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const before = statSync(file).mtimeMs;
      const { code, stderr } = await runCli(['emulator', '--port', '0', '--state', file]);
      expect(code).toBe(1);
      expect(stderr).toContain(`--state ${file}`);
      expect(stderr).toMatch(pattern);
      expect(stderr).toMatch(/left untouched/);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(statSync(file).mtimeMs).toBe(before);
    }
    // a missing file is an empty start, and is created on the first write
    const fresh = join(dir, 'fresh.json');
    const p = await start(['--state', fresh]);
    expect(existsSync(fresh)).toBe(false);
    await clients(p.url).cp.send(new CreateDomainCommand({ DomainName: 'd', DefaultExpirationDays: 1 }));
    expect(existsSync(fresh)).toBe(true);
    await p.stop();
  });
});
