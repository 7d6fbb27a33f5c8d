// The worker loop, as controller-runtime's processNextWorkItem: take a key, handle it, then
// forget / requeue-after / rate-limited requeue according to the result. The queue guarantees a
// key is never handled by two workers at once.
//
// `n` bounds the work in progress, not the waiting: a handler that waits for an AWS quota token
// or answer (awayFromSlot, src/runtime/work-context.ts) gives its slot back meanwhile, and the
// next key starts. When the wait ends the handler carries on at once, ahead of any new key: new
// keys start only while fewer than `n` handlers are working. (A resumed handler never waits for a
// slot: one that did could wait on a handler that waits on it, e.g. a shared domain snapshot.)
import { realClock, type Clock } from './clock.ts';
import type { WorkQueue } from './queue.ts';
import { runAsWork } from './work-context.ts';

export interface Result {
  /** Run the key again after this many ms (a poll, or a slow retry when combined with `error`). */
  requeueAfterMs?: number;
  /** The run failed: retry with the key's exponential backoff (unless requeueAfterMs is set). */
  error?: unknown;
  /**
   * Reset the key's backoff? Default: true on success, false on error. Pass false with
   * requeueAfterMs to keep counting (e.g. a wait that is still a failure).
   */
  forget?: boolean;
}

/** Handles one key. `signal` aborts when the drain timeout of a shutdown passes. */
export type Handler = (key: string, signal: AbortSignal) => Promise<Result>;

export interface RunWorkersOptions {
  /** How long in-flight handlers may run after the queue is shut down. Default 30 s. */
  drainTimeoutMs?: number;
  clock?: Clock;
  /** Told about handler errors (thrown or returned); never used for control flow. */
  onError?: (key: string, error: unknown) => void;
  /** The flow (tenant) a key belongs to, for fair queues further down. Default: ''. */
  flowOf?: (key: string) => string;
}

/** How many handlers are working (not away waiting); wakes the dispatcher when one stops. */
class Slots {
  #busy = 0;
  #wake: (() => void) | undefined;
  readonly n: number;
  constructor(n: number) {
    this.n = n;
  }

  /** Resolves once fewer than n handlers are working (only the one dispatcher waits here). */
  async free(): Promise<void> {
    while (this.#busy >= this.n) await new Promise<void>((resolve) => (this.#wake = resolve));
  }

  take(): void {
    this.#busy++;
  }

  give(): void {
    this.#busy--;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Runs handlers for the queue's keys, `n` working at a time, until the queue is shut down.
 * Resolves once every in-flight handler has finished, or when `drainTimeoutMs` has passed since
 * the shutdown (their signal is aborted then).
 */
export async function runWorkers(queue: WorkQueue, n: number, handler: Handler, opts: RunWorkersOptions = {}): Promise<void> {
  const clock = opts.clock ?? realClock;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  const abort = new AbortController();
  const slots = new Slots(Math.max(1, n));
  const inFlight = new Set<Promise<void>>();

  const processWorkItem = async (key: string): Promise<void> => {
    let away = 0; // waits in progress; the slot is given back while there is one
    const ctx = {
      flow: opts.flowOf?.(key) ?? '',
      async away<T>(wait: () => Promise<T>): Promise<T> {
        if (away++ === 0) slots.give();
        try {
          return await wait();
        } finally {
          if (--away === 0) slots.take();
        }
      },
    };
    let result: Result;
    try {
      result = await runAsWork(ctx, () => handler(key, abort.signal));
    } catch (error) {
      result = { error: error ?? new Error('handler threw a nullish value') };
    }
    if (away === 0) slots.give();
    if (result.error !== undefined) opts.onError?.(key, result.error);
    const failed = result.error !== undefined;
    if (result.forget ?? !failed) queue.forget(key);
    if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
    else if (failed) queue.addRateLimited(key);
    queue.done(key);
  };

  const dispatch = async () => {
    for (;;) {
      await slots.free();
      const key = await queue.get();
      if (key === undefined) return;
      slots.take();
      const running = processWorkItem(key).finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
  };
  const workers = dispatch().then(async () => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  });

  // Bound the drain: once the queue is shut down, give in-flight handlers drainTimeoutMs.
  let finished = false;
  let deadline: ReturnType<Clock['setTimeout']> | undefined;
  const drainDeadline = queue.whenShutDown.then(
    () =>
      new Promise<void>((resolve) => {
        if (finished) return resolve();
        deadline = clock.setTimeout(() => {
          abort.abort(new Error(`shutdown: handlers still running after ${drainTimeoutMs} ms`));
          resolve();
        }, drainTimeoutMs);
      }),
  );
  await Promise.race([workers.then(() => void (finished = true)), drainDeadline]);
  finished = true;
  clock.clearTimeout(deadline);
}
