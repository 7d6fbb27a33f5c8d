// Shared setup for the contract tests: a running emulator (in-process or as a real `cpi emulator`
// process) and the real AWS SDK clients pointed at it.
import { CustomerProfilesClient, type PutIntegrationCommandInput } from '@aws-sdk/client-customer-profiles';
import { STSClient } from '@aws-sdk/client-sts';
import { AppflowClient } from '@aws-sdk/client-appflow';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator as startInProcess } from '../../src/emulator/server.ts';
import { EmulatorAdmin } from '../../src/emulator/admin-client.ts';
import { ACCOUNT, REGION } from '../support/aws.ts';
import { startEmulator, type EmulatorProcess as CpiEmulator } from '../support/cpi.ts';
import { waitFor as waitUntil } from '../support/wait.ts';

export { ACCOUNT, REGION };
export const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** An in-process emulator that also checks each of its answers against the model's output shapes. */
export function emulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startInProcess({ port: 0, checkResponses: true, ...opts });
}

type ClientOpts = { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } };

/** An in-process emulator without quotas, its admin client and SDK clients: a contract file's usual start. */
export async function emulatorWithClients(): Promise<{ emu: RunningEmulator; admin: EmulatorAdmin; c: ReturnType<typeof clients> }> {
  const emu = await emulator({ quotas: false });
  return { emu, admin: new EmulatorAdmin(emu.url), c: clients(emu.url) };
}

export interface SharedEmulator {
  emu: RunningEmulator;
  admin: EmulatorAdmin;
  c: ReturnType<typeof clients>;
}

/**
 * The usual hooks of a contract file: one in-process emulator without quotas for the whole file,
 * reset before each test and then prepared by `each`. The fields are set once beforeAll has run.
 */
export function sharedEmulator(each?: (t: SharedEmulator) => Promise<unknown>): SharedEmulator {
  const t = {} as SharedEmulator;
  beforeAll(async () => {
    Object.assign(t, await emulatorWithClients());
  });
  afterAll(async () => {
    await t.emu?.close();
  });
  beforeEach(async () => {
    await t.admin.reset();
    await each?.(t);
  });
  return t;
}

/** SDK clients with one attempt each, so every error reaches the test as sent. */
export function clients(url: string | undefined, opts: ClientOpts = {}) {
  const base = {
    region: opts.region ?? REGION,
    credentials: opts.credentials ?? CREDENTIALS,
    maxAttempts: 1,
    ...(url ? { endpoint: url } : {}),
  };
  return {
    cp: new CustomerProfilesClient(base),
    sts: new STSClient(base),
    appflow: new AppflowClient(base),
  };
}

/** Runs a promise that must reject, and returns the error. */
export async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Polls until `check` returns a truthy value; an error from `check` fails the wait at once. */
export const waitFor = <T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> =>
  waitUntil(async () => (await check()) || undefined, { what, timeoutMs, intervalMs: 25, abortOnError: true });

export interface EmulatorProcess extends CpiEmulator {
  /** Everything the process wrote to stdout, and to stderr, so far. */
  stdout: () => string;
  stderr: () => string;
}

/** Spawns `cpi emulator --port 0 ...args` and waits for its "listening on" line. */
export async function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const text = { stdout: '', stderr: '' };
  const p = await startEmulator(args, { onLine: (line, stream) => (text[stream] += `${line}\n`) });
  return Object.assign(p, { stdout: () => text.stdout, stderr: () => text.stderr });
}

type FlowDefinition = NonNullable<PutIntegrationCommandInput['FlowDefinition']>;

/** A Salesforce FlowDefinition; scheduled (hourly from `start`) unless `start` is null (on demand). */
export function salesforceFlow(flowName: string, start: Date | null = new Date(Date.now() + 3_600_000)): FlowDefinition {
  return {
    FlowName: flowName,
    KmsArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    SourceFlowConfig: {
      ConnectorType: 'Salesforce',
      ConnectorProfileName: 'sf-prod',
      SourceConnectorProperties: { Salesforce: { Object: 'Account' } },
    },
    Tasks: [{ TaskType: 'Filter', SourceFields: ['Name'], ConnectorOperator: { Salesforce: 'PROJECTION' } }],
    TriggerConfig: start
      ? { TriggerType: 'Scheduled', TriggerProperties: { Scheduled: { ScheduleExpression: 'rate(1hours)', ScheduleStartTime: start } } }
      : { TriggerType: 'OnDemand' },
  };
}
