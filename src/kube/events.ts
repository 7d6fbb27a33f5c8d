// Kubernetes Events (events.k8s.io/v1) for every AWS write and every failure. Repeats are
// aggregated as client-go's recorder does: the same event within 10 minutes becomes a `series`
// count on the first one instead of a new object, and each object gets a burst of 25 events, then
// one per 5 minutes, so a retrying resource cannot flood etcd. Emitting never blocks a reconcile.
import * as k8s from '@kubernetes/client-node';
import type { ManagedObject } from '../api/managed-object.ts';
import { API_VERSION, KIND, REPORTING_CONTROLLER } from '../api/group.ts';
import { withTimeout } from './resources.ts';

const SERIES_WINDOW_MS = 10 * 60_000;
const BURST = 25;
const REFILL_MS = 5 * 60_000;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastAt: number;
}

interface Budget {
  tokens: number;
  refilledAt: number;
}

export class EventRecorder {
  private readonly api: k8s.EventsV1Api;
  private readonly instance: string;
  private readonly kind: string;
  private readonly seen = new Map<string, Seen>();
  private readonly budgets = new Map<string, Budget>();
  private readonly onError: (err: unknown) => void;
  private readonly now: () => number;

  /** kind: of the objects it records Events for (default CustomerProfilesIntegration). */
  constructor(kc: k8s.KubeConfig, opts: { instance: string; kind?: string; onError?: (err: unknown) => void; now?: () => number }) {
    this.kind = opts.kind ?? KIND;
    this.api = kc.makeApiClient(k8s.EventsV1Api);
    this.instance = opts.instance.slice(0, 128);
    this.onError = opts.onError ?? (() => {});
    this.now = opts.now ?? Date.now;
  }

  emit(obj: ManagedObject, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    void this.record(obj, type, reason, action, note).catch(this.onError);
  }

  private allow(uid: string, now: number): boolean {
    const b = this.budgets.get(uid) ?? { tokens: BURST, refilledAt: now };
    const refill = Math.floor((now - b.refilledAt) / REFILL_MS);
    if (refill > 0) {
      b.tokens = Math.min(BURST, b.tokens + refill);
      b.refilledAt = now;
    }
    this.budgets.set(uid, b);
    if (b.tokens <= 0) return false;
    b.tokens--;
    return true;
  }

  private async record(obj: ManagedObject, type: 'Normal' | 'Warning', reason: string, action: string, note: string): Promise<void> {
    const namespace = obj.metadata.namespace!;
    const uid = obj.metadata.uid ?? `${namespace}/${obj.metadata.name}`;
    const key = `${uid}|${type}|${reason}|${note}`;
    const now = this.now();
    this.prune(now);
    const prior = this.seen.get(key);
    if (prior && now - prior.lastAt < SERIES_WINDOW_MS) {
      prior.count++;
      prior.lastAt = now;
      await this.api.patchNamespacedEvent(
        { name: prior.name, namespace, body: { series: { count: prior.count, lastObservedTime: new k8s.V1MicroTime(now) } } },
        withTimeout(10_000, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)),
      );
      return;
    }
    if (!this.allow(uid, now)) return;
    const name = `${obj.metadata.name}.${now.toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
    this.seen.set(key, { name, namespace, count: 1, lastAt: now });
    await this.api.createNamespacedEvent(
      {
        namespace,
        body: {
          metadata: { name, namespace },
          eventTime: new k8s.V1MicroTime(now),
          type,
          reason,
          action,
          note: note.slice(0, 1024),
          reportingController: REPORTING_CONTROLLER,
          reportingInstance: this.instance,
          regarding: { apiVersion: API_VERSION, kind: this.kind, name: obj.metadata.name, namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
        },
      },
      withTimeout(10_000),
    );
  }

  private prune(now: number): void {
    if (this.seen.size < 1000) return;
    for (const [k, v] of this.seen) if (now - v.lastAt >= SERIES_WINDOW_MS) this.seen.delete(k);
    for (const [k, b] of this.budgets) if (now - b.refilledAt >= REFILL_MS * BURST) this.budgets.delete(k);
  }
}
