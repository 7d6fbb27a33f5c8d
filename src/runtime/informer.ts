// A list+watch cache that survives everything a long-running controller meets, built on
// @kubernetes/client-node's ListWatch (docs/design.md#why-the-informer-is-restarted-on-every-error for the behaviour relied on here).
//
// What client-node does by itself: relists after 410 Gone, reopens a watch that was quiet for 30 s
// (TimeoutError) or that the server ended cleanly. What it does NOT do, and this class adds:
// - Any other failure (connection refused while the API server restarts, a socket reset, 429
//   "storage is (re)initializing" on the first list of a CRD, 401/403, 5xx) fires 'error' and
//   leaves the informer stopped. We start it again with exponential backoff and jitter (1 s
//   doubling to 30 s); it keeps its cache and resourceVersion, so it resumes the watch or, when
//   the version is too old, relists and emits the missed add/update/delete.
// - stop() also fires 'error' (AbortError): ignored, so a stopped informer stays stopped. A stop()
//   during client-node's reconnect delay would open one more watch after it; we refuse it.
// - A throwing handler would crash the process (unhandled rejection): handlers are isolated.
// - hasSynced(): the first list has been applied to the cache. isHealthy(): false once the
//   list/watch has been failing without a success for longer than `unhealthyAfterMs` (liveness).
import * as k8s from '@kubernetes/client-node';
import { realClock, sleep, type Clock, type TimerHandle } from './clock.ts';
import { jitter } from './backoff.ts';
import { describeKubeError, silentLogger, type Logger } from './log.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

/** What a cached object keeps (keepOnly). Everything else is dropped before anyone sees it. */
export interface CachedFields {
  /** metadata members, e.g. name, namespace, resourceVersion (the cache's own keys: always kept). */
  metadata: readonly string[];
  /** Annotations whose key starts with this prefix (none if absent). */
  annotationPrefix?: string;
  /** Other top-level members besides apiVersion, kind and metadata (e.g. spec, status). */
  topLevel: readonly string[];
}

/**
 * A transform for ResilientInformerOptions that keeps only what the controller reads: managedFields,
 * kubectl's last-applied-configuration (a whole copy of the object), labels and foreign annotations
 * go. Members are replaced, never deleted: V8 turns an object that loses a property into a slower,
 * larger dictionary. Reading a member not listed here finds it missing: list it first.
 */
export function keepOnly(fields: CachedFields): (obj: k8s.KubernetesObject) => void {
  const metadataKeys = [...new Set(['name', 'namespace', 'resourceVersion', ...fields.metadata])];
  return (obj) => {
    const before = obj.metadata;
    if (before) {
      const metadata: Record<string, unknown> = {};
      for (const k of metadataKeys) {
        const v = (before as Record<string, unknown>)[k];
        if (v !== undefined) metadata[k] = v;
      }
      const prefix = fields.annotationPrefix;
      if (prefix !== undefined && before.annotations) {
        const kept = Object.entries(before.annotations).filter(([k]) => k.startsWith(prefix));
        if (kept.length) metadata.annotations = Object.fromEntries(kept);
      }
      obj.metadata = metadata as k8s.V1ObjectMeta;
    }
    const o = obj as unknown as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && !fields.topLevel.includes(k)) o[k] = undefined;
  };
}

export interface ResilientInformerOptions<T extends k8s.KubernetesObject> {
  kubeConfig: k8s.KubeConfig;
  /** The collection path, e.g. `/apis/GROUP/VERSION/PLURAL` or `/api/v1/namespaces`. */
  path: string;
  /** Lists the same collection (with the same selector). Give it a request timeout. */
  list: () => Promise<k8s.KubernetesListObject<T>>;
  labelSelector?: string;
  /** For logs. Default: the path. */
  name?: string;
  logger?: Logger;
  clock?: Clock;
  /** First and longest restart delay after a failure. Default 1 s and 30 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long failures may last, with no success, before isHealthy() turns false. Default 60 s. */
  unhealthyAfterMs?: number;
  /**
   * Trims an object in place before handlers see it, as client-go's SetTransform does: the cache
   * holds that same object, so dropping what nobody reads (managedFields) saves memory per object.
   */
  transform?: (obj: T) => void;
  rand?: () => number;
}

export interface InformerStatus {
  synced: boolean;
  healthy: boolean;
  /** Consecutive failures since the last success. */
  failures: number;
  /** When the current run of failures began (clock ms), if failing. */
  failingSince: number | undefined;
  /** Restarts after failures since start(). */
  restarts: number;
}

/** A Watch that tells the informer when a watch is established and refuses to start after stop(). */
class ObservedWatch extends k8s.Watch {
  readonly #hooks: { stopping(): boolean; established(): void; watching(): void };

  constructor(kc: k8s.KubeConfig, hooks: { stopping(): boolean; established(): void; watching(): void }) {
    super(kc);
    this.#hooks = hooks;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    // ListWatch opens a watch only once the list (if any) is in its cache.
    this.#hooks.watching();
    if (this.#hooks.stopping()) return new AbortController();
    let ended = false;
    const controller = await super.watch(path, queryParams, callback, (err) => {
      ended = true;
      done(err);
    });
    if (!ended) this.#hooks.established();
    return controller;
  }
}

export class ResilientInformer<T extends k8s.KubernetesObject> {
  readonly #lw: k8s.ListWatch<T>;
  readonly #name: string;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #unhealthyAfterMs: number;
  readonly #rand: () => number;
  readonly #handlers: Record<InformerEvent, Array<(obj: T) => void>> = { add: [], update: [], delete: [] };
  readonly #transform: ((obj: T) => void) | undefined;
  #stop = new AbortController();
  #running = false;
  #stopping = false;
  #synced = false;
  #syncWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  #failures = 0;
  #failingSince: number | undefined;
  #restarts = 0;
  #retry: TimerHandle | undefined;

  constructor(opts: ResilientInformerOptions<T>) {
    this.#name = opts.name ?? opts.path;
    this.#log = opts.logger ?? silentLogger;
    this.#clock = opts.clock ?? realClock;
    this.#baseMs = opts.backoffBaseMs ?? 1_000;
    this.#maxMs = opts.backoffMaxMs ?? 30_000;
    this.#unhealthyAfterMs = opts.unhealthyAfterMs ?? 60_000;
    this.#transform = opts.transform;
    this.#rand = opts.rand ?? Math.random;
    const watch = new ObservedWatch(opts.kubeConfig, {
      stopping: () => this.#stopping,
      watching: () => this.#markSynced(),
      established: () => this.#markHealthy(),
    });
    // client-node's own reconnect delay after a clean end of stream: on our clock, cut short by stop().
    const delayFn = (ms: number) => sleep(this.#clock, ms, this.#stop.signal).catch(() => {});
    this.#lw = new k8s.ListWatch<T>(opts.path, watch, opts.list, false, opts.labelSelector, undefined, { delayFn });
    for (const verb of ['add', 'update', 'delete'] as const) this.#lw.on(verb, (obj) => this.#dispatch(verb, obj));
    this.#lw.on('error', (err) => this.#onError(err));
  }

  /** Registers a handler. Handlers run synchronously in stream order: only enqueue keys there. */
  on(event: InformerEvent, fn: (obj: T) => void): void {
    this.#handlers[event].push(fn);
  }

  /**
   * Starts listing and watching; resolves once the first list is in the cache (it keeps retrying
   * until then). Rejects if stop() is called before that.
   */
  start(): Promise<void> {
    const synced = this.#synced
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => this.#syncWaiters.push({ resolve, reject }));
    if (!this.#running) {
      this.#running = true;
      this.#stopping = false;
      this.#stop = new AbortController();
      this.#run();
    }
    return synced;
  }

  /** Stops for good: no restart, no new watch. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#running = false;
    this.#stop.abort();
    this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const w of waiters) w.reject(new Error(`informer ${this.#name} stopped before it synced`));
    await this.#lw.stop();
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** False when list/watch has been failing, with no success, for longer than unhealthyAfterMs. */
  isHealthy(): boolean {
    return this.#failingSince === undefined || this.#clock.now() - this.#failingSince < this.#unhealthyAfterMs;
  }

  status(): InformerStatus {
    return {
      synced: this.#synced,
      healthy: this.isHealthy(),
      failures: this.#failures,
      failingSince: this.#failingSince,
      restarts: this.#restarts,
    };
  }

  /** Cached objects (live references: clone before mutating). */
  list(namespace?: string): readonly T[] {
    return this.#lw.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#lw.get(name, namespace);
  }

  /** The resourceVersion the watch resumes from. */
  latestResourceVersion(): string {
    return this.#lw.latestResourceVersion();
  }

  #run(): void {
    this.#lw.start().catch((err: unknown) => this.#onError(err));
  }

  #dispatch(verb: InformerEvent, obj: T): void {
    if (verb !== 'delete' && this.#transform) {
      try {
        this.#transform(obj);
      } catch (err) {
        this.#log.warn({ informer: this.#name, error: String(err) }, 'transform failed; object kept whole');
      }
    }
    for (const fn of this.#handlers[verb]) {
      try {
        fn(obj);
      } catch (err) {
        this.#log.error(
          { informer: this.#name, event: verb, object: `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`, err },
          'informer handler threw; event skipped for that handler',
        );
      }
    }
  }

  #onError(err: unknown): void {
    if (this.#stopping) return; // stop() aborts the watch and reports it as an error
    if (this.#retry !== undefined) return; // a restart is already scheduled
    this.#failingSince ??= this.#clock.now();
    const delay = Math.min(this.#maxMs, jitter(Math.min(this.#maxMs, this.#baseMs * 2 ** this.#failures), 0.5, this.#rand));
    this.#failures++;
    const fields = { informer: this.#name, error: describeKubeError(err), failures: this.#failures, retryInMs: Math.round(delay) };
    if (this.#failures === 1) this.#log.warn(fields, 'list/watch failed; restarting with backoff');
    else this.#log.debug(fields, 'list/watch still failing');
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      if (this.#stopping) return;
      this.#restarts++;
      this.#run();
    }, delay);
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const w of waiters) w.resolve();
  }

  #markHealthy(): void {
    if (this.#failures > 0) this.#log.info({ informer: this.#name, failures: this.#failures }, 'watch re-established');
    this.#failures = 0;
    this.#failingSince = undefined;
  }
}
