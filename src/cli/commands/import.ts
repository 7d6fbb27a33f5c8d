// `cpi import --domain D`: prints CustomerProfilesIntegration YAML for the integrations a domain
// already has, for adoption through Git. Read-only: ListIntegrations, and DescribeFlow for the
// AppFlow flows behind flow-based integrations.
import { AwsGateway } from '../../aws/gateway.ts';
import { AwsFailure } from '../../aws/errors.ts';
import { Pacer } from '../../aws/pacer.ts';
import { appflowDescriber } from '../../aws/appflow.ts';
import { importIntegrations, renderImport } from '../../gitops/import-resources.ts';
import { parseFlags } from '../flags.ts';
import { CliError, type CommandIO } from '../io.ts';

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

Flags:
  --domain D                          the domain to import (required)
  --region R                          its region; also written to spec.region
                                      (default: $AWS_REGION, then $AWS_DEFAULT_REGION, not written)
  --namespace NS                      metadata.namespace of the resources (default: none)
  --management-policy Observe|Manage  default Observe: report drift, never write
  --deletion-policy Delete|Retain     spec.deletionPolicy (default Retain: deleting the resource
                                      keeps the integration)
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
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const domainName = values.domain as string | undefined;
  if (!domainName) throw new CliError('--domain is required, e.g. cpi import --domain retail (see --help)');
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
    const resources = await importIntegrations(items, {
      domainName,
      region: flagRegion,
      namespace,
      managementPolicy: policy,
      deletionPolicy: deletion as 'Delete' | 'Retain' | undefined,
      describeFlow: (name) => flows.describeFlow(region, name),
    });
    const kept = resources.filter((r) => r.notes.length).length;
    const header = [
      `cpi import --domain ${domainName}: ${resources.length} integration${resources.length === 1 ? '' : 's'} in ${region}${resources.length ? `, managementPolicy ${policy}` : ''}`,
      ...(kept ? [`${kept} kept in Observe: their flowDefinition could not be recovered (see the comments)`] : []),
    ];
    io.out(renderImport(resources, header).replace(/\n$/, ''));
    io.err(`cpi import: ${resources.length} resource${resources.length === 1 ? '' : 's'} for domain ${domainName}${kept ? ` (${kept} kept in Observe)` : ''}`);
    return 0;
  } finally {
    gateway.destroy();
    flows.destroy();
  }
}
