// Where the Lease lives: the API server (kubeLeaseStore) in production, a map in unit tests.
// The elector (leader.ts) reads and writes it only through LeaseStore.
import * as k8s from '@kubernetes/client-node';
import type { LeaderElectionRecord } from './leader-decision.ts';
import { withRequestTimeout, httpStatus } from './kube-request.ts';
import { describeKubeError } from './log.ts';

export interface LeaseSnapshot {
  record: LeaderElectionRecord;
  resourceVersion: string;
}

/** Where the Lease lives: the API server in production, a map in unit tests. */
export interface LeaseStore {
  /** undefined when the Lease does not exist. */
  get(): Promise<LeaseSnapshot | undefined>;
  /** Throws LeaseConflictError when it already exists. */
  create(record: LeaderElectionRecord): Promise<LeaseSnapshot>;
  /** Throws LeaseConflictError when `resourceVersion` is no longer current. */
  update(record: LeaderElectionRecord, resourceVersion: string): Promise<LeaseSnapshot>;
}

export class LeaseConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseConflictError';
  }
}

/** The Lease `namespace/name` in the API server, each call limited to `callTimeoutMs`. */
export function kubeLeaseStore(kc: k8s.KubeConfig, namespace: string, name: string, callTimeoutMs: number): LeaseStore {
  const api = kc.makeApiClient(k8s.CoordinationV1Api);
  const options = () => withRequestTimeout(callTimeoutMs);
  const toSnapshot = (lease: k8s.V1Lease): LeaseSnapshot => {
    const iso = (t: unknown) => (t === undefined || t === null ? undefined : new Date(t as string | Date).toISOString());
    return {
      resourceVersion: lease.metadata?.resourceVersion ?? '',
      record: {
        holderIdentity: lease.spec?.holderIdentity ?? '',
        leaseDurationSeconds: lease.spec?.leaseDurationSeconds ?? 0,
        acquireTime: iso(lease.spec?.acquireTime),
        renewTime: iso(lease.spec?.renewTime),
        leaseTransitions: lease.spec?.leaseTransitions ?? 0,
      },
    };
  };
  // MicroTime fields must be V1MicroTime: a plain Date is sent with milliseconds and rejected.
  const micro = (iso: string | undefined) => (iso === undefined ? undefined : new k8s.V1MicroTime(Date.parse(iso)));
  const body = (record: LeaderElectionRecord, resourceVersion?: string): k8s.V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: micro(record.acquireTime),
      renewTime: micro(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  });
  const conflict = (err: unknown) => {
    if (httpStatus(err) === 409) return new LeaseConflictError(`lease ${namespace}/${name}: ${describeKubeError(err)}`);
    return err;
  };
  return {
    async get() {
      try {
        return toSnapshot(await api.readNamespacedLease({ name, namespace }, options()));
      } catch (err) {
        if (httpStatus(err) === 404) return undefined;
        throw err;
      }
    },
    async create(record) {
      try {
        return toSnapshot(await api.createNamespacedLease({ namespace, body: body(record) }, options()));
      } catch (err) {
        throw conflict(err);
      }
    },
    async update(record, resourceVersion) {
      try {
        return toSnapshot(await api.replaceNamespacedLease({ name, namespace, body: body(record, resourceVersion) }, options()));
      } catch (err) {
        throw conflict(err);
      }
    },
  };
}
