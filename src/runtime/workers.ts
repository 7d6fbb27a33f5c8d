// The worker loop, as controller-runtime's processNextWorkItem: take a key, handle it, then
// forget / requeue-after / rate-limited requeue according to the result. The queue guarantees a
// key is never handled by two workers at once.
import { realClock, type Clock } from './clock.ts';
import type { WorkQueue } from './queue.ts';

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
}

/**
 * Runs `n` workers until the queue is shut down. Resolves once every in-flight handler has
 * finished, or when `drainTimeoutMs` has passed since the shutdown (their signal is aborted then).
 */
export async function runWorkers(queue: WorkQueue, n: number, handler: Handler, opts: RunWorkersOptions = {}): Promise<void> {
  const clock = opts.clock ?? realClock;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  const abort = new AbortController();

  const processNextWorkItem = async (): Promise<boolean> => {
    const key = await queue.get();
    if (key === undefined) return false;
    let result: Result;
    try {
      result = await handler(key, abort.signal);
    } catch (error) {
      result = { error: error ?? new Error('handler threw a nullish value') };
    }
    if (result.error !== undefined) opts.onError?.(key, result.error);
    const failed = result.error !== undefined;
    if (result.forget ?? !failed) queue.forget(key);
    if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
    else if (failed) queue.addRateLimited(key);
    queue.done(key);
    return true;
  };

  const worker = async () => {
    while (await processNextWorkItem());
  };
  const workers = Promise.all(Array.from({ length: n }, worker));

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
