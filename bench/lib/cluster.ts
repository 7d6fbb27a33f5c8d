// The Kubernetes side of a benchmark: the user's calls (create, patch, delete) as an admin client
// makes them, several at a time. The control plane itself is test/support/cluster.ts.
import * as k8s from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '../../src/api/group.ts';
import type { CustomerProfilesIntegration, IntegrationSpec } from '../../src/api/types.ts';

export type { PrivateCluster as Cluster } from '../../test/support/cluster.ts';
export { createNamespace } from '../../test/support/cluster.ts';

export interface NewResource {
  name: string;
  spec: IntegrationSpec;
  annotations?: Record<string, string>;
}

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** The user's side: CustomerProfilesIntegration objects in one namespace, through the admin client. */
export class UserClient {
  readonly api: k8s.CustomObjectsApi;
  readonly namespace: string;
  constructor(kc: k8s.KubeConfig, namespace: string) {
    this.api = kc.makeApiClient(k8s.CustomObjectsApi);
    this.namespace = namespace;
  }

  private ref(name: string) {
    return { group: GROUP, version: VERSION, plural: PLURAL, namespace: this.namespace, name };
  }

  create(r: NewResource): Promise<CustomerProfilesIntegration> {
    const metadata = { name: r.name, namespace: this.namespace, ...(r.annotations ? { annotations: r.annotations } : {}) };
    return this.api.createNamespacedCustomObject({
      group: GROUP, version: VERSION, plural: PLURAL, namespace: this.namespace,
      body: { apiVersion: API_VERSION, kind: KIND, metadata, spec: r.spec },
    }) as Promise<CustomerProfilesIntegration>;
  }

  patchSpec(name: string, spec: Record<string, unknown>): Promise<CustomerProfilesIntegration> {
    return this.api.patchNamespacedCustomObject({ ...this.ref(name), body: { spec } }, merge) as Promise<CustomerProfilesIntegration>;
  }

  /** A status write as the controller makes it (merge patch on the status subresource). */
  patchStatus(name: string, status: Record<string, unknown>): Promise<CustomerProfilesIntegration> {
    return this.api.patchNamespacedCustomObjectStatus({ ...this.ref(name), body: { status } }, merge) as Promise<CustomerProfilesIntegration>;
  }

  async delete(name: string): Promise<void> {
    await this.api.deleteNamespacedCustomObject(this.ref(name));
  }

  async get(name: string): Promise<CustomerProfilesIntegration | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject(this.ref(name))) as CustomerProfilesIntegration;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async list(): Promise<CustomerProfilesIntegration[]> {
    const out = (await this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: this.namespace })) as { items: CustomerProfilesIntegration[] };
    return out.items;
  }
}

/** Runs `fn` over the items with at most `concurrency` calls in flight. */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Distinct Amazon Connect instance ARNs, one per index (valid against the schema's pattern). */
export function connectUri(prefix: number, i: number): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  return `arn:aws:connect:us-east-1:123456789012:instance/${hex(prefix, 8)}-0000-4000-8000-${hex(i, 12)}`;
}

/** `n` Connect-instance resources spread round-robin over `domains`. */
export function connectResources(n: number, domains: string[], opts: { prefix?: number; namePrefix?: string; offset?: number } = {}): NewResource[] {
  const off = opts.offset ?? 0;
  return Array.from({ length: n }, (_, j) => {
    const i = j + off;
    return {
      name: `${opts.namePrefix ?? 'r'}-${String(i).padStart(5, '0')}`,
      spec: { domainName: domains[i % domains.length]!, uri: connectUri(opts.prefix ?? 1, i), objectTypeName: 'CTR', tags: { bench: 'true' } },
    };
  });
}

/** Domain names d-00 .. d-(k-1), enough to hold `n` integrations at `perDomain` each. */
export function domainsFor(n: number, perDomain = 50): string[] {
  const k = Math.max(1, Math.ceil(n / perDomain));
  return Array.from({ length: k }, (_, i) => `d-${String(i).padStart(2, '0')}`);
}
