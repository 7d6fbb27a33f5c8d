// `cpi import --domain D`: prints CustomerProfilesIntegration YAML for the integrations a domain
// already has, for adoption through Git. Read-only: ListIntegrations, and DescribeFlow for the
// AppFlow flows behind flow-based integrations.
import { AwsGateway } from '../../aws/gateway.ts';
import { AwsFailure } from '../../aws/errors.ts';
import { Pacer } from '../../aws/pacer.ts';
import { appflowDescriber } from '../../aws/appflow.ts';
import { managedNote, splitManaged } from '../../gitops/import-managed.ts';
import { importIntegrations, renderImport } from '../../gitops/import-resources.ts';
import { findKubeConfig, liveStatusSource } from '../../gitops/live-status.ts';
import { parseFlags } from '../flags.ts';
import { CliError, inProgForm, progOf, type CommandIO } from '../io.ts';

const HELP = `Usage: cpi import --domain D [flags]

Prints a CustomerProfilesIntegration resource (multi-document YAML) for every integration of
the Customer Profiles domain D, ready for Git and 'kubectl apply'. Applying them adopts the
integrations: with zero AWS writes in Observe mode, and in Manage mode with no write unless
you change the spec (Manage resources carry the customerprofiles.gitops.dev/adopt: "true"
annotation, the explicit opt-in without which the controller never takes over an integration
it did not create).

Names come from the integration's Uri (DNS-1123, unique). FlowDefinition is write-only in
Customer Profiles: for AppFlow-backed integrations it is read back with AppFlow DescribeFlow;
what cannot be recovered is said in a comment and that resource stays in Observe.

The cluster (current kubeconfig context) is read too: an integration that a resource there
already manages is skipped and named on stderr and in the header, because a second resource
for it would only be a Conflict. --include-managed prints it anyway, with a comment naming
the resource that manages it.

Flags:
  --domain D                          the domain to import (required)
  --region R                          its region; also written to spec.region
                                      (default: $AWS_REGION, then $AWS_DEFAULT_REGION, not written)
  --namespace NS                      metadata.namespace of the resources (default: none)
  --management-policy Observe|Manage  default Observe: report drift, never write
  --deletion-policy Delete|Retain     spec.deletionPolicy (default Retain: deleting the resource
                                      keeps the integration)
  --include-managed                   also print integrations a cluster resource manages
  --kubeconfig PATH                   the cluster to check (default: $KUBECONFIG, ~/.kube/config)
  --no-cluster                        do not read the cluster; import every integration
  -h, --help                          this help

Needs read permissions only: profile:ListIntegrations, appflow:DescribeFlow,
sts:GetCallerIdentity. Endpoints follow the SDK environment (AWS_ENDPOINT_URL_CUSTOMER_PROFILES,
AWS_ENDPOINT_URL_APPFLOW, AWS_ENDPOINT_URL_STS).`;

const DOMAIN_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, {
    domain: { type: 'string' },
    region: { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    'management-policy': { type: 'string', default: 'Observe' },
    'deletion-policy': { type: 'string' },
    'include-managed': { type: 'boolean' },
    kubeconfig: { type: 'string' },
    'no-cluster': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const cpi = `${progOf(io)} import`;
  if (values.help) {
    io.out(inProgForm(HELP, io));
    return 0;
  }
  const domainName = values.domain as string | undefined;
  if (!domainName) throw new CliError(`--domain is required, e.g. ${cpi} --domain retail (see --help)`);
  if (!DOMAIN_PATTERN.test(domainName)) throw new CliError(`--domain: "${domainName}" is not a domain name (1-64 letters, digits, _ and -)`);
  const policy = values['management-policy'] as string;
  if (policy !== 'Observe' && policy !== 'Manage') throw new CliError(`--management-policy: "${policy}" must be Observe or Manage`);
  const deletion = values['deletion-policy'] as string | undefined;
  if (deletion !== undefined && deletion !== 'Delete' && deletion !== 'Retain') throw new CliError(`--deletion-policy: "${deletion}" must be Delete or Retain`);
  const namespace = values.namespace as string | undefined;
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) throw new CliError(`--namespace: "${namespace}" is not a namespace name (a DNS-1123 label)`);
  const flagRegion = values.region as string | undefined;
  const region = flagRegion || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new CliError('no AWS region: pass --region, or set AWS_REGION');

  // The cluster first: a bad kubeconfig fails before any AWS call.
  const kc = values['no-cluster'] ? undefined : findKubeConfig(values.kubeconfig as string | undefined);
  if (!values['no-cluster'] && !kc) io.err(`${cpi}: no kubeconfig found; not checking which integrations the cluster already manages`);
  const live = kc ? liveStatusSource(kc) : undefined;
  const inCluster = live ? await live.list(namespace) : undefined;
  if (inCluster && inCluster.scope !== 'cluster') io.err(`${cpi}: may not list resources in all namespaces; checked namespace ${inCluster.scope.namespace} only`);

  const gateway = new AwsGateway({ pacer: new Pacer(), userAgent: 'cpi-import' });
  const flows = appflowDescriber();
  try {
    let items;
    try {
      items = await gateway.listIntegrations({ region }, domainName, 'high');
    } catch (err) {
      if (err instanceof AwsFailure && err.kind === 'NotFound') throw new CliError(`domain "${domainName}" does not exist in ${region}: ${err.message}`);
      throw err;
    }
    const all = await importIntegrations(items, {
      domainName,
      region: flagRegion,
      namespace,
      managementPolicy: policy,
      deletionPolicy: deletion as 'Delete' | 'Retain' | undefined,
      describeFlow: (name) => flows.describeFlow(region, name),
    });
    // Claims are per account: a Namespace that names a role keeps its resources in that role's account.
    const roles = live && inCluster?.items.length ? await live.namespaceRoles() : new Map<string, string>();
    const { free, managed } = splitManaged(all, inCluster?.items ?? [], region, (ns) => roles.get(ns));
    const includeManaged = values['include-managed'] === true;
    for (const m of managed) if (includeManaged) m.resource.notes.unshift(...managedNote(m));
    const resources = includeManaged ? all : free;
    const kept = resources.filter((r) => r.notes.some((n) => n.startsWith('flowDefinition not recovered'))).length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const managedLine = managed.length
      ? includeManaged
        ? `${plural(managed.length, 'integration')} already managed in the cluster, printed with a comment naming the resource`
        : `skipped ${plural(managed.length, 'integration')} already managed in the cluster: ${managed.map((m) => `${m.resource.object.spec.uri ?? m.resource.object.spec.flowDefinition?.flowName} (by ${m.owner})`).join(', ')}`
      : undefined;
    const header = [
      `${cpi} --domain ${domainName}: ${plural(all.length, 'integration')} in ${region}${resources.length ? `, managementPolicy ${policy}` : ''}`,
      ...(managedLine ? [managedLine] : []),
      ...(kept ? [`${kept} kept in Observe: their flowDefinition could not be recovered (see the comments)`] : []),
    ];
    io.out(renderImport(resources, header).replace(/\n$/, ''));
    const skipped = managed.length && !includeManaged ? `; skipped ${managed.length} already managed in the cluster (${managed.map((m) => m.owner).join(', ')}; --include-managed prints them)` : '';
    io.err(`${cpi}: ${plural(resources.length, 'resource')} for domain ${domainName}${kept ? ` (${kept} kept in Observe)` : ''}${skipped}`);
    return 0;
  } finally {
    gateway.destroy();
    flows.destroy();
  }
}
