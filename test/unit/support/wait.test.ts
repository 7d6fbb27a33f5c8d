// The one wait of the test toolkit (test/support/wait.ts), which e2e, contract tests and
// benchmarks all poll with: what it resolves with, and what its failures say.
import { describe, expect, it } from 'vitest';
import { waitFor, WaitAborted } from '../../support/wait.ts';

describe('waitFor', () => {
  it('resolves with the first value that is not undefined, null or false (0 and "" count)', async () => {
    const answers: unknown[] = [undefined, null, false, 0];
    expect(await waitFor(() => answers.shift() as number | undefined, { what: 'a zero', intervalMs: 1 })).toBe(0);
  });

  it('treats errors as "not yet" and quotes the last one on timeout', async () => {
    let calls = 0;
    const failing = waitFor(() => {
      calls++;
      throw new Error(`not ready (${calls})`);
    }, { what: 'the thing', timeoutMs: 50, intervalMs: 5 });
    await expect(failing).rejects.toThrow(/^timed out after 50 ms waiting for the thing \(last error: not ready \(\d+\)\)$/);
    expect(calls).toBeGreaterThan(1);
  });

  it('computes a function `what` only on failure, with what was last seen', async () => {
    let seen = 0;
    const err = (await waitFor(() => (++seen, undefined), { what: () => `3 ready (${seen} are)`, timeoutMs: 30, intervalMs: 5 }).catch((e: unknown) => e)) as Error;
    expect(seen).toBeGreaterThan(1);
    expect(err.message).toContain(`waiting for 3 ready (${seen} are)`);
  });

  it('stops at once on WaitAborted, and on any error with abortOnError', async () => {
    const start = Date.now();
    await expect(waitFor(() => { throw new WaitAborted('process exited'); }, { what: 'output', timeoutMs: 10_000 })).rejects.toThrow('gave up waiting for output: process exited');
    const own = new Error('boom');
    await expect(waitFor(() => { throw own; }, { what: 'x', timeoutMs: 10_000, abortOnError: true })).rejects.toBe(own);
    expect(Date.now() - start).toBeLessThan(5_000);
  });
});
