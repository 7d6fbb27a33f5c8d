// Writes to the operator's objects (any of its kinds): the status subresource and the finalizer list.
// The controller never writes spec. Every call is time-limited: client-node has no request
// timeout of its own (docs/design.md#why-every-kubernetes-request-has-its-own-timeout), and a silent API server must not hang a worker.
import * as k8s from '@kubernetes/client-node';
import type { ManagedObject, ManagedStatus } from '../api/managed-object.ts';
import { FIELD_MANAGER, GROUP, PLURAL, VERSION } from '../api/group.ts';

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
export function statusPatch(before: ManagedStatus | undefined, after: ManagedStatus): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...after };
  for (const key of Object.keys(before ?? {})) if (!(key in after) || (after as Record<string, unknown>)[key] === undefined) patch[key] = null;
  return patch;
}

export interface StatusWriteObserver {
  (obj: ManagedObject, written: ManagedObject): void;
}

export class KubeResourceWriter<R extends ManagedObject = ManagedObject> {
  private readonly api: k8s.CustomObjectsApi;
  private readonly timeoutMs: number;
  private readonly onWritten: StatusWriteObserver | undefined;
  private readonly plural: string;

  /** plural: the kind's resource (default: customerprofilesintegrations). */
  constructor(kc: k8s.KubeConfig, opts: { timeoutMs?: number; onWritten?: StatusWriteObserver; plural?: string } = {}) {
    this.plural = opts.plural ?? PLURAL;
    this.api = kc.makeApiClient(k8s.CustomObjectsApi);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.onWritten = opts.onWritten;
  }

  private ref(obj: R) {
    return { group: GROUP, version: VERSION, plural: this.plural, namespace: obj.metadata.namespace!, name: obj.metadata.name };
  }

  async patchStatus(obj: R, status: NonNullable<R['status']>): Promise<void> {
    // No resourceVersion guard: status describes what we did in AWS, which stays true even if the
    // spec moved meanwhile; observedGeneration tells readers which spec it answers.
    const written = (await this.api.patchNamespacedCustomObjectStatus(
      { ...this.ref(obj), fieldManager: FIELD_MANAGER, body: { status: statusPatch(obj.status, status) } },
      withTimeout(this.timeoutMs, mergePatch),
    )) as R;
    this.onWritten?.(obj, written);
  }

  async setFinalizers(obj: R, finalizers: string[]): Promise<R> {
    // Guarded by resourceVersion: merge patch replaces the whole list, so a stale read must fail (409).
    const written = (await this.api.patchNamespacedCustomObject(
      { ...this.ref(obj), fieldManager: FIELD_MANAGER, body: { metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers } } },
      withTimeout(this.timeoutMs, mergePatch),
    )) as R;
    this.onWritten?.(obj, written);
    return written;
  }
}
