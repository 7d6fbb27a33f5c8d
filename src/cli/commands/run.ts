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

const flags: FlagDoc[] = [
  { name: 'kubeconfig', env: 'KUBECONFIG', type: 'string', help: 'kubeconfig file; else $KUBECONFIG, else the in-cluster ServiceAccount' },
  { name: 'namespace', env: 'CPI_NAMESPACE', type: 'string', help: 'watch only this namespace (default: all namespaces)' },
  { name: 'region', env: 'CPI_REGION', type: 'string', help: 'AWS region for resources without spec.region (default: $AWS_REGION, then $AWS_DEFAULT_REGION)' },
  { name: 'concurrency', env: 'CPI_CONCURRENCY', type: 'string', default: '4', help: 'reconcile workers' },
  { name: 'poll-interval', env: 'CPI_POLL_INTERVAL', type: 'string', default: '10m', help: 'drift-check period (e.g. 30s, 10m); per resource: annotation customerprofiles.gitops.dev/poll-interval' },
  { name: 'put-tps', env: 'CPI_PUT_TPS', type: 'string', default: '1', help: 'PutIntegration/DeleteIntegration calls per second per account and region (AWS default quota: 1)' },
  { name: 'read-tps', env: 'CPI_READ_TPS', type: 'string', default: '5', help: 'GetIntegration/ListIntegrations calls per second per account and region (AWS default quota: 5)' },
  { name: 'tag-tps', env: 'CPI_TAG_TPS', type: 'string', default: '5', help: 'TagResource/UntagResource calls per second per account and region (AWS default quota: 5)' },
  { name: 'log-level', env: 'CPI_LOG_LEVEL', type: 'string', default: 'info', help: 'trace, debug, info, warn, error or silent' },
  { name: 'leader-elect', env: 'CPI_LEADER_ELECT', type: 'boolean', default: 'false', help: 'elect a leader with a coordination.k8s.io Lease, so only one replica reconciles' },
  { name: 'leader-election-namespace', env: 'CPI_LEADER_ELECTION_NAMESPACE', type: 'string', help: 'namespace of the Lease (default: the pod\'s namespace, else cpi-system)' },
  { name: 'leader-election-id', env: 'CPI_LEADER_ELECTION_ID', type: 'string', default: 'cpi-controller', help: 'name of the Lease' },
  { name: 'lease-duration', env: 'CPI_LEASE_DURATION', type: 'string', default: '15s', help: 'how long a standby waits before taking over an unrenewed lease' },
  { name: 'renew-deadline', env: 'CPI_RENEW_DEADLINE', type: 'string', default: '10s', help: 'how long the leader keeps trying to renew before it gives up' },
  { name: 'retry-period', env: 'CPI_RETRY_PERIOD', type: 'string', default: '2s', help: 'how often to try to acquire or renew the lease' },
  { name: 'metrics-addr', env: 'CPI_METRICS_ADDR', type: 'string', default: ':8080', help: 'Prometheus /metrics listen address ("0" disables)' },
  { name: 'health-addr', env: 'CPI_HEALTH_ADDR', type: 'string', default: ':8081', help: '/healthz and /readyz listen address ("0" disables)' },
  { name: 'watch-unhealthy-after', env: 'CPI_WATCH_UNHEALTHY_AFTER', type: 'string', default: '60s', help: 'how long the watch may keep failing before /healthz fails (the kubelet then restarts the pod)' },
  { name: 'shutdown-timeout', env: 'CPI_SHUTDOWN_TIMEOUT', type: 'string', default: '20s', help: 'how long in-flight reconciles may finish after SIGTERM' },
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
