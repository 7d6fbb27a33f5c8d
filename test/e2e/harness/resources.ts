// CustomerProfilesIntegration objects through the run's admin client (tests act as the user);
// the class itself is the toolkit's (test/support/resources.ts).
import type * as k8s from '@kubernetes/client-node';
import { Resources as AnyClusterResources } from '../../support/resources.ts';
import { adminKubeConfig } from '../support/cluster.ts';
import type { KindNames } from '../../../src/api/group.ts';

export { condition } from '../../support/resources.ts';

export class Resources extends AnyClusterResources {
  constructor(namespace: string, kc: k8s.KubeConfig = adminKubeConfig(), names?: KindNames) {
    super(namespace, kc, names);
  }
}
