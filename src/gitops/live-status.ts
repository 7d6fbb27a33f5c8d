// The status of resources as the cluster has them, read with the current kubeconfig context:
// `cpi plan` needs what only the operator remembers (the Uri AWS generated for a flow, the flow
// definition last applied, when it last wrote), and `cpi import` which integrations resources
// already manage. Read-only: one GET per resource, or one LIST.
import * as k8s from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GROUP, PLURAL, VERSION } from '../api/group.ts';
import type { CustomerProfilesIntegration, IntegrationStatus } from '../api/types.ts';
import { loadKubeConfig } from '../kube/kubeconfig.ts';
import { namespaceRole } from '../kube/namespace-role.ts';
import { UserError as CliError } from '../runtime/user-error.ts';

export interface LiveStatusSource {
  /** The kubeconfig context in use, for people. */
  context: string;
  /** The context's namespace, or `default`. */
  namespace: string;
  status(namespace: string, name: string): Promise<IntegrationStatus | undefined>;
  /** The resource's uid in the cluster (one GET shared with status()). */
  uid(namespace: string, name: string): Promise<string | undefined>;
  /**
   * Every resource the context may list: cluster-wide, else (list forbidden there) in
   * `fallbackNamespace`. `scope` says which was read.
   */
  list(fallbackNamespace?: string): Promise<{ items: CustomerProfilesIntegration[]; scope: 'cluster' | { namespace: string } }>;
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
  const objects = new Map<string, Promise<CustomerProfilesIntegration | undefined>>();
  const object = (ns: string, name: string) => {
    let p = objects.get(`${ns}/${name}`);
    if (!p) objects.set(`${ns}/${name}`, (p = get(ns, name)));
    return p;
  };
  const get = async (ns: string, name: string): Promise<CustomerProfilesIntegration | undefined> => {
    try {
      return (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: ns, name })) as CustomerProfilesIntegration;
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
      return obj ? (obj.status ?? {}) : undefined;
    },
    uid: async (ns, name) => (await object(ns, name))?.metadata.uid,
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
    async list(fallbackNamespace) {
      const items = (r: unknown) => (r as { items: CustomerProfilesIntegration[] }).items;
      const fail = (err: unknown, where: string): never => {
        const code = (err as { code?: number }).code;
        throw new CliError(`cannot list ${PLURAL} ${where} (kubeconfig context "${context}"): ${code ? `HTTP ${code}` : (err as Error).message}; fix the kubeconfig or pass --no-cluster`);
      };
      try {
        return { items: items(await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })), scope: 'cluster' };
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code === 404) return { items: [], scope: 'cluster' }; // no CRD installed: nothing is managed there
        if (code !== 403 || !fallbackNamespace) return fail(err, 'in all namespaces');
      }
      try {
        return { items: items(await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: fallbackNamespace })), scope: { namespace: fallbackNamespace } };
      } catch (err) {
        return fail(err, `in namespace ${fallbackNamespace}`);
      }
    },
  };
}
