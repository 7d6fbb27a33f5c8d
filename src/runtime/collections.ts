// The {path, list} pairs a ResilientInformer watches: custom resources (all namespaces or one)
// and Namespaces. Lists carry a request timeout because the
// Kubernetes client has none.
import * as k8s from '@kubernetes/client-node';
import { withRequestTimeout } from './kube-request.ts';

export interface Collection<T extends k8s.KubernetesObject> {
  path: string;
  list: () => Promise<k8s.KubernetesListObject<T>>;
}

export interface CustomResourceCollectionOptions {
  group: string;
  version: string;
  plural: string;
  /** Only this namespace; default all namespaces. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  /** Default 60 s: a list of thousands of objects takes a while on a busy API server. */
  listTimeoutMs?: number;
}

export function customResourceCollection<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  opts: CustomResourceCollectionOptions,
): Collection<T> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const { group, version, plural, namespace, labelSelector } = opts;
  const options = withRequestTimeout(opts.listTimeoutMs ?? 60_000);
  const path = namespace
    ? `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}`
    : `/apis/${group}/${version}/${plural}`;
  const list = () =>
    (namespace
      ? api.listNamespacedCustomObject({ group, version, plural, namespace, labelSelector }, options)
      : api.listClusterCustomObject({ group, version, plural, labelSelector }, options)) as Promise<k8s.KubernetesListObject<T>>;
  return { path, list };
}

/** Namespaces (cluster-scoped). Listed objects are typed instances, watched ones plain JSON. */
export function namespaceCollection(kc: k8s.KubeConfig, listTimeoutMs = 30_000): Collection<k8s.V1Namespace> {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  return { path: '/api/v1/namespaces', list: () => api.listNamespace({}, withRequestTimeout(listTimeoutMs)) };
}
