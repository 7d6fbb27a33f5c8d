// Writes to CustomerProfilesIntegration objects: the status subresource and the finalizer list.
// The controller never writes spec. Every call is time-limited: client-node has no request
// timeout of its own (docs/design.md#why-every-kubernetes-request-has-its-own-timeout), and a silent API server must not hang a worker.
import * as k8s from '@kubernetes/client-node';
import type { CustomerProfilesIntegration, IntegrationStatus } from '../api/types.ts';
import { FIELD_MANAGER, GROUP, PLURAL, VERSION } from '../api/group.ts';
import type { ResourceWriter } from '../reconcile/reconciler.ts';

export function withTimeout(ms: number, o?: k8s.ConfigurationOptions): k8s.ConfigurationOptions {
  return {
    ...o,
    middleware: [
      ...(o?.middleware ?? []),
      {
        pre: (ctx: k8s.RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return new k8s.Observable(Promise.resolve(ctx));
        },
        post: (r: k8s.ResponseContext) => new k8s.Observable(Promise.resolve(r)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Merge patch semantics: a member we drop must be sent as null to be removed. */
export function statusPatch(before: IntegrationStatus | undefined, after: IntegrationStatus): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...after };
  for (const key of Object.keys(before ?? {})) if (!(key in after) || (after as Record<string, unknown>)[key] === undefined) patch[key] = null;
  return patch;
}

export interface StatusWriteObserver {
  (obj: CustomerProfilesIntegration, written: CustomerProfilesIntegration): void;
}

export class KubeResourceWriter implements ResourceWriter {
  private readonly api: k8s.CustomObjectsApi;
  private readonly timeoutMs: number;
  private readonly onWritten: StatusWriteObserver | undefined;

  constructor(kc: k8s.KubeConfig, opts: { timeoutMs?: number; onWritten?: StatusWriteObserver } = {}) {
    this.api = kc.makeApiClient(k8s.CustomObjectsApi);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.onWritten = opts.onWritten;
  }

  private ref(obj: CustomerProfilesIntegration) {
    return { group: GROUP, version: VERSION, plural: PLURAL, namespace: obj.metadata.namespace!, name: obj.metadata.name };
  }

  async patchStatus(obj: CustomerProfilesIntegration, status: IntegrationStatus): Promise<void> {
    // No resourceVersion guard: status describes what we did in AWS, which stays true even if the
    // spec moved meanwhile; observedGeneration tells readers which spec it answers.
    const written = (await this.api.patchNamespacedCustomObjectStatus(
      { ...this.ref(obj), fieldManager: FIELD_MANAGER, body: { status: statusPatch(obj.status, status) } },
      withTimeout(this.timeoutMs, mergePatch),
    )) as CustomerProfilesIntegration;
    this.onWritten?.(obj, written);
  }

  async setFinalizers(obj: CustomerProfilesIntegration, finalizers: string[]): Promise<CustomerProfilesIntegration> {
    // Guarded by resourceVersion: merge patch replaces the whole list, so a stale read must fail (409).
    const written = (await this.api.patchNamespacedCustomObject(
      { ...this.ref(obj), fieldManager: FIELD_MANAGER, body: { metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers } } },
      withTimeout(this.timeoutMs, mergePatch),
    )) as CustomerProfilesIntegration;
    this.onWritten?.(obj, written);
    return written;
  }
}
