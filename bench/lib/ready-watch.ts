// Watches the resources of one namespace and notes, for each, when the API server first showed
// it Ready=True at its current generation. Benchmarks read their clock from these watch events
// rather than from polling, so a figure is never rounded up to a poll interval. It also counts
// every change to every object (each MODIFIED event is one write to the API server).
import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../../src/api/group.ts';
import type { CustomerProfilesIntegration } from '../../src/api/types.ts';
import { waitFor } from '../../test/support/wait.ts';

export interface ReadyEvent {
  name: string;
  generation: number;
  /** Epoch ms when the watch delivered the event. */
  at: number;
}

export function isReadyAtGeneration(obj: CustomerProfilesIntegration): boolean {
  const gen = obj.metadata.generation;
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
  return !!ready && ready.status === 'True' && ready.observedGeneration === gen && obj.status?.observedGeneration === gen;
}

export class ReadyWatch {
  private readonly kc: k8s.KubeConfig;
  private readonly path: string;
  private readonly namespace: string;
  private abort: AbortController | undefined;
  private stopped = false;
  /** name -> the latest object seen */
  readonly objects = new Map<string, CustomerProfilesIntegration>();
  /** name -> "generation:epochMs" of the first Ready=True seen at that generation */
  private readonly readyAt = new Map<string, ReadyEvent>();
  readonly readyEvents: ReadyEvent[] = [];
  modified = 0;
  private listeners = new Set<(e: ReadyEvent) => void>();

  constructor(kc: k8s.KubeConfig, namespace: string) {
    this.kc = kc;
    this.namespace = namespace;
    this.path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
  }

  async start(): Promise<void> {
    const api = this.kc.makeApiClient(k8s.CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: this.namespace })) as {
      items: CustomerProfilesIntegration[];
      metadata: { resourceVersion: string };
    };
    for (const o of list.items) this.see(o);
    await this.watchFrom(list.metadata.resourceVersion);
  }

  private async watchFrom(resourceVersion: string): Promise<void> {
    const watch = new k8s.Watch(this.kc);
    let rv = resourceVersion;
    this.abort = await watch.watch(
      this.path,
      { resourceVersion: rv, allowWatchBookmarks: true },
      (type: string, obj: CustomerProfilesIntegration) => {
        if (obj?.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        if (type === 'DELETED') {
          this.objects.delete(obj.metadata.name);
          return;
        }
        if (type === 'MODIFIED') this.modified++;
        this.see(obj);
      },
      (err: unknown) => {
        if (this.stopped) return;
        // A watch ends now and then (timeouts): carry on from the last version seen; on 410, relist.
        const gone = (err as { code?: number } | undefined)?.code === 410;
        setTimeout(() => void (gone ? this.start() : this.watchFrom(rv)).catch(() => setTimeout(() => void this.start().catch(() => {}), 500)), 100);
      },
    );
  }

  private see(obj: CustomerProfilesIntegration) {
    const name = obj.metadata.name;
    this.objects.set(name, obj);
    if (!isReadyAtGeneration(obj)) return;
    const gen = obj.metadata.generation ?? 0;
    const prev = this.readyAt.get(name);
    if (prev && prev.generation >= gen) return;
    const e = { name, generation: gen, at: Date.now() };
    this.readyAt.set(name, e);
    this.readyEvents.push(e);
    for (const l of this.listeners) l(e);
  }

  /** The Ready event of `name` at `generation` (or later), if seen. */
  ready(name: string, generation = 1): ReadyEvent | undefined {
    const e = this.readyAt.get(name);
    return e && e.generation >= generation ? e : undefined;
  }

  readyCount(): number {
    let n = 0;
    for (const o of this.objects.values()) if (isReadyAtGeneration(o)) n++;
    return n;
  }

  /** Resolves with the event once `name` is Ready at `generation`. */
  waitReady(name: string, generation: number, timeoutMs: number): Promise<ReadyEvent> {
    const seen = this.ready(name, generation);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`${name} not Ready at generation ${generation} after ${timeoutMs} ms; last status: ${JSON.stringify(this.objects.get(name)?.status)}`));
      }, timeoutMs);
      const l = (e: ReadyEvent) => {
        if (e.name !== name || e.generation < generation) return;
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve(e);
      };
      this.listeners.add(l);
    });
  }

  /** Resolves once `count` objects are Ready at their generation; `onProgress` each second. */
  async waitAllReady(count: number, timeoutMs: number, onProgress?: (ready: number) => void): Promise<number> {
    let lastReport = 0;
    let n = 0;
    return waitFor(
      () => {
        n = this.readyCount();
        if (n >= count) return Date.now();
        if (onProgress && Date.now() - lastReport >= 1000) {
          lastReport = Date.now();
          onProgress(n);
        }
        return undefined;
      },
      { what: () => `${count} resources Ready (${n} are)`, timeoutMs, intervalMs: 50 },
    );
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }
}
