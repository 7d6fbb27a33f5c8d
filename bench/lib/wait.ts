// Poll with a deadline: returns as soon as the condition holds, fails saying what was awaited.
export interface WaitOptions {
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Rethrow errors from `check` at once instead of treating them as "not yet". */
  abortOnError?: boolean;
}

export async function waitUntil<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      if (o.abortOnError) throw err;
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${o.timeoutMs ?? 30_000} ms waiting for ${o.what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
