// Observe: find the integration a resource manages, as AWS reports it. Shared by the controller
// and `cpi plan`, so a preview reads AWS exactly the way a reconcile would.
import type { IntegrationSpec, IntegrationStatus } from '../api/types.ts';
import { isFlowUriFor } from '../aws/arn.ts';
import type { AwsTarget, CallPriority, IntegrationGateway, ObservedIntegration } from '../aws/types.ts';
import type { DomainSnapshots } from './snapshots.ts';

export interface ObserveOptions {
  gateway: IntegrationGateway;
  /** Drift checks (polls) read a shared per-domain snapshot instead of one Get each. */
  snapshots?: DomainSnapshots | undefined;
  fromSnapshot?: boolean;
  /** Only a snapshot taken after this moment (epoch ms) will do: the caller's previous look. */
  snapshotAfter?: number | undefined;
  prio: CallPriority;
}

/** By its Uri (ours in status, or the spec's); a flow AWS named is found by listing the domain. */
export async function observeIntegration(target: AwsTarget, spec: IntegrationSpec, status: IntegrationStatus | undefined, o: ObserveOptions): Promise<ObservedIntegration | undefined> {
  const uri = status?.uri || spec.uri;
  if (o.fromSnapshot && o.snapshots) {
    const all = await o.snapshots.integrations(target, spec.domainName, o.prio, o.snapshotAfter);
    return uri ? all.get(uri) : findFlow([...all.values()], spec);
  }
  if (uri) return o.gateway.getIntegration(target, spec.domainName, uri, o.prio);
  if (!spec.flowDefinition) return undefined;
  return findFlow(await o.gateway.listIntegrations(target, spec.domainName, o.prio), spec);
}

function findFlow(items: ObservedIntegration[], spec: IntegrationSpec): ObservedIntegration | undefined {
  const flowName = spec.flowDefinition?.flowName;
  return flowName ? items.find((i) => isFlowUriFor(i.uri, flowName)) : undefined;
}
