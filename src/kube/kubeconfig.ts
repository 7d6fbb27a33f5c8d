// The kubeconfig as the operator and its commands find it: --kubeconfig, then $KUBECONFIG (several
// files are merged, as kubectl does), then the in-cluster ServiceAccount. client-node does the
// parsing, auth and TLS; this only picks the source and words the errors for people.
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { UserError } from '../runtime/user-error.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function loadKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const file = path ?? (env.KUBECONFIG || undefined);
  try {
    if (file) {
      if (!existsSync(file.split(':')[0]!)) throw new UserError(`kubeconfig ${file} does not exist`);
      if (file.includes(':')) {
        kc.loadFromDefault(); // several files in $KUBECONFIG: client-node merges them
      } else kc.loadFromFile(file);
    } else if (existsSync(`${SERVICE_ACCOUNT_DIR}/token`)) {
      kc.loadFromCluster();
    } else {
      throw new UserError('no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, or run in a cluster');
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot load kubeconfig ${file ?? '(in-cluster)'}: ${(err as Error).message}`);
  }
  return kc;
}
