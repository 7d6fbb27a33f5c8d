// `cpi import --domain D`: prints resources for what a Customer Profiles domain already has, for
// adoption through Git: the CustomerProfilesDomain, a CustomerProfilesObjectType per object type
// and a CustomerProfilesIntegration per integration (--integrations-only: the integrations alone,
// as before the domain kinds). Read-only: GetDomain, ListProfileObjectTypes, GetProfileObjectType,
// ListIntegrations, and DescribeFlow for the AppFlow flows behind flow-based integrations.
import { DOMAIN_NAMES, OBJECT_TYPE_NAMES } from '../../api/group.ts';
import type { CustomerProfilesDomain, CustomerProfilesObjectType } from '../../api/types.ts';
import { AwsGateway } from '../../aws/gateway.ts';
import { AwsFailure } from '../../aws/errors.ts';
import { Pacer } from '../../aws/pacer.ts';
import { appflowDescriber } from '../../aws/appflow.ts';
import type { ObjectTypeDescription } from '../../aws/types.ts';
import { domainClaim, objectTypeClaim } from '../../controller/claims.ts';
import { managedNote, splitManaged, splitManagedOf } from '../../gitops/import-managed.ts';
import { importIntegrations, renderImport } from '../../gitops/import-resources.ts';
import { importDomain, importObjectTypes, type ImportedObject } from '../../gitops/import-setup.ts';
import { findKubeConfig, liveStatusSource } from '../../gitops/live-status.ts';
import { parseFlags } from '../flags.ts';
import { CliError, inProgForm, progOf, type CommandIO } from '../io.ts';

const HELP = `Usage: cpi import --domain D [flags]

Prints resources (multi-document YAML) for what the Customer Profiles domain D already has,
ready for Git and 'kubectl apply': the CustomerProfilesDomain, a CustomerProfilesObjectType
for every object type and a CustomerProfilesIntegration for every integration of D.
Applying them adopts everything: with zero AWS writes in Observe mode, and in Manage mode
with no write unless you change a spec (every resource carries the
customerprofiles.gitops.dev/adopt: "true" annotation, the explicit opt-in without which
the controller never takes over what it did not create). The operator's own tags
(customerprofiles.gitops.dev/...) are never copied into spec.tags.

Names come from the domain's and object types' names and from the integration's Uri
(DNS-1123, unique per kind). An object type made from a template declares the template, not
its fields and keys. FlowDefinition is write-only in Customer Profiles: for AppFlow-backed
integrations it is read back with AppFlow DescribeFlow; what cannot be recovered is said in
a comment and that resource stays in Observe.

The cluster (current kubeconfig context) is read too: what a resource there already manages
(the domain, an object type, an integration) is skipped and named on stderr and in the
header, because a second resource for it would only be a Conflict. --include-managed prints
it anyway, with a comment naming the resource that manages it.

Flags:
  --domain D                          the domain to import (required)
  --integrations-only                 only the integrations of D (the domain and its object
                                      types managed elsewhere, e.g. CloudFormation)
  --region R                          its region; also written to spec.region
                                      (default: $AWS_REGION, then $AWS_DEFAULT_REGION, not written)
  --namespace NS                      metadata.namespace of the resources (default: none)
  --management-policy Observe|Manage  default Observe: report drift, never write
  --deletion-policy Delete|Retain     spec.deletionPolicy (default Retain: deleting a resource
                                      keeps what it manages in AWS)
  --include-managed                   also print what a cluster resource manages
  --kubeconfig PATH                   the cluster to check (default: $KUBECONFIG, ~/.kube/config)
  --no-cluster                        do not read the cluster; import everything
  -h, --help                          this help

Needs read permissions only: profile:GetDomain, profile:ListProfileObjectTypes,
profile:GetProfileObjectType, profile:ListIntegrations, appflow:DescribeFlow,
sts:GetCallerIdentity. Endpoints follow the SDK environment (AWS_ENDPOINT_URL_CUSTOMER_PROFILES,
AWS_ENDPOINT_URL_APPFLOW, AWS_ENDPOINT_URL_STS).`;

const DOMAIN_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, {
    domain: { type: 'string' },
    'integrations-only': { type: 'boolean' },
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
  if (!values['no-cluster'] && !kc) io.err(`${cpi}: no kubeconfig found; not checking what the cluster already manages`);
  const live = kc ? liveStatusSource(kc) : undefined;
  const inCluster = live ? await live.list(namespace) : undefined;
  if (inCluster && inCluster.scope !== 'cluster') io.err(`${cpi}: may not list resources in all namespaces; checked namespace ${inCluster.scope.namespace} only`);

  const integrationsOnly = values['integrations-only'] === true;
  const includeManaged = values['include-managed'] === true;
  const setupOptions = { region: flagRegion, namespace, managementPolicy: policy as 'Observe' | 'Manage', deletionPolicy: deletion as 'Delete' | 'Retain' | undefined };
  const gateway = new AwsGateway({ pacer: new Pacer(), userAgent: 'cpi-import' });
  const flows = appflowDescriber();
  try {
    const notFound = (err: unknown): never => {
      if (err instanceof AwsFailure && err.kind === 'NotFound') throw new CliError(`domain "${domainName}" does not exist in ${region}: ${err.message}`);
      throw err;
    };
    // The domain and its object types first (the order the controller converges them).
    let domain: ImportedObject<CustomerProfilesDomain> | undefined;
    let types: Array<ImportedObject<CustomerProfilesObjectType>> = [];
    if (!integrationsOnly) {
      const aws = await gateway.getDomain({ region }, domainName, 'high');
      if (!aws) throw new CliError(`domain "${domainName}" does not exist in ${region}`);
      domain = importDomain(aws, setupOptions);
      const listed = await gateway.listObjectTypes({ region }, domainName, 'high').catch(notFound);
      const described: ObjectTypeDescription[] = [];
      for (const t of listed) {
        // A type deleted since the list is not imported.
        const one = await gateway.getObjectType({ region }, domainName, t.objectTypeName, 'high');
        if (one) described.push(one);
      }
      types = importObjectTypes(domainName, described, setupOptions);
    }
    const items = await gateway.listIntegrations({ region }, domainName, 'high').catch(notFound);
    const all = await importIntegrations(items, {
      domainName,
      region: flagRegion,
      namespace,
      managementPolicy: policy,
      deletionPolicy: deletion as 'Delete' | 'Retain' | undefined,
      describeFlow: (name) => flows.describeFlow(region, name),
    });
    // What the cluster already manages is skipped (or marked): integrations, the domain, object types.
    const domainsIn = live && domain ? (await live.listOf<CustomerProfilesDomain>(DOMAIN_NAMES, namespace)).items : [];
    const typesIn = live && types.length ? (await live.listOf<CustomerProfilesObjectType>(OBJECT_TYPE_NAMES, namespace)).items : [];
    // Claims are per account: a Namespace that names a role keeps its resources in that role's account.
    const anyInCluster = !!inCluster?.items.length || domainsIn.length > 0 || typesIn.length > 0;
    const roles = live && anyInCluster ? await live.namespaceRoles() : new Map<string, string>();
    const roleOf = (ns: string) => roles.get(ns);
    const { free, managed } = splitManaged(all, inCluster?.items ?? [], region, roleOf);
    for (const m of managed) if (includeManaged) m.resource.notes.unshift(...managedNote(m));
    const resources = includeManaged ? all : free;
    const domainSplit = splitManagedOf(domain ? [domain] : [], domainsIn, domainClaim, region, roleOf);
    const typeSplit = splitManagedOf(types, typesIn, objectTypeClaim, region, roleOf);
    for (const m of domainSplit.managed) if (includeManaged) m.resource.notes.unshift(...managedNote(m, 'domain'));
    for (const m of typeSplit.managed) if (includeManaged) m.resource.notes.unshift(...managedNote(m, 'object type'));
    const domainOut = includeManaged ? (domain ? [domain] : []) : domainSplit.free;
    const typesOut = includeManaged ? types : typeSplit.free;

    const kept = resources.filter((r) => r.notes.some((n) => n.startsWith('flowDefinition not recovered'))).length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const managedLines: string[] = [];
    if (domainSplit.managed.length) {
      managedLines.push(includeManaged ? `the domain is already managed in the cluster, printed with a comment naming the resource` : `skipped the domain, already managed in the cluster by ${domainSplit.managed[0]!.owner}`);
    }
    if (typeSplit.managed.length) {
      managedLines.push(
        includeManaged
          ? `${plural(typeSplit.managed.length, 'object type')} already managed in the cluster, printed with a comment naming the resource`
          : `skipped ${plural(typeSplit.managed.length, 'object type')} already managed in the cluster: ${typeSplit.managed.map((m) => `${m.resource.object.spec.objectTypeName} (by ${m.owner})`).join(', ')}`,
      );
    }
    if (managed.length) {
      managedLines.push(
        includeManaged
          ? `${plural(managed.length, 'integration')} already managed in the cluster, printed with a comment naming the resource`
          : `skipped ${plural(managed.length, 'integration')} already managed in the cluster: ${managed.map((m) => `${m.resource.object.spec.uri ?? m.resource.object.spec.flowDefinition?.flowName} (by ${m.owner})`).join(', ')}`,
      );
    }
    const printed = [...domainOut, ...typesOut, ...resources];
    const found = integrationsOnly ? plural(all.length, 'integration') : `the domain, ${plural(types.length, 'object type')} and ${plural(all.length, 'integration')}`;
    const header = [
      `${cpi} --domain ${domainName}: ${found} in ${region}${printed.length ? `, managementPolicy ${policy}` : ''}`,
      ...managedLines,
      ...(kept ? [`${kept} kept in Observe: their flowDefinition could not be recovered (see the comments)`] : []),
    ];
    io.out(renderImport(printed, header).replace(/\n$/, ''));
    const skippedOwners = [...domainSplit.managed, ...typeSplit.managed, ...managed].map((m) => m.owner);
    const skipped = skippedOwners.length && !includeManaged ? `; skipped ${skippedOwners.length} already managed in the cluster (${skippedOwners.join(', ')}; --include-managed prints them)` : '';
    io.err(`${cpi}: ${plural(printed.length, 'resource')} for domain ${domainName}${kept ? ` (${kept} kept in Observe)` : ''}${skipped}`);
    return 0;
  } finally {
    gateway.destroy();
    flows.destroy();
  }
}
