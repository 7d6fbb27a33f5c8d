// A deleted resource leaves nothing behind in the controller: after 5,000 creates, reconciles and
// deletes, every per-key map and the work queue are empty again (issue J). The informer and the
// reconciler are fakes that behave as the API server and the reconciler do, races included: the
// DELETE event of a resource can arrive before the answer to the write that removed its
// finalizer, and a reconcile can still be running when its resource goes away.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '../../../src/api/group.ts';
import type { CustomerProfilesIntegration } from '../../../src/api/types.ts';
import { ClaimIndex } from '../../../src/controller/claims.ts';
import { Controller, keyOf, type ObjectCache } from '../../../src/controller/controller.ts';
import type { IntegrationReconciler, ReconcileResult, Trigger } from '../../../src/reconcile/reconciler.ts';
import { waitFor } from '../../support/wait.ts';

type Obj = CustomerProfilesIntegration;
type Verb = 'add' | 'update' | 'delete';
const FINALIZER = 'customerprofiles.gitops.dev/finalizer';
const N = 5000;

/** The informer as the API server drives it: every write is a new resourceVersion and an event. */
class FakeApiServer implements ObjectCache<Obj> {
  readonly objects = new Map<string, Obj>();
  readonly #handlers: Record<Verb, Array<(o: Obj) => void>> = { add: [], update: [], delete: [] };
  #rv = 1;

  on(verb: Verb, fn: (o: Obj) => void): void {
    this.#handlers[verb].push(fn);
  }
  get(name: string, namespace?: string): Obj | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }
  list(): readonly Obj[] {
    return [...this.objects.values()];
  }

  /** Stores a new version (generation +1 if `specChange`), emits add or update, returns it. */
  write(obj: Obj, o: { specChange?: boolean } = {}): Obj {
    const key = keyOf(obj);
    const before = this.objects.get(key);
    const next: Obj = structuredClone(obj);
    next.metadata.resourceVersion = String(++this.#rv);
    next.metadata.generation = (before?.metadata.generation ?? 0) + (o.specChange || !before ? 1 : 0);
    // Removing the last finalizer of a deleted object deletes it.
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
      this.objects.delete(key);
      for (const fn of this.#handlers.delete) fn(next);
      return next;
    }
    this.objects.set(key, next);
    for (const fn of this.#handlers[before ? 'update' : 'add']) fn(next);
    return next;
  }

  /** kubectl delete: marks it (finalizers) or removes it at once. */
  delete(key: string): void {
    const obj = this.objects.get(key)!;
    if (obj.metadata.finalizers?.length) this.write({ ...obj, metadata: { ...obj.metadata, deletionTimestamp: new Date().toISOString() } }, { specChange: true });
    else this.write({ ...obj, metadata: { ...obj.metadata, deletionTimestamp: new Date().toISOString() } });
  }
}

/** Adds the finalizer (Delete policy), writes status, polls; on deletion removes the finalizer. */
class FakeReconciler {
  readonly forgotten = new Set<string>();
  readonly #retried = new Set<string>();
  private readonly api: FakeApiServer;
  private readonly written: (o: Obj) => void;
  constructor(api: FakeApiServer, written: (o: Obj) => void) {
    this.api = api;
    this.written = written;
  }

  async reconcile(obj: Obj, _trigger: Trigger): Promise<ReconcileResult> {
    await Promise.resolve();
    const key = keyOf(obj);
    if (obj.metadata.deletionTimestamp) {
      if (!obj.metadata.finalizers?.includes(FINALIZER)) return {};
      // The watch delivers the DELETE before the patch's answer reaches the writer.
      const answer = this.api.write({ ...obj, metadata: { ...obj.metadata, finalizers: [] } });
      await Promise.resolve();
      this.written(answer);
      return {};
    }
    if (obj.metadata.annotations?.[ANNOTATIONS.reconcileRequestedAt]) {
      this.api.delete(key); // deleted while its reconcile runs, which then fails
      return { retry: true };
    }
    if (Number(obj.metadata.uid!.slice(4)) % 7 === 0 && !this.#retried.has(key)) {
      this.#retried.add(key); // a throttled call: retried once, with backoff
      return { retry: true };
    }
    if (obj.spec.deletionPolicy !== 'Retain' && !obj.metadata.finalizers?.includes(FINALIZER)) {
      obj = this.api.write({ ...obj, metadata: { ...obj.metadata, finalizers: [FINALIZER] } });
      this.written(obj);
    }
    if (obj.status?.observedGeneration !== obj.metadata.generation) {
      const answer = this.api.write({ ...obj, status: { observedGeneration: obj.metadata.generation } });
      this.written(answer);
    }
    return { requeueAfterMs: 600_000 };
  }

  forget(key: string): void {
    this.forgotten.add(key);
  }
}

function resource(i: number): Obj {
  return {
    apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
    kind: 'CustomerProfilesIntegration',
    metadata: { name: `r-${i}`, namespace: `ns-${i % 10}`, uid: `uid-${i}`, creationTimestamp: new Date(1_700_000_000_000 + i).toISOString() },
    // Every 50th pair shares a claim (a Conflict), every 5th keeps its integration on delete.
    spec: { domainName: `d-${i % 100}`, uri: `arn:aws:connect:us-east-1:1:instance/${i % 50 === 1 ? i - 1 : i}`, objectTypeName: 'CTR', ...(i % 5 === 0 ? { deletionPolicy: 'Retain' as const } : {}) },
  };
}

describe('the controller after every resource is deleted', () => {
  it(`holds no per-key state and an empty queue after ${N} creates and deletes`, async () => {
    const api = new FakeApiServer();
    const claims = new ClaimIndex('us-east-1');
    let controller!: Controller;
    const reconciler = new FakeReconciler(api, (o) => controller.recordWrite(o));
    controller = new Controller({
      informer: api,
      reconciler: reconciler as unknown as IntegrationReconciler,
      claims,
      concurrency: 4,
      pollIntervalMs: 600_000,
      log: pino({ level: 'silent' }),
    });
    const running = controller.run();
    const q = controller.queue;
    const idle = () => q.len() === 0 && q.processingLen() === 0;
    try {
      for (let i = 0; i < N; i++) api.write(resource(i));
      await waitFor(() => idle() && [...api.objects.values()].every((o) => o.status?.observedGeneration === o.metadata.generation), { what: 'every resource reconciled', timeoutMs: 20_000, intervalMs: 20 });
      // At rest nothing waits for the cache: the watch delivered every write before its answer came.
      expect(controller.trackedKeys()).toEqual({ seen: N, written: 0, triggers: 0 });
      expect(q.delayedLen()).toBe(N); // each waits for its poll

      for (const [key, obj] of [...api.objects]) {
        // Every 10th goes away while a reconcile of it (asked for by annotation) is running.
        if (Number(obj.metadata.uid!.slice(4)) % 10 === 0) api.write({ ...obj, metadata: { ...obj.metadata, annotations: { [ANNOTATIONS.reconcileRequestedAt]: 'now' } } });
        else api.delete(key);
      }
      await waitFor(() => api.objects.size === 0 && idle(), { what: 'every resource gone', timeoutMs: 20_000, intervalMs: 20 });

      expect(controller.trackedKeys()).toEqual({ seen: 0, written: 0, triggers: 0 });
      expect(claims.size()).toEqual({ claims: 0, keys: 0 });
      expect({ waiting: q.len(), delayed: q.delayedLen(), processing: q.processingLen() }).toEqual({ waiting: 0, delayed: 0, processing: 0 });
      for (let i = 0; i < N; i++) expect(q.numRequeues(keyOf(resource(i)))).toBe(0);
      expect(reconciler.forgotten.size).toBe(N);
    } finally {
      await controller.stop(1000);
      await running;
    }
  });
});
