// Helpers for every e2e test: `import { kubectl, freshNamespace, waitFor } from './support/index.ts'`.
export type { E2EContext } from './provided.ts';
export { kubectl, kubectlOk, type KubectlOptions, type KubectlResult } from './kubectl.ts';
export { WaitAborted, waitFor, type WaitOptions } from '../../support/wait.ts';
export {
  adminKubeConfig,
  controllerKubeConfig,
  e2eContext,
  freshNamespace,
  privateControlPlane,
  type PrivateControlPlane,
} from './cluster.ts';
