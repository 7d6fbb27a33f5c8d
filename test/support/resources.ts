// CustomerProfilesIntegration objects as the user makes them (create, patch, delete through an
// admin client), and waits on their conditions: what e2e tests and benchmarks act and read with.
import * as k8s from '@kubernetes/client-node';
import { API_VERSION, GROUP, INTEGRATION_NAMES, VERSION, type KindNames } from '../../src/api/group.ts';
import type { Condition, CustomerProfilesIntegration, IntegrationSpec } from '../../src/api/types.ts';
import { waitFor } from './wait.ts';

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

type Spec = Partial<IntegrationSpec> & { domainName: string } & Record<string, unknown>;

export interface NewResource {
  name: string;
  spec: Spec;
  annotations?: Record<string, string>;
}

export class Resources {
  readonly api: k8s.CustomObjectsApi;
  readonly namespace: string;
  /** The kind these are (default: CustomerProfilesIntegration); its objects are typed as integrations. */
  readonly names: KindNames;
  constructor(namespace: string, kc: k8s.KubeConfig, names: KindNames = INTEGRATION_NAMES) {
    this.api = kc.makeApiClient(k8s.CustomObjectsApi);
    this.namespace = namespace;
    this.names = names;
  }

  private ref(name: string) {
    return { group: GROUP, version: VERSION, plural: this.names.plural, namespace: this.namespace, name };
  }

  create(r: NewResource): Promise<CustomerProfilesIntegration>;
  create(name: string, spec: Spec, annotations?: Record<string, string>): Promise<CustomerProfilesIntegration>;
  async create(nameOr: string | NewResource, spec?: Spec, annotations?: Record<string, string>): Promise<CustomerProfilesIntegration> {
    const r: NewResource = typeof nameOr === 'string' ? { name: nameOr, spec: spec!, ...(annotations ? { annotations } : {}) } : nameOr;
    const metadata = { name: r.name, namespace: this.namespace, ...(r.annotations ? { annotations: r.annotations } : {}) };
    return (await this.api.createNamespacedCustomObject({
      group: GROUP, version: VERSION, plural: this.names.plural, namespace: this.namespace,
      body: { apiVersion: API_VERSION, kind: this.names.kind, metadata, spec: r.spec },
    })) as CustomerProfilesIntegration;
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
    const out = (await this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: this.names.plural, namespace: this.namespace })) as { items: CustomerProfilesIntegration[] };
    return out.items;
  }

  async patchSpec(name: string, spec: Record<string, unknown>): Promise<CustomerProfilesIntegration> {
    return (await this.api.patchNamespacedCustomObject({ ...this.ref(name), body: { spec } }, merge)) as CustomerProfilesIntegration;
  }

  /** A status write as the controller makes it (merge patch on the status subresource). */
  async patchStatus(name: string, status: Record<string, unknown>): Promise<CustomerProfilesIntegration> {
    return (await this.api.patchNamespacedCustomObjectStatus({ ...this.ref(name), body: { status } }, merge)) as CustomerProfilesIntegration;
  }

  async annotate(name: string, annotations: Record<string, string | null>): Promise<CustomerProfilesIntegration> {
    return (await this.api.patchNamespacedCustomObject({ ...this.ref(name), body: { metadata: { annotations } } }, merge)) as CustomerProfilesIntegration;
  }

  async delete(name: string): Promise<void> {
    await this.api.deleteNamespacedCustomObject(this.ref(name));
  }

  async waitGone(name: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => (await this.get(name)) === undefined, { timeoutMs, what: `${this.namespace}/${name} to be deleted` });
  }

  /** Waits until the condition has the status (and reason) at the object's current generation. */
  async waitForCondition(name: string, type: string, status: string, opts: { reason?: string; timeoutMs?: number } = {}): Promise<CustomerProfilesIntegration> {
    let last: CustomerProfilesIntegration | undefined;
    return waitFor(
      async () => {
        last = await this.get(name);
        const c = condition(last, type);
        const current = c && c.observedGeneration === last?.metadata.generation;
        return current && c.status === status && (!opts.reason || c.reason === opts.reason) ? last : undefined;
      },
      { timeoutMs: opts.timeoutMs ?? 30_000, what: () => `${name} ${type}=${status}${opts.reason ? ` (${opts.reason})` : ''}; last status: ${JSON.stringify(last?.status)}` },
    );
  }

  waitReady(name: string, timeoutMs?: number) {
    return this.waitForCondition(name, 'Ready', 'True', timeoutMs ? { timeoutMs } : {});
  }
}

export function condition(obj: CustomerProfilesIntegration | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}
