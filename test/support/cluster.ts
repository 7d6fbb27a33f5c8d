// A Kubernetes control plane of one's own (kube-apiserver + etcd) with the CRD and the
// controller's ServiceAccount of deploy/ installed: what a benchmark runs on, and what an e2e test
// uses when it must disturb the API server without hurting the files running beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { loadKubeConfig, prepareCluster, repoRoot, retryTransient } from '../../src/dev/cluster-setup.ts';
import { type ControlPlane, startControlPlane } from '../../src/dev/control-plane.ts';
import { guard } from './guard.ts';

export interface PrivateCluster {
  cp: ControlPlane;
  adminKubeconfig: string;
  /** client-node KubeConfig for the admin user. */
  admin: k8s.KubeConfig;
  /** Kubeconfig of the controller's ServiceAccount (the RBAC of deploy/): run the controller with this. */
  controllerKubeconfig: string;
  /** A scratch directory (logs); removed by stop(). */
  work: string;
  stop(): Promise<void>;
}

/** Costs about 3 s and 300 MB; call stop() when done. */
export async function startPrivateCluster(o: { log?: (line: string) => void } = {}): Promise<PrivateCluster> {
  const cp = await startControlPlane(o.log ? { log: o.log } : {});
  const work = mkdtempSync(join(tmpdir(), 'cpi-private-cluster-'));
  guard().guardDir(work);
  const stop = async () => {
    await cp.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const controllerKubeconfig = join(work, 'controller.kubeconfig');
    await prepareCluster(cp.kubeconfigPath, controllerKubeconfig, repoRoot());
    return { cp, adminKubeconfig: cp.kubeconfigPath, admin: loadKubeConfig(cp.kubeconfigPath), controllerKubeconfig, work, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Creates a namespace, retrying the API server's transient refusals (it may have just started). */
export async function createNamespace(kc: k8s.KubeConfig, name: string, labels?: Record<string, string>): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await retryTransient(`create namespace ${name}`, () => core.createNamespace({ body: { metadata: { name, ...(labels ? { labels } : {}) } } }));
}

/** Merge-patches a Namespace's annotations (a role ARN, as a platform team sets it; null removes one). */
export async function annotateNamespace(kc: k8s.KubeConfig, name: string, annotations: Record<string, string | null>): Promise<void> {
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  await kc.makeApiClient(k8s.CoreV1Api).patchNamespace({ name, body: { metadata: { annotations } } }, merge);
}
