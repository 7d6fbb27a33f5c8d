// The CustomerProfilesIntegration reconciler: the managed reconciler (managed.ts) with the
// integration kind (integration-kind.ts). Built from the AWS gateway and the domain snapshots.
import type { CustomerProfilesIntegration } from '../api/types.ts';
import type { IntegrationGateway, ObservedIntegration } from '../aws/types.ts';
import { IntegrationKind } from './integration-kind.ts';
import { ManagedReconciler, type ManagedDeps } from './managed.ts';
import type { Plan } from './plan.ts';
import type { DomainSnapshots } from './snapshots.ts';

export { NAMESPACE_WAIT_MS, STALLED_RETRY_MS, reasonFor, sameStatus } from './managed.ts';
export type { EventSink, ReconcileLog, ReconcileResult, ResourceWriter, Trigger } from './managed.ts';

export interface ReconcilerDeps extends Omit<ManagedDeps<CustomerProfilesIntegration>, 'account'> {
  gateway: IntegrationGateway;
  snapshots: DomainSnapshots;
}

export class IntegrationReconciler extends ManagedReconciler<CustomerProfilesIntegration, ObservedIntegration, Plan> {
  constructor(deps: ReconcilerDeps) {
    super(new IntegrationKind(deps.gateway, deps.snapshots), { ...deps, account: (t) => deps.gateway.account(t) });
  }
}
