// `cpi run`: the controller. Flags and their environment variables are a contract that users'
// manifests and scripts rely on; keep names stable and document every one in --help.
import { existsSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { CliError, type CommandIO } from '../io.ts';
import { parseDuration, parseFlags, parsePositiveInt, parsePositiveNumber } from '../flags.ts';
import { packageVersion } from '../version.ts';
import { loadKubeConfig, SERVICE_ACCOUNT_DIR } from '../../kube/kubeconfig.ts';

const SA_DIR = SERVICE_ACCOUNT_DIR;

interface FlagDoc {
  name: string;
  env: string;
  type: 'string' | 'boolean';
  default?: string;
  help: string;
}

/** A flag; its environment variable is CPI_ and the name in capitals, unless `env` says otherwise. */
function flag(name: string, help: string, o: { default?: string; type?: 'boolean'; env?: string } = {}): FlagDoc {
  const env = o.env ?? `CPI_${name.toUpperCase().replaceAll('-', '_')}`;
  return { name, env, type: o.type ?? 'string', ...(o.default !== undefined ? { default: o.default } : {}), help };
}

const flags: FlagDoc[] = [
  flag('kubeconfig', 'kubeconfig file; else $KUBECONFIG, else the in-cluster ServiceAccount', { env: 'KUBECONFIG' }),
  flag('namespace', 'watch only this namespace (default: all namespaces)'),
  flag('region', 'AWS region for resources without spec.region (default: $AWS_REGION, then $AWS_DEFAULT_REGION)'),
  flag('concurrency', 'reconcile workers', { default: '4' }),
  flag('poll-interval', 'drift-check period (e.g. 30s, 10m); per resource: annotation customerprofiles.gitops.dev/poll-interval', { default: '10m' }),
  flag('put-tps', 'PutIntegration/DeleteIntegration calls per second per account and region (AWS default quota: 1)', { default: '1' }),
  flag('read-tps', 'GetIntegration/ListIntegrations calls per second per account and region (AWS default quota: 5)', { default: '5' }),
  flag('tag-tps', 'TagResource/UntagResource calls per second per account and region (AWS default quota: 5)', { default: '5' }),
  flag('log-level', 'trace, debug, info, warn, error or silent', { default: 'info' }),
  flag('leader-elect', 'elect a leader with a coordination.k8s.io Lease, so only one replica reconciles', { default: 'false', type: 'boolean' }),
  flag('leader-election-namespace', 'namespace of the Lease (default: the pod\'s namespace, else cpi-system)'),
  flag('leader-election-id', 'name of the Lease', { default: 'cpi-controller' }),
  flag('lease-duration', 'how long a standby waits before taking over an unrenewed lease', { default: '15s' }),
  flag('renew-deadline', 'how long the leader keeps trying to renew before it gives up', { default: '10s' }),
  flag('retry-period', 'how often to try to acquire or renew the lease', { default: '2s' }),
  flag('metrics-addr', 'Prometheus /metrics listen address ("0" disables)', { default: ':8080' }),
  flag('health-addr', '/healthz and /readyz listen address ("0" disables)', { default: ':8081' }),
  flag('watch-unhealthy-after', 'how long the watch may keep failing before /healthz fails (the kubelet then restarts the pod)', { default: '60s' }),
  flag('shutdown-timeout', 'how long in-flight reconciles may finish after SIGTERM', { default: '20s' }),
];

export function help(): string {
  const rows = flags.map((f) => {
    const left = `  --${f.name}${f.type === 'string' ? ' VALUE' : ''}`;
    const dflt = f.default !== undefined ? ` (default ${f.default})` : '';
    return `${left.padEnd(38)} ${f.help}${dflt}\n${''.padEnd(39)}env: ${f.env}`;
  });
  return [
    'Usage: cpi run [flags]',
    '',
    'Runs the controller: watches CustomerProfilesIntegration resources and converges',
    'Amazon Connect Customer Profiles integrations to them (PutIntegration).',
    '',
    'Flags (each also read from the environment variable shown; a flag wins):',
    ...rows,
    `${'  --help'.padEnd(38)} show this help`,
    '',
    'AWS credentials, region and endpoints come from the standard AWS SDK environment:',
    '  AWS_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE,',
    '  AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (IRSA), EKS Pod Identity, instance metadata,',
    '  AWS_ENDPOINT_URL_CUSTOMER_PROFILES and AWS_ENDPOINT_URL_STS (e.g. `cpi emulator`).',
    'A Namespace annotated customerprofiles.gitops.dev/role-arn=ARN makes the controller assume',
    'that role (sts:AssumeRole) for the resources in it.',
  ].join('\n');
}

type Values = Record<string, string | boolean | undefined>;

function fromEnv(values: Values, env: NodeJS.ProcessEnv): Values {
  const out: Values = { ...values };
  for (const f of flags) {
    if (out[f.name] !== undefined || f.name === 'kubeconfig') continue;
    const v = env[f.env];
    if (v === undefined || v === '') continue;
    if (f.type === 'boolean') {
      if (!/^(true|false|1|0)$/i.test(v)) throw new CliError(`${f.env}: "${v}" must be true or false`);
      out[f.name] = /^(true|1)$/i.test(v);
    } else out[f.name] = v;
  }
  for (const f of flags) if (out[f.name] === undefined && f.default !== undefined) out[f.name] = f.type === 'boolean' ? f.default === 'true' : f.default;
  return out;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const options = Object.fromEntries(
    flags.map((f) => [f.name, { type: f.type }] as const),
  ) as Record<string, { type: 'string' | 'boolean' }>;
  const { values: raw } = parseFlags(argv, { ...options, help: { type: 'boolean', short: 'h' } });
  if (raw.help) {
    io.out(help());
    return 0;
  }
  const v = fromEnv(raw as Values, process.env);
  const str = (name: string) => v[name] as string | undefined;

  const region = str('region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new CliError('no AWS region: pass --region, or set AWS_REGION');
  const logLevel = str('log-level')!;
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new CliError(`--log-level: "${logLevel}" is not one of trace, debug, info, warn, error, silent`);
  }
  const inClusterNs = existsSync(`${SA_DIR}/namespace`) ? readFileSync(`${SA_DIR}/namespace`, 'utf8').trim() : undefined;
  const config = {
    kubeConfig: loadKubeConfig(str('kubeconfig')),
    namespace: str('namespace'),
    region,
    concurrency: parsePositiveInt(str('concurrency')!, '--concurrency'),
    pollIntervalMs: parseDuration(str('poll-interval')!, '--poll-interval'),
    putTps: parsePositiveNumber(str('put-tps')!, '--put-tps'),
    readTps: parsePositiveNumber(str('read-tps')!, '--read-tps'),
    tagTps: parsePositiveNumber(str('tag-tps')!, '--tag-tps'),
    leaderElect: v['leader-elect'] === true,
    leaderElectionNamespace: str('leader-election-namespace') || inClusterNs || 'cpi-system',
    leaderElectionId: str('leader-election-id')!,
    leaseDurationMs: parseDuration(str('lease-duration')!, '--lease-duration'),
    renewDeadlineMs: parseDuration(str('renew-deadline')!, '--renew-deadline'),
    retryPeriodMs: parseDuration(str('retry-period')!, '--retry-period'),
    metricsAddr: str('metrics-addr')!,
    healthAddr: str('health-addr')!,
    shutdownTimeoutMs: parseDuration(str('shutdown-timeout')!, '--shutdown-timeout'),
    watchUnhealthyAfterMs: parseDuration(str('watch-unhealthy-after')!, '--watch-unhealthy-after'),
  };
  if (config.pollIntervalMs < 1000) throw new CliError('--poll-interval: must be at least 1s');
  if (config.renewDeadlineMs >= config.leaseDurationMs) throw new CliError('--renew-deadline must be shorter than --lease-duration');

  const log = pino({ level: logLevel, base: { component: 'cpi-controller' }, redact: { paths: ['*.authorization', '*.token', '*.secretAccessKey', '*.sessionToken'], censor: '[redacted]' } });
  const { Manager } = await import('../../controller/manager.ts');
  const manager = new Manager({ ...config, version: packageVersion(), log });
  const onSignal = (sig: string) => {
    log.info({ signal: sig }, 'shutting down');
    manager.stop();
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  return manager.run();
}
