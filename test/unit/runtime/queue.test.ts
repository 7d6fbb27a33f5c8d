// The work queue's contract, edge by edge (after client-go's workqueue tests).
import { describe, expect, it } from 'vitest';
import { FakeClock, flush } from '../../../src/runtime/clock.ts';
import { FixedRateLimiter, ItemExponentialRateLimiter } from '../../../src/runtime/backoff.ts';
import { WorkQueue, type QueueMetrics } from '../../../src/runtime/queue.ts';

/** A queue on a fake clock (failures back off `delayMs`), holding `keys` added in that order. */
function setup(opts: { delayMs?: number; keys?: string[] } = {}) {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock, rateLimiter: new FixedRateLimiter(opts.delayMs ?? 1_000) });
  for (const k of opts.keys ?? []) queue.add(k);
  return { clock, queue };
}

/** Whether a promise has settled, without waiting for it. */
async function settled<T>(p: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let state: { done: boolean; value?: T } = { done: false };
  void p.then((value) => (state = { done: true, value }));
  await flush();
  return state;
}

describe('WorkQueue: dedupe and order', () => {
  it('queues a key at most once and hands keys out first in, first out', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.add('c');
    queue.add('b');
    expect(queue.len()).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
    expect(queue.len()).toBe(0);
  });

  it('a waiting get() receives the next added key', async () => {
    const { queue } = setup();
    const pending = queue.get();
    expect((await settled(pending)).done).toBe(false);
    queue.add('x');
    expect(await pending).toBe('x');
    expect(queue.len()).toBe(0);
  });

  it('waiting getters are served in the order they asked', async () => {
    const { queue } = setup();
    const first = queue.get();
    const second = queue.get();
    queue.add('a');
    queue.add('b');
    expect([await first, await second]).toEqual(['a', 'b']);
  });
});

describe('WorkQueue: processing and dirty keys', () => {
  it('a key added while processing is not handed out until done, then exactly once', async () => {
    const { queue } = setup();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const second = queue.get();
    expect((await settled(second)).done).toBe(false); // never two workers on one key
    queue.done('a');
    expect(await second).toBe('a');
    queue.done('a');
    expect(queue.len()).toBe(0);
    expect(queue.processingLen()).toBe(0);
  });

  it('done() without an add meanwhile does not requeue', async () => {
    const { queue } = setup();
    queue.add('a');
    await queue.get();
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('done() for a key that is not processing is ignored', () => {
    const { queue } = setup();
    queue.add('a');
    queue.done('a');
    queue.done('zzz');
    expect(queue.len()).toBe(1);
    expect(queue.processingLen()).toBe(0);
  });

  it('other keys keep flowing while one is processing', async () => {
    const { queue } = setup({ keys: ['a', 'b'] });
    expect(await queue.get()).toBe('a');
    queue.add('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
  });
});

describe('WorkQueue: priorities', () => {
  it('hands out high before low, FIFO within each priority', async () => {
    const { queue } = setup();
    queue.add('drift-1', { priority: 'low' });
    queue.add('drift-2', { priority: 'low' });
    queue.add('edit-1', { priority: 'high' });
    queue.add('drift-3', { priority: 'low' });
    queue.add('edit-2'); // default priority of add() is high
    const order = [];
    for (let i = 0; i < 5; i++) order.push(await queue.get());
    expect(order).toEqual(['edit-1', 'edit-2', 'drift-1', 'drift-2', 'drift-3']);
  });

  it('a high add raises a waiting low key; a low add never lowers a high one', async () => {
    const { queue } = setup();
    queue.add('a', { priority: 'low' });
    queue.add('b', { priority: 'high' });
    queue.add('c', { priority: 'low' });
    queue.add('c', { priority: 'high' }); // raised, goes behind b
    queue.add('b', { priority: 'low' }); // stays high
    expect(queue.len()).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['b', 'c', 'a']);
  });

  it('a raised key is handed out once; re-added later it takes its new place', async () => {
    const { queue } = setup();
    queue.add('a', { priority: 'low' });
    queue.add('b', { priority: 'low' });
    queue.add('a', { priority: 'high' });
    expect(await queue.get()).toBe('a');
    queue.done('a');
    queue.add('a', { priority: 'low' }); // behind b now, not at a's old low place
    expect(queue.len()).toBe(2);
    expect([await queue.get(), await queue.get()]).toEqual(['b', 'a']);
    expect(queue.len()).toBe(0);
    const next = queue.get();
    expect((await settled(next)).done).toBe(false); // no stale entry handed out
    queue.shutDown();
  });

  it('keeps FIFO order across thousands of keys', async () => {
    const { queue } = setup();
    const keys = Array.from({ length: 5_000 }, (_, i) => `k${i}`);
    for (const k of keys) queue.add(k, { priority: 'low' });
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const k = (await queue.get())!;
      out.push(k);
      queue.done(k);
    }
    expect(out).toEqual(keys);
  });

  it('a dirty key keeps the highest priority it was added with', async () => {
    const { queue } = setup();
    queue.add('a');
    await queue.get();
    queue.add('a', { priority: 'low' });
    queue.add('a', { priority: 'high' });
    queue.add('z', { priority: 'low' });
    queue.done('a');
    expect([await queue.get(), await queue.get()]).toEqual(['a', 'z']);
  });

  it('addAfter defaults to low, addRateLimited to high', async () => {
    const { queue, clock } = setup({ delayMs: 100 });
    queue.addAfter('poll', 100);
    queue.addRateLimited('retry');
    clock.advance(100);
    expect([await queue.get(), await queue.get()]).toEqual(['retry', 'poll']);
  });
});

describe('WorkQueue: delays', () => {
  it('addAfter queues the key only when its time has come', async () => {
    const { queue, clock } = setup();
    queue.addAfter('a', 5_000);
    expect(queue.len()).toBe(0);
    expect(queue.delayedLen()).toBe(1);
    clock.advance(4_999);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(queue.len()).toBe(1);
    expect(queue.delayedLen()).toBe(0);
    expect(await queue.get()).toBe('a');
  });

  it('keys with delays come out in the order of their due times', async () => {
    const { queue, clock } = setup();
    queue.addAfter('c', 300);
    queue.addAfter('a', 100);
    queue.addAfter('b', 200);
    clock.advance(300);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
  });

  // Of two addAfter calls for one key, the earlier due time wins, whichever came first.
  it.each([
    ['a later addAfter never postpones an earlier one', 1_000, 10_000],
    ['an earlier addAfter replaces a later one', 10_000, 1_000],
  ])('%s', async (_, first, second) => {
    const { queue, clock } = setup();
    queue.addAfter('a', first);
    queue.addAfter('a', second);
    clock.advance(1_000);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    clock.advance(20_000);
    expect(queue.len()).toBe(0); // the 10 s request did not fire a second time
    expect(clock.pendingTimers()).toBe(0);
  });

  it('an immediate add supersedes a pending delay', async () => {
    const { queue, clock } = setup();
    queue.addAfter('a', 10_000);
    queue.add('a');
    expect(queue.delayedLen()).toBe(0);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    clock.advance(10_000);
    expect(queue.len()).toBe(0);
  });

  it('addAfter is ignored for a key that is already waiting', () => {
    const { queue, clock } = setup();
    queue.add('a');
    queue.addAfter('a', 1_000);
    expect(queue.delayedLen()).toBe(0);
    clock.advance(1_000);
    expect(queue.len()).toBe(1);
  });

  it('addAfter during processing fires later and queues the key again', async () => {
    const { queue, clock } = setup();
    queue.add('a');
    await queue.get();
    queue.addAfter('a', 1_000);
    queue.done('a');
    expect(queue.len()).toBe(0);
    clock.advance(1_000);
    expect(await queue.get()).toBe('a');
  });

  it('a delay that fires while the key is processing makes it dirty, not doubly handed out', async () => {
    const { queue, clock } = setup();
    queue.add('a');
    await queue.get();
    queue.addAfter('a', 1_000);
    clock.advance(1_000);
    expect(queue.len()).toBe(0);
    queue.done('a');
    expect(queue.len()).toBe(1);
  });

  it('addAfter with zero or negative delay adds at once', () => {
    const { queue } = setup();
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.len()).toBe(2);
  });
});

describe('WorkQueue: rate-limited retries', () => {
  it('addRateLimited backs off per key; forget resets it', async () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseMs: 1_000, jitterFactor: 0 }) });
    const dueAfter = async (key: string) => {
      const start = clock.now();
      queue.addRateLimited(key);
      while (queue.len() === 0) clock.advance(100);
      await queue.get();
      queue.done(key);
      return clock.now() - start;
    };
    expect(await dueAfter('a')).toBe(1_000);
    expect(await dueAfter('a')).toBe(2_000);
    expect(await dueAfter('a')).toBe(4_000);
    expect(queue.numRequeues('a')).toBe(3);
    expect(queue.numRequeues('b')).toBe(0);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    expect(await dueAfter('a')).toBe(1_000);
  });
});

describe('WorkQueue: shutdown', () => {
  it('wakes waiting getters with undefined and answers undefined from then on', async () => {
    const { queue } = setup();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    expect(await queue.get()).toBeUndefined();
    expect(queue.shuttingDown).toBe(true);
  });

  it('drops waiting keys, ignores adds and cancels delays', async () => {
    const { queue, clock } = setup();
    queue.add('a');
    queue.addAfter('b', 1_000);
    queue.shutDown();
    queue.add('c');
    queue.addAfter('d', 10);
    queue.addRateLimited('e');
    expect(queue.len()).toBe(0);
    expect(queue.delayedLen()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(10_000);
    expect(await queue.get()).toBeUndefined();
  });

  it('a processing key can still be done after shutdown and is not requeued', async () => {
    const { queue } = setup();
    queue.add('a');
    await queue.get();
    queue.add('a');
    queue.shutDown();
    queue.done('a');
    expect(queue.processingLen()).toBe(0);
    expect(queue.len()).toBe(0);
  });

  it('shutDownWithDrain waits for processing keys to be done', async () => {
    const { queue } = setup({ keys: ['a', 'b'] });
    await queue.get();
    await queue.get();
    const drained = queue.shutDownWithDrain(60_000);
    queue.done('a');
    expect((await settled(drained)).done).toBe(false);
    queue.done('b');
    expect(await drained).toBe(true);
  });

  it('shutDownWithDrain gives up after its timeout', async () => {
    const { queue, clock } = setup();
    queue.add('a');
    await queue.get();
    const drained = queue.shutDownWithDrain(5_000);
    clock.advance(4_999);
    expect((await settled(drained)).done).toBe(false);
    clock.advance(1);
    expect(await drained).toBe(false);
  });

  it('shutDownWithDrain with nothing processing resolves at once', async () => {
    const { queue } = setup();
    expect(await queue.shutDownWithDrain(1)).toBe(true);
  });
});

describe('WorkQueue: metrics hooks', () => {
  it('reports depth, adds, latency, work duration and retries', async () => {
    const clock = new FakeClock();
    const seen = { depth: [] as number[], added: 0, latency: [] as number[], work: [] as number[], retried: 0 };
    const metrics: QueueMetrics = {
      depth: (n) => seen.depth.push(n),
      added: () => seen.added++,
      queueLatency: (s) => seen.latency.push(s),
      workDuration: (s) => seen.work.push(s),
      retried: () => seen.retried++,
    };
    const queue = new WorkQueue({ clock, metrics, rateLimiter: new FixedRateLimiter(0) });
    queue.add('a');
    queue.add('a'); // deduplicated: not an add
    queue.add('b');
    clock.advance(2_000);
    await queue.get();
    clock.advance(500);
    queue.done('a');
    queue.addRateLimited('a');
    expect(seen.added).toBe(3);
    expect(seen.retried).toBe(1);
    expect(seen.depth).toEqual([1, 2, 1, 2]);
    expect(seen.latency).toEqual([2]);
    expect(seen.work).toEqual([0.5]);
  });
});

describe('WorkQueue: concurrent workers', () => {
  it('with many workers a key is never processed twice at once and every add is seen', async () => {
    const queue = new WorkQueue({ rateLimiter: new FixedRateLimiter(0) });
    const keys = Array.from({ length: 12 }, (_, i) => `ns/k${i}`);
    const active = new Set<string>();
    const lastAdd = new Map<string, number>();
    const lastStart = new Map<string, number>();
    let step = 0;
    let overlaps = 0;
    // A seeded generator: the interleaving is random but the test is repeatable.
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

    const worker = async () => {
      for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
        if (active.has(key)) overlaps++;
        active.add(key);
        lastStart.set(key, ++step);
        for (let i = Math.floor(rand() * 4); i >= 0; i--) await flush();
        active.delete(key);
        queue.done(key);
      }
    };
    const workers = Promise.all(Array.from({ length: 8 }, worker));
    for (let round = 0; round < 300; round++) {
      const key = keys[Math.floor(rand() * keys.length)]!;
      lastAdd.set(key, ++step);
      queue.add(key);
      if (rand() < 0.3) await flush();
    }
    // Wait (with a deadline) until the queue is idle, then stop.
    const deadline = Date.now() + 5_000;
    while ((queue.len() > 0 || queue.processingLen() > 0) && Date.now() < deadline) await flush();
    queue.shutDown();
    await workers;
    expect(overlaps).toBe(0);
    for (const [key, added] of lastAdd) expect(lastStart.get(key)!).toBeGreaterThan(added);
  });
});
