// Access to the run's cluster from a test file, and private control planes for tests that must
// disturb one (restart or kill the API server) without hurting the other files running beside them.
import { randomBytes } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';
import { loadKubeConfig } from '../../../src/dev/cluster-setup.ts';
import { createNamespace, startPrivateCluster, type PrivateCluster as PrivateControlPlane } from '../../support/cluster.ts';
import type { E2EContext } from './provided.ts';

export type { PrivateControlPlane };

export function e2eContext(): E2EContext {
  return inject('e2e');
}

/** client-node KubeConfig for the admin user. */
export function adminKubeConfig(): k8s.KubeConfig {
  return loadKubeConfig(inject('e2e').adminKubeconfig);
}

/** client-node KubeConfig for the controller's ServiceAccount (the RBAC of deploy/). */
export function controllerKubeConfig(): k8s.KubeConfig {
  return loadKubeConfig(inject('e2e').controllerKubeconfig);
}

/**
 * Creates a namespace named `<prefix>-<random>` and returns its name. One per test file keeps files
 * apart. Never wait for a namespace to be deleted: without kube-controller-manager it never is.
 */
export async function freshNamespace(prefix: string, kc: k8s.KubeConfig = adminKubeConfig()): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 63);
  await createNamespace(kc, name, { 'cpi-e2e': 'true' });
  return name;
}

/**
 * A control plane of the test's own, with the CRD and RBAC installed and a controller kubeconfig:
 * for tests that restart or kill the API server (cp.restartApiServer({ signal: 'SIGKILL' })).
 * Costs about 3 s and 300 MB; call stop() in afterAll.
 */
export const privateControlPlane = (): Promise<PrivateControlPlane> => startPrivateCluster();
