// Which of the operator's kinds the API server serves (their CRDs are installed), by discovery.
// A Helm upgrade never installs new CRDs (Helm applies crds/ only on install), so a newer
// controller may meet a cluster with only the CustomerProfilesIntegration CRD: it then serves
// what is there instead of failing its liveness probe on a watch that can never succeed.
// Discovery is open to every authenticated user (system:discovery): no extra RBAC.
import * as k8s from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/group.ts';
import { withTimeout } from './resources.ts';

/** The plurals served in our group/version; an empty set when the group is not there; undefined when unknown. */
export async function servedPlurals(kc: k8s.KubeConfig, timeoutMs = 10_000): Promise<Set<string> | undefined> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  try {
    const list = await api.getAPIResources({ group: GROUP, version: VERSION }, withTimeout(timeoutMs));
    return new Set(list.resources.map((r) => r.name).filter((n) => !n.includes('/')));
  } catch (err) {
    if ((err as { code?: number }).code === 404) return new Set();
    return undefined;
  }
}
