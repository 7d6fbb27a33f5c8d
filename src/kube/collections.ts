// The collections the controller watches, named for our API: the resource kind's {path, list}.
import type * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../api/group.ts';
import { customResourceCollection, type Collection } from '../runtime/collections.ts';

/** CustomerProfilesIntegrations, in every namespace or in `namespace`. */
export function integrationCollection<T extends k8s.KubernetesObject = k8s.KubernetesObject>(kc: k8s.KubeConfig, namespace?: string): Collection<T> {
  return customResourceCollection<T>(kc, { group: GROUP, version: VERSION, plural: PLURAL, namespace });
}
