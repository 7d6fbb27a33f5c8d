// What test/e2e/global-setup.ts hands to every e2e test file through vitest's provide/inject.
export interface E2EContext {
  /** Admin (system:masters) kubeconfig of the run's cluster. */
  adminKubeconfig: string;
  /** Kubeconfig of ServiceAccount cpi-system/cpi-controller: run the controller with this, never admin. */
  controllerKubeconfig: string;
  /** The API server URL. */
  apiServer: string;
  /** The kubectl binary the tests use (ours, v1.36.3, unless E2E_KUBECONFIG is set and it is not built). */
  kubectlPath: string;
  /** Repository root (absolute, with a trailing slash). */
  repoRoot: string;
  /** true when the run started its own control plane; false with E2E_KUBECONFIG. */
  localControlPlane: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}
