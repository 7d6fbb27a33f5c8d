// What every kind the operator manages has in common (CustomerProfilesIntegration, Domain,
// ObjectType): the operator's own spec members and the status members the managed reconciler
// (src/reconcile/managed.ts) writes. Kind-specific members come on top.
import type { Condition, ResourceMetadata } from './types.ts';

/** The members every managed kind's spec has besides its AWS members. */
export interface ManagedSpec {
  /** Every Customer Profiles object lives in a domain (a domain names itself). */
  domainName: string;
  region?: string | undefined;
  deletionPolicy?: 'Delete' | 'Retain' | undefined;
  managementPolicy?: 'Manage' | 'Observe' | undefined;
  tags?: Record<string, string> | undefined;
}

/** The status members every managed kind has (kstatus conditions, the pinned target, ownership). */
export interface ManagedStatus {
  conditions?: Condition[] | undefined;
  observedGeneration?: number | undefined;
  lastHandledReconcileAt?: string | undefined;
  lastSyncTime?: string | undefined;
  region?: string | undefined;
  account?: string | undefined;
  assumedRoleArn?: string | undefined;
  ownership?: 'Created' | 'Adopted' | undefined;
  createdAt?: string | undefined;
  lastUpdatedAt?: string | undefined;
}

export interface ManagedObject<S extends ManagedSpec = ManagedSpec, St extends ManagedStatus = ManagedStatus> {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: S;
  status?: St | undefined;
}


/** A resource's key in caches, queues and messages: namespace/name. */
export const keyOf = (o: { metadata: { namespace?: string | undefined; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;
