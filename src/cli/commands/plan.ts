// `cpi plan PATH...`: the AWS calls a reconcile of each resource would make, with a field-level
// diff, like `terraform plan -detailed-exitcode`. Read-only: it reads AWS (GetCallerIdentity,
// GetDomain, GetProfileObjectType, GetIntegration, ListIntegrations) and the cluster (GET), and
// writes nothing anywhere.
import { AwsGateway } from '../../aws/gateway.ts';
import { Pacer } from '../../aws/pacer.ts';
import { findKubeConfig, liveStatusSource, type LiveStatusSource } from '../../gitops/live-status.ts';
import { readResources } from '../../gitops/manifests.ts';
import { renderJson, renderText } from '../../gitops/plan-render.ts';
import { ALL_KIND_NAMES, INTEGRATION_NAMES, type KindNames } from '../../api/group.ts';
import type { CustomerProfilesResource } from '../../api/types.ts';
import { claimHolders, domainClaim, integrationClaim, objectTypeClaim, placeOf, type ClaimOf } from '../../controller/claims.ts';
import { planManifests } from '../../gitops/plan-set.ts';
import { hasChanges, type PlanDeps, type ResourcePlan } from '../../gitops/resource-plan.ts';
import { DomainSnapshots } from '../../reconcile/snapshots.ts';
import { parseFlags } from '../flags.ts';
import { CliError, inProgForm, progOf, type CommandIO } from '../io.ts';
import { formatProblem } from '../../gitops/validate-paths.ts';

const HELP = `Usage: cpi plan [flags] PATH...

Shows what the operator would do to AWS for the CustomerProfilesDomain,
CustomerProfilesObjectType and CustomerProfilesIntegration resources in PATH (files or
directories, as for 'cpi validate'; one file may mix the kinds): the calls a reconcile would
make (CreateDomain, UpdateDomain, PutProfileObjectType, PutIntegration, TagResource,
UntagResource) and a field-level diff against AWS. It uses the controller's own observe and
plan code, and never writes anything.

Resources are planned in the order the controller converges them: domains, then object
types, then integrations. One whose domain (or object type) in the same namespace does not
exist in AWS yet is planned as a create without reading AWS, and the plan names what it
waits for.

flowDefinition is write-only in AWS: it is compared with the definition the operator last
applied, read from the resource's status in the cluster (current kubeconfig context), field
by field when status has it, else by hash.

Each resource is planned in its metadata.namespace; one without a namespace in the
namespace of -n, else of the kubeconfig context (as kubectl apply places it). A resource
that is not in the cluster yet is planned as if it were applied now, and the plan says so.

Flags:
  -n, --namespace NS for resources without metadata.namespace (as kubectl apply -n NS);
                     a resource that names another namespace is an error
  -A, --all-namespaces
                     each resource in its own metadata.namespace; one without is an error
  --region R         AWS region for resources without spec.region
                     (default: $AWS_REGION, then $AWS_DEFAULT_REGION)
  --output text|json text (default) or JSON for machines
  --kubeconfig PATH  kubeconfig to read live status from (default: $KUBECONFIG, ~/.kube/config)
  --no-cluster       do not read the cluster; flowDefinition then counts as changed
                     unless an import annotation says what AWS has
  -h, --help         this help

Exit status (as terraform plan -detailed-exitcode):
  0  no changes: AWS matches every resource
  1  error (invalid manifests, AWS or cluster unreachable, ...), or a resource the
     controller would refuse: an existing domain, object type or integration it does not
     own (AlreadyExists: add the adopt annotation) or a moved target (TargetChanged)
  2  changes: a reconcile would write to AWS

AWS credentials and endpoints come from the standard SDK environment (AWS_PROFILE,
AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_CUSTOMER_PROFILES, ...). Read permissions suffice:
profile:GetDomain, profile:GetProfileObjectType, profile:GetIntegration,
profile:ListIntegrations, sts:GetCallerIdentity, and sts:AssumeRole for the roles namespaces
name (plan assumes them, as the controller does).`;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      region: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      output: { type: 'string', short: 'o', default: 'text' },
      kubeconfig: { type: 'string' },
      'no-cluster': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const cpi = `${progOf(io)} plan`;
  if (values.help) {
    io.out(inProgForm(HELP, io));
    return 0;
  }
  const output = values.output as string;
  if (output !== 'text' && output !== 'json') throw new CliError(`--output: "${output}" is not a format; use text or json`);
  if (positionals.length === 0) throw new CliError(`give at least one file or directory, e.g. ${cpi} manifests/ (see --help)`);
  const namespaceFlag = values.namespace as string | undefined;
  const allNamespaces = values['all-namespaces'] === true;
  if (namespaceFlag !== undefined && allNamespaces) throw new CliError('-n/--namespace and -A/--all-namespaces exclude each other: -n places resources without a namespace, -A requires every resource to name its own');
  if (namespaceFlag !== undefined && !DNS_LABEL.test(namespaceFlag)) throw new CliError(`--namespace: "${namespaceFlag}" is not a namespace name (a DNS-1123 label)`);

  const read = await readResources(positionals);
  if (read.problems.length) {
    for (const p of read.problems) io.err(formatProblem(p));
    io.err(`${cpi}: the manifests are not valid (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}); nothing was planned`);
    return 1;
  }
  if (read.resources.length === 0) {
    io.err(`${cpi}: no Customer Profiles resources found`);
    if (output === 'json') io.out(renderJson([]));
    return 0;
  }
  const where = (r: { file: string; doc: number }) => `${r.file} (document ${r.doc + 1})`;
  // As kubectl apply -n: a manifest that names another namespace is refused, not moved.
  const misplaced = read.resources.filter((r) => namespaceFlag !== undefined && r.object.metadata.namespace && r.object.metadata.namespace !== namespaceFlag);
  const homeless = read.resources.filter((r) => allNamespaces && !r.object.metadata.namespace);
  if (misplaced.length || homeless.length) {
    for (const r of misplaced) io.err(`${where(r)}: ${r.object.metadata.name} names namespace ${r.object.metadata.namespace}, not ${namespaceFlag} (-n); drop -n or plan that file on its own`);
    for (const r of homeless) io.err(`${where(r)}: ${r.object.metadata.name} has no metadata.namespace; with -A every resource names its own (or use -n NS)`);
    io.err(`${cpi}: ${misplaced.length + homeless.length} resource${misplaced.length + homeless.length === 1 ? '' : 's'} not in the namespace asked for; nothing was planned`);
    return 1;
  }

  const defaultRegion = (values.region as string | undefined) || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || '';
  const withoutRegion = read.resources.find((r) => !r.object.spec.region && !defaultRegion);
  if (withoutRegion) throw new CliError(`${where(withoutRegion)}: no AWS region for ${withoutRegion.object.metadata.name}: pass --region, set AWS_REGION, or set spec.region`);

  let cluster: LiveStatusSource | undefined;
  if (!values['no-cluster']) {
    const kc = findKubeConfig(values.kubeconfig as string | undefined);
    if (kc) cluster = liveStatusSource(kc);
    else io.err(`${cpi}: no kubeconfig found; planning from AWS alone (flowDefinition compared without the applied state)`);
  }

  const gateway = new AwsGateway({ pacer: new Pacer(), userAgent: 'cpi-plan' });
  try {
    // A domain with several integrations costs one paged ListIntegrations, not one Get each.
    const perDomain = new Map<string, number>();
    const domainKey = (region: string, domain: string) => `${region}|${domain}`;
    for (const r of read.resources) {
      if (r.object.kind !== INTEGRATION_NAMES.kind) continue;
      const key = domainKey(r.object.spec.region || defaultRegion, r.object.spec.domainName);
      perDomain.set(key, (perDomain.get(key) ?? 0) + 1);
    }
    let roles: Promise<Map<string, string>> | undefined;
    const deps: PlanDeps = {
      gateway,
      defaultRegion,
      defaultNamespace: namespaceFlag ?? cluster?.namespace ?? 'default',
      liveStatus: cluster ? (ns: string, name: string, names?: KindNames) => cluster.statusOf(names ?? INTEGRATION_NAMES, ns, name) : async () => null,
      ...(cluster ? { liveUid: (ns: string, name: string, names?: KindNames) => cluster.uid(ns, name, names), roleFor: async (ns: string) => (await (roles ??= cluster.namespaceRoles())).get(ns) } : {}),
      snapshots: new DomainSnapshots(gateway, Number.MAX_SAFE_INTEGER), // one point in time for the whole plan
      batched: (region, domain) => (perDomain.get(domainKey(region, domain)) ?? 0) > 1,
    };
    // At most 8 resources in flight (cluster GETs); the pacer keeps AWS reads under the quota.
    // Domains first, then object types, then integrations: what the controller converges first.
    const plans = await planManifests(read.resources, deps, 8);
    if (cluster) await noteElsewhere(plans, read.resources.map((r) => r.object), cluster, defaultRegion);
    if (output === 'json') io.out(renderJson(plans));
    else for (const line of renderText(plans)) io.out(line);
    // A refusal is a merge that would stall and write nothing: worth failing a pull request for.
    if (plans.some((p) => p.action === 'error' || p.action === 'refused')) return 1;
    return hasChanges(plans) ? 2 : 0;
  } finally {
    gateway.destroy();
  }
}

/** What a resource of each kind claims (the controller's own rule: the same claim twice is a Conflict). */
const CLAIMS: Record<string, ClaimOf<CustomerProfilesResource>> = {
  [ALL_KIND_NAMES[0].kind]: domainClaim as ClaimOf<CustomerProfilesResource>,
  [ALL_KIND_NAMES[1].kind]: objectTypeClaim as ClaimOf<CustomerProfilesResource>,
  [ALL_KIND_NAMES[2].kind]: integrationClaim as ClaimOf<CustomerProfilesResource>,
};

/**
 * For resources not in the cluster: the namespaces where one of the same kind and name is
 * (planned in `default`, they were probably applied with -n elsewhere), and the resource that
 * already claims the same AWS object (applying a second one makes it a Conflict). Best effort: a
 * context that may not list cluster-wide just gets no hint.
 */
async function noteElsewhere(plans: ResourcePlan[], objects: CustomerProfilesResource[], cluster: LiveStatusSource, defaultRegion: string): Promise<void> {
  if (!plans.some((p) => p.statusSource === 'not-in-cluster')) return;
  const roles = await cluster.namespaceRoles();
  const roleOf = (ns: string) => roles.get(ns);
  for (const names of ALL_KIND_NAMES) {
    const missing = plans.filter((p) => p.kind === names.kind && p.statusSource === 'not-in-cluster');
    if (!missing.length) continue;
    let items: CustomerProfilesResource[];
    try {
      items = (await cluster.listOf(names)).items;
    } catch {
      continue;
    }
    const claimOf = (o: CustomerProfilesResource) => (o.spec?.domainName ? CLAIMS[names.kind]!(o, placeOf(o, defaultRegion, roleOf)) : undefined);
    const owners = claimHolders(items, claimOf);
    for (const p of missing) {
      const found = items.filter((o) => o.metadata.name === p.name && o.metadata.namespace !== p.namespace).map((o) => o.metadata.namespace!);
      if (found.length) p.inOtherNamespaces = found.sort();
      const object = objects.find((o) => o.kind === p.kind && o.metadata.name === p.name && (o.metadata.namespace || p.namespace) === p.namespace);
      const claim = object ? claimOf({ ...object, metadata: { ...object.metadata, namespace: p.namespace } } as CustomerProfilesResource) : undefined;
      const owner = claim ? owners.get(claim) : undefined;
      if (owner) p.claimedBy = owner;
    }
  }
}
