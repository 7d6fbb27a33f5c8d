// `cpi emulator`: the Customer Profiles API (plus STS and AppFlow DescribeFlow, UpdateFlow and DeleteFlow) on localhost,
// in the foreground until SIGTERM/SIGINT. See docs/emulator.md.
import type { AccessKey } from '../../emulator/auth.ts';
import type { ErrorRate, FaultSettings } from '../../emulator/faults.ts';
import { operations } from '../../emulator/model.generated.ts';
import { StateFileError } from '../../emulator/persistence.ts';
import { DEFAULT_TPS } from '../../emulator/quotas.ts';
import { SWITCHES, SWITCH_NAMES, type Semantics, defaultSemantics, describeNonDefault, semanticsProblem } from '../../emulator/semantics.ts';
import { type EmulatorOptions, startEmulator } from '../../emulator/server.ts';
import { parseDuration, parseFlags, parsePositiveInt } from '../flags.ts';
import { CliError, type CommandIO } from '../io.ts';

const DEFAULT_PORT = 4566;
const FAULT_OPERATIONS = [...Object.keys(operations), 'GetCallerIdentity', 'AssumeRole', 'AssumeRoleWithWebIdentity', 'DescribeFlow', 'UpdateFlow', 'DeleteFlow'];

export const HELP = `Usage: cpi emulator [flags]

Runs the Amazon Connect Customer Profiles API on this machine, faithful enough to test against:
the model's routes and validation, AWS's error format, default quotas, fault injection, and an
admin API under /_emulator/. STS (GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity) and
AppFlow (DescribeFlow, UpdateFlow, DeleteFlow) are served on the same port. Point the AWS SDK or
CLI at it with the env lines it prints. --semantics answers the API's open points either way.

Flags:
  --host HOST              interface to bind (default 127.0.0.1; 0.0.0.0 to reach it from kind)
  --port PORT              port to listen on; 0 picks a free one (default ${DEFAULT_PORT})
  --region REGION          region for unsigned requests (signed ones use their own) (default us-east-1)
  --account ID             12-digit account for callers without an assumed role (default 123456789012)
  --no-quotas              turn AWS's per-operation TPS quotas off (they are on by default)
  --quota OP=TPS           change one operation's quota, e.g. PutIntegration=10 (repeatable; 0 throttles all)
  --state FILE             keep state in FILE across restarts (atomic writes); default: memory only
  --require-auth           require a well-formed SigV4 Authorization header with a known access key
  --access-key KEY[:SECRET][@ACCOUNT]
                           an accepted access key (repeatable). With SECRET, signatures are verified;
                           with ACCOUNT, the key's calls land in that account. Default keys:
                           AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and test:test
  --error-rate OP=RATE[:STATUS]
                           fail RATE (0..1) of OP's calls with 500 InternalServerException (default)
                           or 429 ThrottlingException; OP may be * for every operation (repeatable)
  --latency [OP=]DURATION  add latency to every call, or to OP's calls, e.g. 200ms or PutIntegration=1s
  --fail-next OP=N[:ERRORTYPE]
                           fail the next N calls of OP with ERRORTYPE (default InternalServerException)
  --max-integrations-per-domain N
                           the per-domain integration limit (default 50, as AWS)
  --log-limit N            request log entries kept for /_emulator/requests (default 10000)
  --semantics NAME=VALUE   answer one of the API's open points another way (repeatable; the first
                           value is the default; see docs/aws-behaviour.md):
${SWITCH_NAMES.map((n) => `                             ${n}=${SWITCHES[n].join('|')}`).join('\n')}
  --verbose                print one line per API request to stderr
  -h, --help               show this help

Operations for OP: ${FAULT_OPERATIONS.join(', ')}.
Quota defaults (TPS, per account and region): ${Object.entries(DEFAULT_TPS)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')}.`;

const flagSpec = {
  host: { type: 'string' },
  port: { type: 'string' },
  region: { type: 'string' },
  account: { type: 'string' },
  'no-quotas': { type: 'boolean' },
  quota: { type: 'string', multiple: true },
  state: { type: 'string' },
  'require-auth': { type: 'boolean' },
  'access-key': { type: 'string', multiple: true },
  'error-rate': { type: 'string', multiple: true },
  latency: { type: 'string', multiple: true },
  'fail-next': { type: 'string', multiple: true },
  'max-integrations-per-domain': { type: 'string' },
  'log-limit': { type: 'string' },
  semantics: { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function splitPair(text: string, flag: string, example: string, form = 'OP=VALUE'): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new CliError(`${flag}: "${text}" is not ${form}, e.g. ${flag} ${example}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function checkOperation(op: string, flag: string, allowStar: boolean): string {
  if ((allowStar && op === '*') || FAULT_OPERATIONS.includes(op)) return op;
  throw new CliError(`${flag}: unknown operation "${op}"; use one of ${allowStar ? '*, ' : ''}${FAULT_OPERATIONS.join(', ')}`);
}

/** Turns the flags into EmulatorOptions; throws CliError naming the flag and the fix. */
export function optionsFromFlags(argv: string[]): { options: EmulatorOptions; help: boolean; verbose: boolean } {
  const { values: v } = parseFlags(argv, flagSpec);
  const options: EmulatorOptions = { host: v.host ?? '127.0.0.1', quotas: !v['no-quotas'], requireAuth: !!v['require-auth'] };
  if (v.port !== undefined) {
    const p = Number(v.port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new CliError(`--port: "${v.port}" must be a port number 0..65535 (0 picks a free port)`);
    options.port = p;
  } else options.port = DEFAULT_PORT;
  if (v.region !== undefined) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v.region)) throw new CliError(`--region: "${v.region}" is not an AWS region name such as us-east-1`);
    options.region = v.region;
  }
  if (v.account !== undefined) {
    if (!/^\d{12}$/.test(v.account)) throw new CliError(`--account: "${v.account}" must be a 12-digit AWS account id`);
    options.account = v.account;
  }
  if (v.quota?.length) {
    options.quotaOverrides = {};
    for (const q of v.quota) {
      const [op, tps] = splitPair(q, '--quota', 'PutIntegration=10');
      if (!(op in DEFAULT_TPS)) throw new CliError(`--quota: "${op}" has no quota; use one of ${Object.keys(DEFAULT_TPS).join(', ')}`);
      const n = Number(tps);
      if (!Number.isFinite(n) || n < 0) throw new CliError(`--quota ${q}: the TPS must be a number >= 0`);
      options.quotaOverrides[op] = n;
    }
  }
  if (v.state !== undefined) options.stateFile = v.state;
  if (v['access-key']?.length) {
    options.accessKeys = v['access-key'].map((spec): AccessKey => {
      const m = /^([^:@\s]+)(?::([^@\s]+))?(?:@(\d{12}))?$/.exec(spec);
      if (!m) throw new CliError(`--access-key: "${spec}" is not KEY[:SECRET][@ACCOUNT], e.g. AKIAEXAMPLE:secret@123456789012`);
      return { accessKeyId: m[1]!, ...(m[2] ? { secretAccessKey: m[2] } : {}), ...(m[3] ? { account: m[3] } : {}) };
    });
  }
  const faults: FaultSettings = { errorRates: {}, latencyMs: {}, failNext: {} };
  for (const spec of v['error-rate'] ?? []) {
    const [op, rest] = splitPair(spec, '--error-rate', 'PutIntegration=0.1:429');
    const [rateText, statusText = '500'] = rest.split(':');
    const rate = Number(rateText);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new CliError(`--error-rate ${spec}: the rate must be between 0 and 1`);
    if (statusText !== '500' && statusText !== '429') throw new CliError(`--error-rate ${spec}: the status must be 500 or 429`);
    faults.errorRates[checkOperation(op, '--error-rate', true)] = { rate, status: Number(statusText) as ErrorRate['status'] };
  }
  for (const spec of v.latency ?? []) {
    const eq = spec.indexOf('=');
    const op = eq < 0 ? '*' : checkOperation(spec.slice(0, eq), '--latency', true);
    faults.latencyMs[op] = parseDuration(eq < 0 ? spec : spec.slice(eq + 1), '--latency');
  }
  for (const spec of v['fail-next'] ?? []) {
    const [op, rest] = splitPair(spec, '--fail-next', 'PutIntegration=3:ThrottlingException');
    const [countText, errorType = 'InternalServerException'] = rest.split(':');
    const count = parsePositiveInt(countText ?? '', '--fail-next');
    if (!/^[A-Za-z]+$/.test(errorType)) throw new CliError(`--fail-next ${spec}: "${errorType}" is not an error type name`);
    const queue = (faults.failNext[checkOperation(op, '--fail-next', false)] ??= []);
    for (let i = 0; i < count; i++) queue.push(errorType);
  }
  options.faults = faults;
  if (v['max-integrations-per-domain'] !== undefined) {
    options.maxIntegrationsPerDomain = parsePositiveInt(v['max-integrations-per-domain'], '--max-integrations-per-domain');
  }
  if (v['log-limit'] !== undefined) options.requestLogLimit = parsePositiveInt(v['log-limit'], '--log-limit');
  if (v.semantics?.length) {
    const semantics: Record<string, string> = {};
    for (const spec of v.semantics) {
      const [name, value] = splitPair(spec, '--semantics', 'flow-resend=reject', 'NAME=VALUE');
      const problem = semanticsProblem(name, value);
      if (problem) throw new CliError(`--semantics ${spec}: ${problem}`);
      semantics[name] = value;
    }
    options.semantics = semantics as Partial<Semantics>;
  }
  return { options, help: !!v.help, verbose: !!v.verbose };
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { options, help, verbose } = optionsFromFlags(argv);
  if (help) {
    io.out(HELP);
    return 0;
  }
  if (verbose) {
    options.onRequest = (e) =>
      io.err(`${new Date(e.time).toISOString()} ${e.status} ${e.operation} ${e.method} ${e.path}${e.errorType ? ` ${e.errorType}` : ''} ${e.account}/${e.region}`);
  }
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    if (err instanceof StateFileError) throw new CliError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`--port: ${options.port} is already in use on ${options.host}; pick another or use --port 0`);
    if (code === 'EADDRNOTAVAIL') throw new CliError(`--host: ${options.host} is not an address of this machine`);
    throw err;
  }
  io.out(`emulator listening on ${emulator.url}`);
  const changed = describeNonDefault({ ...defaultSemantics(), ...options.semantics });
  if (changed.length) io.err(`emulator semantics: ${changed.join(' ')}`);
  io.out(`export AWS_ENDPOINT_URL_CUSTOMER_PROFILES=${emulator.url}`);
  io.out(`export AWS_ENDPOINT_URL_STS=${emulator.url}`);
  io.out(`export AWS_ENDPOINT_URL_APPFLOW=${emulator.url}`);
  io.out(`export AWS_REGION=${emulator.region}`);
  io.out('export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await emulator.close();
  io.err('emulator stopped');
  return 0;
}
