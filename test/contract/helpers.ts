// Shared setup for the contract tests: a running emulator (in-process or as a real `cpi emulator`
// process) and the real AWS SDK clients pointed at it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CustomerProfilesClient, type PutIntegrationCommandInput } from '@aws-sdk/client-customer-profiles';
import { STSClient } from '@aws-sdk/client-sts';
import { AppflowClient } from '@aws-sdk/client-appflow';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const CLI = fileURLToPath(new URL('../../bin/cpi.js', import.meta.url));
/** Node 24 from the project, not the system's node 20. */
export const NODE = process.execPath;

/** An in-process emulator that also checks each of its answers against the model's output shapes. */
export function emulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, checkResponses: true, ...opts });
}

type ClientOpts = { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } };

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

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface EmulatorProcess {
  url: string;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `node bin/cpi.js emulator --port 0 ...args` and waits for its "listening on" line. */
export async function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const proc = spawn(NODE, [CLI, 'emulator', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  // 'close', not 'exit': only then has all of stdout/stderr been read.
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  const url = await Promise.race([
    waitFor(() => /emulator listening on (http:\/\/\S+)/.exec(out)?.[1] ?? '', 'the emulator to listen', 20_000),
    exited.then((code): string => {
      throw new Error(`emulator exited with ${code} before listening: ${err}`);
    }),
  ]);
  return {
    url,
    proc,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs `node bin/cpi.js ...args` to completion. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
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
