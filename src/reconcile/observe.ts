// Observe: find the integration a resource manages, as AWS reports it. Shared by the controller
// and `cpi plan`, so a preview reads AWS exactly the way a reconcile would.
import type { IntegrationSpec, IntegrationStatus } from '../api/types.ts';
import { flowUri, isFlowUriFor } from '../aws/arn.ts';
import type { AwsTarget, CallPriority, IntegrationGateway, ObservedIntegration } from '../aws/types.ts';
import type { DomainSnapshots } from './snapshots.ts';

export interface ObserveOptions {
  gateway: IntegrationGateway;
  /** Drift checks (polls) read a shared per-domain snapshot instead of one Get each. */
  snapshots?: DomainSnapshots | undefined;
  fromSnapshot?: boolean;
  /** Only a snapshot taken after this moment (epoch ms): the caller's previous look. */
  snapshotAfter?: number | undefined;
  /** The target's account: a flow's Uri is composed from it to confirm a list miss. */
  account?: string | undefined;
  prio: CallPriority;
}

/**
 * By its Uri (ours in status, or the spec's); a flow AWS named is found by listing the domain.
 * A list (or snapshot) miss is never taken for absence: it is confirmed with GetIntegration by
 * the Uri, so an integration a list leaves out is never planned as a create.
 */
export async function observeIntegration(target: AwsTarget, spec: IntegrationSpec, status: IntegrationStatus | undefined, o: ObserveOptions): Promise<ObservedIntegration | undefined> {
  const uri = status?.uri || spec.uri;
  if (!(o.fromSnapshot && o.snapshots) && uri) return o.gateway.getIntegration(target, spec.domainName, uri, o.prio);
  let found: ObservedIntegration | undefined;
  if (o.fromSnapshot && o.snapshots) {
    const all = await o.snapshots.integrations(target, spec.domainName, o.prio, o.snapshotAfter);
    found = uri ? all.get(uri) : findFlow([...all.values()], spec);
  } else if (spec.flowDefinition) {
    found = findFlow(await o.gateway.listIntegrations(target, spec.domainName, o.prio), spec);
  }
  if (found) return found;
  const byUri = uri ?? (spec.flowDefinition && o.account ? flowUri(target.region, o.account, spec.flowDefinition.flowName) : undefined);
  return byUri ? o.gateway.getIntegration(target, spec.domainName, byUri, o.prio) : undefined;
}

function findFlow(items: ObservedIntegration[], spec: IntegrationSpec): ObservedIntegration | undefined {
  const flowName = spec.flowDefinition?.flowName;
  return flowName ? items.find((i) => isFlowUriFor(i.uri, flowName)) : undefined;
}
