// Poll with a deadline instead of sleeping: fast when the condition is met early, and a failure
// says what was awaited and what was last seen. One wait for e2e, contract tests and benchmarks.

/** Thrown by a check to stop waiting at once (the awaited thing can no longer happen). */
export class WaitAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitAborted';
  }
}

export interface WaitOptions {
  /** What we wait for, in words ("cpi/a Ready=True"); it starts the failure message. A function is
   * called only on failure, so it can say what was last seen. */
  what: string | (() => string);
  timeoutMs?: number;
  intervalMs?: number;
  /** Rethrow any error from `check` at once, as it is (default: only WaitAborted stops the wait). */
  abortOnError?: boolean;
}

/**
 * Calls `check` until it returns something other than undefined/false/null, and resolves with
 * that. Errors thrown by `check` count as "not yet" and the last one is quoted on timeout, except
 * WaitAborted (and any error with `abortOnError`), which fails at once.
 */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, opts: WaitOptions): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'no result yet';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
    } catch (err) {
      if (opts.abortOnError) throw err;
      if (err instanceof WaitAborted) throw new Error(`gave up waiting for ${what(opts)}: ${err.message}`, { cause: err });
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? `last error: ${last.message}` : `last result: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what(opts)} (${seen})`);
    }
    await sleep(intervalMs);
  }
}

const what = (o: WaitOptions) => (typeof o.what === 'function' ? o.what() : o.what);

/** Only for pacing a workload or holding a measurement window, never to wait for a condition. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
