import { describe, expect, it } from 'vitest';
import { flush } from '../../../src/runtime/clock.ts';
import { runWorkers, type Result } from '../../../src/runtime/workers.ts';
import { queueOnFakeClock, until } from './harness.ts';

describe('runWorkers', () => {
  it('success forgets the backoff and does not requeue', async () => {
    const { clock, queue } = queueOnFakeClock();
    queue.addRateLimited('a'); // one earlier failure on record
    clock.advance(7_000);
    const runs: string[] = [];
    const done = runWorkers(queue, 2, async (key) => (runs.push(key), {}), { clock });
    await until(() => runs.length === 1, 'the run');
    await until(() => queue.processingLen() === 0, 'done');
    expect(queue.numRequeues('a')).toBe(0);
    expect(queue.len() + queue.delayedLen()).toBe(0);
    queue.shutDown();
    await done;
  });

  it('an error (returned or thrown) requeues with backoff and keeps counting', async () => {
    const { clock, queue } = queueOnFakeClock();
    const errors: unknown[] = [];
    let runs = 0;
    const done = runWorkers(
      queue,
      1,
      async (): Promise<Result> => {
        runs++;
        if (runs === 1) return { error: new Error('returned') };
        throw new Error('thrown');
      },
      { clock, onError: (_k, e) => errors.push(e) },
    );
    queue.add('a');
    await until(() => queue.delayedLen() === 1, 'first requeue');
    expect(queue.numRequeues('a')).toBe(1);
    clock.advance(7_000);
    await until(() => runs === 2 && queue.delayedLen() === 1, 'second requeue');
    expect(queue.numRequeues('a')).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['returned', 'thrown']);
    queue.shutDown();
    await done;
  });

  it('requeueAfterMs schedules the next run (a poll) and forgets the backoff', async () => {
    const { clock, queue } = queueOnFakeClock();
    queue.addRateLimited('a');
    clock.advance(7_000);
    const starts: number[] = [];
    const done = runWorkers(queue, 1, async () => (starts.push(clock.now()), { requeueAfterMs: 60_000 }), { clock });
    await until(() => starts.length === 1 && queue.delayedLen() === 1, 'first run');
    expect(queue.numRequeues('a')).toBe(0);
    clock.advance(60_000);
    await until(() => starts.length === 2, 'second run');
    expect(starts[1]! - starts[0]!).toBe(60_000);
    queue.shutDown();
    await done;
  });

  it('error with requeueAfterMs waits that long and keeps the failure count', async () => {
    const { clock, queue } = queueOnFakeClock();
    const done = runWorkers(queue, 1, async () => ({ error: new Error('stalled'), requeueAfterMs: 1_800_000 }), { clock });
    queue.add('a');
    await until(() => queue.delayedLen() === 1, 'requeue');
    expect(queue.numRequeues('a')).toBe(0); // addRateLimited was not used
    clock.advance(7_000);
    expect(queue.len()).toBe(0); // not the 7 s backoff
    queue.shutDown();
    await done;
  });

  it('resolves after shutdown once in-flight handlers finish', async () => {
    const { clock, queue } = queueOnFakeClock();
    let release!: () => void;
    const finished: string[] = [];
    const done = runWorkers(
      queue,
      3,
      async (key) => {
        await new Promise<void>((r) => (release = r));
        finished.push(key);
        return {};
      },
      { clock, drainTimeoutMs: 10_000 },
    );
    queue.add('a');
    await until(() => queue.processingLen() === 1, 'start');
    queue.shutDown();
    let resolved = false;
    void done.then(() => (resolved = true));
    await flush();
    expect(resolved).toBe(false);
    release();
    await done;
    expect(finished).toEqual(['a']);
  });

  it('gives up on a stuck handler at the drain timeout and aborts its signal', async () => {
    const { clock, queue } = queueOnFakeClock();
    let signal: AbortSignal | undefined;
    const done = runWorkers(queue, 1, (_key, s) => ((signal = s), new Promise<Result>(() => {})), { clock, drainTimeoutMs: 5_000 });
    queue.add('a');
    await until(() => signal !== undefined, 'start');
    queue.shutDown();
    await flush();
    clock.advance(4_999);
    expect(signal!.aborted).toBe(false);
    clock.advance(1);
    await done;
    expect(signal!.aborted).toBe(true);
  });

  it('runs up to n keys at once', async () => {
    const { clock, queue } = queueOnFakeClock();
    let active = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const done = runWorkers(
      queue,
      4,
      async () => {
        peak = Math.max(peak, ++active);
        await new Promise<void>((r) => gates.push(r));
        active--;
        return {};
      },
      { clock },
    );
    for (let i = 0; i < 10; i++) queue.add(`k${i}`);
    await until(() => gates.length === 4, 'four workers busy');
    expect(queue.len()).toBe(6);
    while (gates.length) {
      gates.shift()!();
      await flush();
    }
    await until(() => queue.len() === 0 && active === 0, 'all done');
    while (gates.length) gates.shift()!();
    expect(peak).toBe(4);
    queue.shutDown();
    await done;
  });
});
