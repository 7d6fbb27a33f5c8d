// Concurrency bounds the work in progress, not the waiting: a handler that waits away from its
// slot (awayFromSlot: an AWS token or answer) lets the next key start, and carries on ahead of
// new keys when its wait ends. The flow of each key reaches code deep inside the handler.
import { describe, expect, it } from 'vitest';
import { flush } from '../../../src/runtime/clock.ts';
import { awayFromSlot, currentFlow } from '../../../src/runtime/work-context.ts';
import { runWorkers } from '../../../src/runtime/workers.ts';
import { queueOnFakeClock, until } from './harness.ts';

/** A gate per key that a test opens by hand. */
function gates() {
  const open = new Map<string, () => void>();
  return {
    wait: (key: string) => new Promise<void>((r) => open.set(key, r)),
    open: (key: string) => {
      open.get(key)!();
      open.delete(key);
    },
    has: (key: string) => open.has(key),
  };
}

describe('runWorkers: waiting away from the slot', () => {
  it('a key that waits away from its slot lets the next key start, with n = 1', async () => {
    const { clock, queue } = queueOnFakeClock();
    const waits = gates();
    const started: string[] = [];
    const finished: string[] = [];
    const done = runWorkers(queue, 1, async (key) => {
      started.push(key);
      await awayFromSlot(() => waits.wait(key));
      finished.push(key);
      return {};
    }, { clock });
    for (const k of ['a', 'b', 'c']) queue.add(k);
    await until(() => started.length === 3, 'all three started while the others wait');
    expect(queue.processingLen()).toBe(3);
    waits.open('b');
    await until(() => finished.length === 1, 'b finished');
    waits.open('a');
    waits.open('c');
    await until(() => finished.length === 3 && queue.processingLen() === 0, 'all finished');
    expect(finished).toEqual(['b', 'a', 'c']);
    queue.shutDown();
    await done;
  });

  it('new keys wait while n handlers work; a handler back from its wait goes on at once', async () => {
    const { clock, queue } = queueOnFakeClock();
    const waits = gates();
    const work = gates();
    const events: string[] = [];
    const done = runWorkers(queue, 1, async (key) => {
      events.push(`start ${key}`);
      if (key === 'a') await awayFromSlot(() => waits.wait('a'));
      events.push(`work ${key}`);
      await work.wait(key); // holds the slot: local work (say, a status write)
      events.push(`end ${key}`);
      return {};
    }, { clock });
    queue.add('a');
    queue.add('b');
    queue.add('c');
    await until(() => work.has('b'), 'b working while a waits');
    expect(events).toEqual(['start a', 'start b', 'work b']);
    waits.open('a'); // a is back while b holds the only slot: a is not made to wait for it
    await until(() => work.has('a'), 'a working');
    expect(events).toEqual(['start a', 'start b', 'work b', 'work a']);
    work.open('b');
    await flush();
    expect(events).not.toContain('start c'); // a still works: the one slot is taken
    work.open('a');
    await until(() => work.has('c'), 'c started once both were done');
    work.open('c');
    await until(() => queue.processingLen() === 0, 'all done');
    queue.shutDown();
    await done;
  });

  it('tells code inside the handler which flow the key belongs to', async () => {
    const { clock, queue } = queueOnFakeClock();
    const seen: Record<string, string[]> = {};
    const done = runWorkers(queue, 2, async (key) => {
      (seen[key] ??= []).push(currentFlow());
      await awayFromSlot(async () => {
        await flush();
        seen[key]!.push(currentFlow());
      });
      seen[key]!.push(currentFlow());
      return {};
    }, { clock, flowOf: (key) => key.split('/')[0]! });
    queue.add('team-a/x');
    queue.add('team-b/y');
    await until(() => Object.values(seen).flat().length === 6 && queue.processingLen() === 0, 'both ran');
    expect(seen).toEqual({ 'team-a/x': ['team-a', 'team-a', 'team-a'], 'team-b/y': ['team-b', 'team-b', 'team-b'] });
    expect(currentFlow()).toBe(''); // outside a worker
    queue.shutDown();
    await done;
  });

  it('nested waits give the slot back once and take it once', async () => {
    const { clock, queue } = queueOnFakeClock();
    const waits = gates();
    const started: string[] = [];
    const done = runWorkers(queue, 1, async (key) => {
      started.push(key);
      if (key === 'a') await awayFromSlot(() => awayFromSlot(() => waits.wait('a')));
      return {};
    }, { clock });
    queue.add('a');
    queue.add('b');
    queue.add('c');
    await until(() => started.length === 3 && queue.processingLen() === 1, 'b and c ran while a waits');
    waits.open('a');
    await until(() => queue.processingLen() === 0, 'a done');
    queue.add('d');
    queue.add('e');
    await until(() => started.length === 5, 'later keys still run: the slot count is intact');
    queue.shutDown();
    await done;
  });

  it('after shutdown, resolves once handlers that were waiting away finish', async () => {
    const { clock, queue } = queueOnFakeClock();
    const waits = gates();
    const done = runWorkers(queue, 1, async (key) => (await awayFromSlot(() => waits.wait(key)), {}), { clock, drainTimeoutMs: 10_000 });
    queue.add('a');
    queue.add('b');
    await until(() => waits.has('a') && waits.has('b'), 'both waiting');
    queue.shutDown();
    let resolved = false;
    void done.then(() => (resolved = true));
    waits.open('a');
    await flush();
    expect(resolved).toBe(false);
    waits.open('b');
    await done;
    expect(queue.processingLen()).toBe(0);
  });
});
