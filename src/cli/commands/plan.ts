// `cpi plan PATH...`: the AWS calls a reconcile of each resource would make, with a field-level
// diff, like `terraform plan -detailed-exitcode`. Read-only: it reads AWS (GetCallerIdentity,
// GetIntegration, ListIntegrations) and the cluster (GET), and writes nothing anywhere.
import { AwsGateway } from '../../aws/gateway.ts';
import { Pacer } from '../../aws/pacer.ts';
import { findKubeConfig, liveStatusSource, type LiveStatusSource } from '../../gitops/live-status.ts';
import { readResources } from '../../gitops/manifests.ts';
import { renderJson, renderText } from '../../gitops/plan-render.ts';
import { hasChanges, planResource, type PlanDeps } from '../../gitops/resource-plan.ts';
import { DomainSnapshots } from '../../reconcile/snapshots.ts';
import { parseFlags } from '../flags.ts';
import { CliError, type CommandIO } from '../io.ts';
import { formatProblem } from './validate.ts';

const HELP = `Usage: cpi plan [flags] PATH...

Shows what the operator would do to AWS for the CustomerProfilesIntegration resources in
PATH (files or directories, as for 'cpi validate'): the calls a reconcile would make
(PutIntegration, TagResource, UntagResource) and a field-level diff against AWS. It uses
the controller's own observe and plan code, and never writes anything.

flowDefinition is write-only in AWS: it is compared with the definition the operator last
applied, read from the resource's status in the cluster (current kubeconfig context), field
by field when status has it, else by hash.

Flags:
  --region R         AWS region for resources without spec.region
                     (default: $AWS_REGION, then $AWS_DEFAULT_REGION)
  --output text|json text (default) or JSON for machines
  --kubeconfig PATH  kubeconfig to read live status from (default: $KUBECONFIG, ~/.kube/config)
  --no-cluster       do not read the cluster; flowDefinition then counts as changed
                     unless an import annotation says what AWS has
  -h, --help         this help

Exit status (as terraform plan -detailed-exitcode):
  0  no changes: AWS matches every resource
  1  error (invalid manifests, AWS or cluster unreachable, ...)
  2  changes: a reconcile would write to AWS

AWS credentials and endpoints come from the standard SDK environment (AWS_PROFILE,
AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_CUSTOMER_PROFILES, ...). Read permissions suffice:
profile:GetIntegration, profile:ListIntegrations, sts:GetCallerIdentity.`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      region: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'text' },
      kubeconfig: { type: 'string' },
      'no-cluster': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const output = values.output as string;
  if (output !== 'text' && output !== 'json') throw new CliError(`--output: "${output}" is not a format; use text or json`);
  if (positionals.length === 0) throw new CliError('give at least one file or directory, e.g. cpi plan manifests/ (see --help)');

  const read = await readResources(positionals);
  if (read.problems.length) {
    for (const p of read.problems) io.err(formatProblem(p));
    io.err(`cpi plan: the manifests are not valid (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'}); nothing was planned`);
    return 1;
  }
  if (read.resources.length === 0) {
    io.err('cpi plan: no CustomerProfilesIntegration resources found');
    if (output === 'json') io.out(renderJson([]));
    return 0;
  }

  const defaultRegion = (values.region as string | undefined) || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || '';
  const withoutRegion = read.resources.find((r) => !r.object.spec.region && !defaultRegion);
  if (withoutRegion) throw new CliError(`${withoutRegion.file}:${withoutRegion.doc}: no AWS region for ${withoutRegion.object.metadata.name}: pass --region, set AWS_REGION, or set spec.region`);

  let cluster: LiveStatusSource | undefined;
  if (!values['no-cluster']) {
    const kc = findKubeConfig(values.kubeconfig as string | undefined);
    if (kc) cluster = liveStatusSource(kc);
    else io.err('cpi plan: no kubeconfig found; planning from AWS alone (flowDefinition compared without the applied state)');
  }

  const gateway = new AwsGateway({ pacer: new Pacer(), userAgent: 'cpi-plan' });
  try {
    // A domain with several resources costs one paged ListIntegrations, not one Get each.
    const perDomain = new Map<string, number>();
    const domainKey = (region: string, domain: string) => `${region}|${domain}`;
    for (const r of read.resources) {
      const key = domainKey(r.object.spec.region || defaultRegion, r.object.spec.domainName);
      perDomain.set(key, (perDomain.get(key) ?? 0) + 1);
    }
    const deps: PlanDeps = {
      gateway,
      defaultRegion,
      defaultNamespace: cluster?.namespace ?? 'default',
      liveStatus: cluster ? (ns: string, name: string) => cluster.status(ns, name) : async () => null,
      snapshots: new DomainSnapshots(gateway, Number.MAX_SAFE_INTEGER), // one point in time for the whole plan
      batched: (region, domain) => (perDomain.get(domainKey(region, domain)) ?? 0) > 1,
    };
    // At most 8 resources in flight (cluster GETs); the pacer keeps AWS reads under the quota.
    const plans = await mapInOrder(read.resources, 8, (r) => planResource(r.object, deps, { file: r.file, doc: r.doc }));
    if (output === 'json') io.out(renderJson(plans));
    else for (const line of renderText(plans)) io.out(line);
    if (plans.some((p) => p.action === 'error')) return 1;
    return hasChanges(plans) ? 2 : 0;
  } finally {
    gateway.destroy();
  }
}

/** `fn` over `items` with at most `limit` in flight; results in the order of `items`. */
async function mapInOrder<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
