// The status of resources as the cluster has them, read with the current kubeconfig context:
// `cpi plan` needs what only the operator remembers (the Uri AWS generated for a flow, the flow
// definition last applied, when it last wrote, the ownership it recorded), and `cpi import` which
// domains, object types and integrations resources already manage. Every kind of the group
// (`names`, default the integration's). Read-only: one GET per resource, or one LIST per kind.
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GROUP, INTEGRATION_NAMES, VERSION, type KindNames } from '../api/group.ts';
import type { CustomerProfilesIntegration, CustomerProfilesResource, IntegrationStatus } from '../api/types.ts';
import { loadKubeConfig } from '../kube/kubeconfig.ts';
import { namespaceRole } from '../kube/namespace-role.ts';
import { UserError as CliError } from '../runtime/user-error.ts';

export interface LiveStatusSource {
  /** The kubeconfig context in use, for people. */
  context: string;
  /** The context's namespace, or `default`. */
  namespace: string;
  status(namespace: string, name: string): Promise<IntegrationStatus | undefined>;
  /** The status of a resource of any kind (`names`: its kind's). */
  statusOf<S = unknown>(names: KindNames, namespace: string, name: string): Promise<S | undefined>;
  /** The resource's uid in the cluster (one GET shared with status()). */
  uid(namespace: string, name: string, names?: KindNames): Promise<string | undefined>;
  /**
   * Every resource the context may list: cluster-wide, else (list forbidden there) in
   * `fallbackNamespace`. `scope` says which was read. A kind whose CRD is not installed has none.
   */
  list(fallbackNamespace?: string): Promise<{ items: CustomerProfilesIntegration[]; scope: 'cluster' | { namespace: string } }>;
  listOf<R extends CustomerProfilesResource>(names: KindNames, fallbackNamespace?: string): Promise<{ items: R[]; scope: 'cluster' | { namespace: string } }>;
  /** The IAM role each Namespace names for its resources (the controller assumes it); empty when Namespaces may not be listed. */
  namespaceRoles(): Promise<Map<string, string>>;
}

/**
 * The kubeconfig as kubectl finds it: --kubeconfig, then $KUBECONFIG, then ~/.kube/config.
 * Undefined when there is none (plan then works from AWS alone).
 */
export function findKubeConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): k8s.KubeConfig | undefined {
  if (flag || env.KUBECONFIG) return loadKubeConfig(flag, env);
  const home = join(env.HOME || homedir(), '.kube', 'config');
  return existsSync(home) ? loadKubeConfig(home, env) : undefined;
}

export function liveStatusSource(kc: k8s.KubeConfig): LiveStatusSource {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const context = kc.getCurrentContext();
  const namespace = kc.getContextObject(context)?.namespace || 'default';
  const objects = new Map<string, Promise<CustomerProfilesResource | undefined>>();
  const object = (ns: string, name: string, names: KindNames = INTEGRATION_NAMES) => {
    const key = `${names.plural}/${ns}/${name}`;
    let p = objects.get(key);
    if (!p) objects.set(key, (p = get(ns, name, names.plural)));
    return p;
  };
  const get = async (ns: string, name: string, plural: string): Promise<CustomerProfilesResource | undefined> => {
    try {
      return (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace: ns, name })) as CustomerProfilesResource;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404) return undefined;
      const why = code ? `HTTP ${code}` : (err as Error).message;
      throw new CliError(`cannot read ${ns}/${name} from the cluster (kubeconfig context "${context}"): ${why}; fix the kubeconfig or pass --no-cluster to plan from AWS alone`);
    }
  };
  return {
    context,
    namespace,
    status: async (ns, name) => {
      const obj = await object(ns, name);
      return obj ? ((obj.status ?? {}) as IntegrationStatus) : undefined;
    },
    statusOf: async <S>(names: KindNames, ns: string, name: string) => {
      const obj = await object(ns, name, names);
      return obj ? ((obj.status ?? {}) as S) : undefined;
    },
    uid: async (ns, name, names) => (await object(ns, name, names))?.metadata.uid,
    async namespaceRoles() {
      try {
        const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
        const roles = new Map<string, string>();
        for (const n of list.items) {
          const role = namespaceRole(n);
          if (role && n.metadata?.name) roles.set(n.metadata.name, role);
        }
        return roles;
      } catch {
        return new Map(); // best effort: every namespace then counts as the controller's own account
      }
    },
    list(fallbackNamespace) {
      return this.listOf<CustomerProfilesIntegration>(INTEGRATION_NAMES, fallbackNamespace);
    },
    async listOf<R extends CustomerProfilesResource>(names: KindNames, fallbackNamespace?: string) {
      const { plural } = names;
      const items = (r: unknown) => (r as { items: R[] }).items;
      const fail = (err: unknown, where: string): never => {
        const code = (err as { code?: number }).code;
        throw new CliError(`cannot list ${plural} ${where} (kubeconfig context "${context}"): ${code ? `HTTP ${code}` : (err as Error).message}; fix the kubeconfig or pass --no-cluster`);
      };
      try {
        return { items: items(await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural })), scope: 'cluster' as const };
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code === 404) return { items: [] as R[], scope: 'cluster' as const }; // no CRD installed: nothing is managed there
        if (code !== 403 || !fallbackNamespace) return fail(err, 'in all namespaces');
      }
      try {
        return { items: items(await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace: fallbackNamespace })), scope: { namespace: fallbackNamespace } };
      } catch (err) {
        return fail(err, `in namespace ${fallbackNamespace}`);
      }
    },
  };
}
