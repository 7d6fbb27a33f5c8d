// A keyed work queue with client-go's workqueue contract, plus delays, per-key backoff and two
// priorities. Keys are strings ("namespace/name"); what a key means is the caller's business.
//
// Contract (every line is pinned by test/unit/runtime/queue.test.ts):
// - A key is queued at most once. Adding a key that is already waiting is a no-op (it may only
//   raise the key's priority).
// - A key is never handed to two workers at once: get() moves it to "processing" until done(key).
//   A key added while it is processing is marked dirty and queued again at done(key), once,
//   however many times it was added meanwhile.
// - get() hands out 'high' keys before 'low' ones, first-in first-out within a priority. It waits
//   while the queue is empty.
// - addAfter(key, ms) queues the key after `ms`. Per key only the EARLIEST pending time counts:
//   a later addAfter never postpones an earlier one, an immediate add() supersedes (cancels) a
//   pending delay, and a key that is already waiting ignores addAfter.
// - addRateLimited(key) = addAfter(key, rateLimiter.when(key)); forget(key) resets that backoff
//   (call it when the key succeeded); numRequeues(key) counts the retries since.
// - shutDown(): adds are ignored from then on, pending delays are cancelled, waiting keys are
//   dropped and every get() (waiting or future) resolves `undefined`. Unlike client-go, keys
//   still waiting are NOT handed out after shutdown: at AWS's 1 write/s a long queue would hold
//   the process for minutes, and the controller is level-based, so the next leader or process
//   relists everything anyway. Keys being processed finish normally (done() still works).
// - shutDownWithDrain(timeoutMs) = shutDown(), then waits until every processing key is done()
//   or the timeout passes; resolves true when drained.
//
// Priorities: 'high' is for changes a person made (spec edits, deletions, new resources) and
// retries of them; 'low' is for routine drift checks. Defaults follow that: add() and
// addRateLimited() are 'high', addAfter() (a scheduled poll) is 'low'.
import { realClock, type Clock, type TimerHandle } from './clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './backoff.ts';

export type Priority = 'high' | 'low';

export interface AddOptions {
  priority?: Priority;
}

/** Hooks for metrics; the controller implements them with prom-client. All optional. */
export interface QueueMetrics {
  /** The number of waiting keys, after every change. */
  depth?(n: number): void;
  /** A key became dirty (deduplicated adds are not counted). */
  added?(): void;
  /** Seconds a key waited from its first add to get(). */
  queueLatency?(seconds: number): void;
  /** Seconds from get() to done(). */
  workDuration?(seconds: number): void;
  /** addRateLimited() was called (a retry after an error). */
  retried?(): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: QueueMetrics;
}

interface Dirty {
  priority: Priority;
  addedAt: number;
}

interface Delayed {
  at: number;
  priority: Priority;
  timer: TimerHandle;
}

const rank = (p: Priority) => (p === 'high' ? 1 : 0);
const higher = (a: Priority, b: Priority): Priority => (rank(a) >= rank(b) ? a : b);

export class WorkQueue {
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter;
  readonly #metrics: QueueMetrics;
  // Waiting keys: a FIFO per priority, plus which lane (and which entry) each waiting key is in.
  readonly #lanes: Record<Priority, Fifo> = { high: new Fifo(), low: new Fifo() };
  readonly #waiting = new Map<string, { priority: Priority; seq: number }>();
  #seq = 0;
  // Keys that need a run: the waiting ones plus processing ones added again.
  readonly #dirty = new Map<string, Dirty>();
  readonly #processing = new Map<string, number>();
  readonly #delayed = new Map<string, Delayed>();
  #getters: Array<(key: string | undefined) => void> = [];
  #shuttingDown = false;
  #drained: Array<() => void> = [];
  #onShutDown!: () => void;
  /** Resolves when shutDown() is called (workers use it to bound their drain). */
  readonly whenShutDown: Promise<void> = new Promise((resolve) => (this.#onShutDown = resolve));

  constructor(opts: WorkQueueOptions = {}) {
    this.#clock = opts.clock ?? realClock;
    this.#rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter();
    this.#metrics = opts.metrics ?? {};
  }

  add(key: string, opts: AddOptions = {}): void {
    if (this.#shuttingDown) return;
    const priority = opts.priority ?? 'high';
    this.#cancelDelay(key);
    const dirty = this.#dirty.get(key);
    if (dirty) {
      if (priority === 'high' && dirty.priority === 'low') {
        dirty.priority = 'high';
        if (this.#waiting.get(key)?.priority === 'low') this.#push(key, 'high'); // the low entry goes stale
      }
      return;
    }
    this.#metrics.added?.();
    this.#dirty.set(key, { priority, addedAt: this.#clock.now() });
    if (this.#processing.has(key)) return; // queued again at done(key)
    this.#enqueue(key, priority);
  }

  addAfter(key: string, ms: number, opts: AddOptions = {}): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) return this.add(key, { priority: opts.priority ?? 'low' });
    const priority = opts.priority ?? 'low';
    if (this.#dirty.has(key)) return; // it runs sooner than that anyway
    const at = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) {
      pending.priority = higher(pending.priority, priority);
      return;
    }
    if (pending) this.#clock.clearTimeout(pending.timer);
    const merged = pending ? higher(pending.priority, priority) : priority;
    const timer = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key, { priority: merged });
    }, ms);
    this.#delayed.set(key, { at, priority: merged, timer });
  }

  addRateLimited(key: string, opts: AddOptions = {}): void {
    if (this.#shuttingDown) return;
    this.#metrics.retried?.();
    this.addAfter(key, this.#rateLimiter.when(key), { priority: opts.priority ?? 'high' });
  }

  forget(key: string): void {
    this.#rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /** The next key to work on, or undefined once the queue is shut down. Call done(key) after. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#pop();
    if (key !== undefined) return Promise.resolve(this.#handOut(key));
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks the end of work on `key`; a key added meanwhile is queued again now. */
  done(key: string): void {
    const startedAt = this.#processing.get(key);
    if (startedAt === undefined) return;
    this.#processing.delete(key);
    this.#metrics.workDuration?.((this.#clock.now() - startedAt) / 1000);
    if (this.#shuttingDown) {
      if (this.#processing.size === 0) this.#notifyDrained();
      return;
    }
    const dirty = this.#dirty.get(key);
    if (dirty) this.#enqueue(key, dirty.priority);
  }

  /** Keys waiting to be handed out (not processing, not delayed). */
  len(): number {
    return this.#waiting.size;
  }

  /** Keys with a pending addAfter/addRateLimited. */
  delayedLen(): number {
    return this.#delayed.size;
  }

  /** Keys handed out and not yet done(). */
  processingLen(): number {
    return this.#processing.size;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const d of this.#delayed.values()) this.#clock.clearTimeout(d.timer);
    this.#delayed.clear();
    this.#lanes.high.clear();
    this.#lanes.low.clear();
    this.#waiting.clear();
    this.#dirty.clear();
    this.#metrics.depth?.(0);
    const getters = this.#getters;
    this.#getters = [];
    for (const resolve of getters) resolve(undefined);
    if (this.#processing.size === 0) this.#notifyDrained();
    this.#onShutDown();
  }

  /** Shuts down and waits for processing keys to be done; true if they all were within the timeout. */
  shutDownWithDrain(timeoutMs: number): Promise<boolean> {
    this.shutDown();
    if (this.#processing.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => resolve(this.#processing.size === 0), timeoutMs);
      this.#drained.push(() => {
        this.#clock.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  #enqueue(key: string, priority: Priority): void {
    const getter = this.#getters.shift();
    if (getter) return getter(this.#handOut(key));
    this.#push(key, priority);
    this.#metrics.depth?.(this.len());
  }

  #push(key: string, priority: Priority): void {
    const seq = ++this.#seq;
    this.#waiting.set(key, { priority, seq });
    this.#lanes[priority].push({ key, seq });
  }

  #pop(): string | undefined {
    for (const lane of [this.#lanes.high, this.#lanes.low]) {
      for (let entry = lane.shift(); entry; entry = lane.shift()) {
        // Skip entries left behind when a key moved to the high lane.
        if (this.#waiting.get(entry.key)?.seq !== entry.seq) continue;
        this.#waiting.delete(entry.key);
        this.#metrics.depth?.(this.len());
        return entry.key;
      }
    }
    return undefined;
  }

  #handOut(key: string): string {
    const now = this.#clock.now();
    const dirty = this.#dirty.get(key);
    this.#dirty.delete(key);
    this.#processing.set(key, now);
    if (dirty) this.#metrics.queueLatency?.((now - dirty.addedAt) / 1000);
    return key;
  }

  #cancelDelay(key: string): void {
    const pending = this.#delayed.get(key);
    if (!pending) return;
    this.#clock.clearTimeout(pending.timer);
    this.#delayed.delete(key);
  }

  #notifyDrained(): void {
    const waiters = this.#drained;
    this.#drained = [];
    for (const w of waiters) w();
  }
}

/**
 * An array FIFO with a moving head, compacted now and then. (A Set is not a good queue: V8 keeps
 * deleted entries at its front until it shrinks, so taking the first element repeatedly is O(n).)
 */
class Fifo {
  #items: Array<{ key: string; seq: number }> = [];
  #head = 0;

  push(entry: { key: string; seq: number }): void {
    this.#items.push(entry);
  }

  shift(): { key: string; seq: number } | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const entry = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
