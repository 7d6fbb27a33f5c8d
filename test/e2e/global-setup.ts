// One cluster per e2e run. By default a real kube-apiserver + etcd of our own (built on first use,
// then cached); with E2E_KUBECONFIG=path an existing cluster (kind, say) instead. Either way the CRD
// and the controller's RBAC from deploy/ are installed, and tests get a kubeconfig of the
// controller's ServiceAccount, so the controller never runs as admin.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadKubeConfig, prepareCluster, repoRoot } from '../../src/dev/cluster-setup.ts';
import { type ControlPlane, startControlPlane } from '../../src/dev/control-plane.ts';
import { ensureGoTool, GO_TOOL_NAMES } from '../../src/dev/go-tools.ts';
import { ensureK8sBinaries, k8sBinaryPaths } from '../../src/dev/k8s-binaries.ts';
import type { E2EContext } from './support/provided.ts';
import './support/provided.ts';

const log = (line: string) => process.stderr.write(`[e2e setup] ${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = repoRoot();
  const work = mkdtempSync(join(tmpdir(), 'cpi-e2e-'));
  let cp: ControlPlane | undefined;
  const teardown = async () => {
    await cp?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const existing = process.env.E2E_KUBECONFIG;
    let adminKubeconfig: string;
    let kubectlPath: string;
    if (existing) {
      adminKubeconfig = resolve(existing);
      if (!existsSync(adminKubeconfig)) throw new Error(`E2E_KUBECONFIG: ${adminKubeconfig} does not exist`);
      // Our kubectl when it is built (same version everywhere), else the one on PATH.
      const ours = k8sBinaryPaths().kubectl;
      kubectlPath = existsSync(ours) ? ours : 'kubectl';
      log(`using the existing cluster of E2E_KUBECONFIG=${adminKubeconfig} (kubectl: ${kubectlPath})`);
    } else {
      const binaries = await ensureK8sBinaries(log);
      cp = await startControlPlane({ binaries, log });
      adminKubeconfig = cp.kubeconfigPath;
      kubectlPath = binaries.kubectl;
    }
    // helm, actionlint and the Argo CD Lua harness, built before any test starts: a cold helm build
    // takes both cores for minutes, which would slow every test running beside it.
    for (const name of GO_TOOL_NAMES) await ensureGoTool(name, log);
    const controllerKubeconfig = join(work, 'controller.kubeconfig');
    const { crds } = await prepareCluster(adminKubeconfig, controllerKubeconfig, root);
    log(`installed ${crds.join(', ')}, the controller's ServiceAccount and RBAC`);

    const server = loadKubeConfig(adminKubeconfig).getCurrentCluster()?.server ?? '';
    const ctx: E2EContext = {
      adminKubeconfig,
      controllerKubeconfig,
      apiServer: server,
      kubectlPath,
      repoRoot: root,
      localControlPlane: !!cp,
    };
    project.provide('e2e', ctx);
    return teardown;
  } catch (err) {
    // A failing setup gets no teardown call from vitest: clean up here.
    await teardown();
    throw err;
  }
}
