// Access to the run's cluster from a test file, and private control planes for tests that must
// disturb one (restart or kill the API server) without hurting the other files running beside them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';
import { loadKubeConfig, prepareCluster, retryTransient } from '../../../src/dev/cluster-setup.ts';
import { type ControlPlane, startControlPlane } from '../../../src/dev/control-plane.ts';
import type { E2EContext } from './provided.ts';

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
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await retryTransient(`create namespace ${name}`, () =>
    core.createNamespace({ body: { metadata: { name, labels: { 'cpi-e2e': 'true' } } } }),
  );
  return name;
}

export interface PrivateControlPlane {
  cp: ControlPlane;
  adminKubeconfig: string;
  controllerKubeconfig: string;
  stop(): Promise<void>;
}

/**
 * A control plane of the test's own, with the CRD and RBAC installed and a controller kubeconfig:
 * for tests that restart or kill the API server (cp.restartApiServer({ signal: 'SIGKILL' })).
 * Costs about 3 s and 300 MB; call stop() in afterAll.
 */
export async function privateControlPlane(): Promise<PrivateControlPlane> {
  const cp = await startControlPlane();
  const work = mkdtempSync(join(tmpdir(), 'cpi-e2e-private-'));
  try {
    const controllerKubeconfig = join(work, 'controller.kubeconfig');
    await prepareCluster(cp.kubeconfigPath, controllerKubeconfig, inject('e2e').repoRoot);
    return {
      cp,
      adminKubeconfig: cp.kubeconfigPath,
      controllerKubeconfig,
      async stop() {
        await cp.stop();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await cp.stop();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}
