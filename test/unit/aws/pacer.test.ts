import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock, flush } from '../../../src/runtime/clock.ts';
import { Pacer, operationClass, type BucketKey } from '../../../src/aws/pacer.ts';
import { WRITE_OPERATIONS } from '../../support/aws.ts';

const write: BucketKey = { account: '111111111111', region: 'us-east-1', opClass: 'write' };
const read: BucketKey = { ...write, opClass: 'read' };
const tag: BucketKey = { ...write, opClass: 'tag' };

/** Starts `n` acquires and records the (fake) time each is granted, in the order granted. */
function acquireAll(pacer: Pacer, clock: FakeClock, key: BucketKey, n: number, prio: 'high' | 'low' = 'high', label = '') {
  const grants: Array<{ at: number; label: string }> = [];
  const all = Array.from({ length: n }, (_, i) =>
    pacer.acquire(key, prio).then(() => grants.push({ at: clock.now(), label: `${label}${i}` })),
  );
  return { grants, all: Promise.all(all) };
}

/** The most grants inside any half-open window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs = 1_000): number {
  let best = 0;
  for (const t of times) best = Math.max(best, times.filter((u) => u >= t && u < t + windowMs).length);
  return best;
}

describe('Pacer rates', () => {
  it('writes at 1 TPS: N calls take (N−1)·1.02 s and never 2 in one second', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const start = clock.now();
    const { grants, all } = acquireAll(pacer, clock, write, 30);
    await clock.tick(60_000);
    await all;
    const times = grants.map((g) => g.at - start);
    expect(times[0]).toBe(0); // an idle bucket lets the first call through at once
    expect(times[29]).toBeCloseTo(29 * 1_020, 6);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_020 - 1e-9);
    expect(maxInWindow(times)).toBe(1);
  });

  it('reads and tags at 5 TPS, never more than 5 in any second', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const start = clock.now();
    const r = acquireAll(pacer, clock, read, 50);
    const t = acquireAll(pacer, clock, tag, 50);
    await clock.tick(20_000);
    await Promise.all([r.all, t.all]);
    for (const { grants } of [r, t]) {
      const times = grants.map((g) => g.at - start);
      expect(times[49]).toBeCloseTo(49 * 204, 6);
      expect(maxInWindow(times)).toBe(5);
    }
  });

  it('takes its sizes from the options', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock, writeTps: 4, readTps: 20, safetyMargin: 0 });
    expect(pacer.intervalMs(write)).toBe(250);
    expect(pacer.intervalMs(read)).toBe(50);
    expect(pacer.intervalMs(tag)).toBe(200);
    expect(() => new Pacer({ writeTps: 0 })).toThrow(/write TPS must be a positive number/);
  });

  it('an idle bucket does not save up a burst', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    await pacer.acquire(write);
    clock.advance(60_000); // a long quiet spell
    const start = clock.now();
    const { grants, all } = acquireAll(pacer, clock, write, 3);
    await clock.tick(5_000);
    await all;
    expect(grants.map((g) => g.at - start)).toEqual([0, 1_020, 2_040]);
  });

  it('keeps (account, region, class) buckets independent', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    await pacer.acquire(write); // the first key's write bucket is now busy for 1.02 s
    let held = false;
    void pacer.acquire(write).then(() => (held = true));
    const others: BucketKey[] = [{ ...write, region: 'eu-west-1' }, { ...write, account: '222222222222' }, read, tag];
    // Each other bucket grants at once, at the same fake instant: nothing waits on the busy one.
    const start = clock.now();
    await Promise.all(others.map((k) => pacer.acquire(k)));
    expect(clock.now()).toBe(start);
    await flush();
    expect(held).toBe(false);
    await clock.tick(1_020);
    expect(held).toBe(true);
  });
});

describe('Pacer priorities', () => {
  it('serves high before low, FIFO within a priority', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    await pacer.acquire(write); // the bucket is now busy for one interval
    const order: string[] = [];
    const calls = [
      ['drift-a', 'low'],
      ['drift-b', 'low'],
      ['edit-a', 'high'],
      ['drift-c', 'low'],
      ['delete-a', 'high'],
    ] as const;
    const all = calls.map(([name, prio]) => pacer.acquire(write, prio).then(() => order.push(name)));
    await clock.tick(10_000);
    await Promise.all(all);
    expect(order).toEqual(['edit-a', 'delete-a', 'drift-a', 'drift-b', 'drift-c']);
  });

  it('a high call that arrives later still overtakes waiting low calls', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const low = acquireAll(pacer, clock, write, 5, 'low', 'drift');
    await clock.tick(1_500); // drift0 and drift1 granted
    const high = pacer.acquire(write, 'high').then(() => low.grants.push({ at: clock.now(), label: 'edit' }));
    await clock.tick(10_000);
    await Promise.all([low.all, high]);
    expect(low.grants.map((g) => g.label)).toEqual(['drift0', 'drift1', 'edit', 'drift2', 'drift3', 'drift4']);
  });
});

describe('Pacer abort', () => {
  it('rejects an already aborted signal without taking a slot', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const ctl = new AbortController();
    ctl.abort(new Error('shutting down'));
    await expect(pacer.acquire(write, 'high', ctl.signal)).rejects.toThrow('shutting down');
    await pacer.acquire(write); // still immediate: the aborted call did not use the slot
    expect(pacer.waiting(write)).toBe(0);
  });

  it('an abort while waiting rejects, leaves the line and lets the next waiter keep its turn', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const start = clock.now();
    await pacer.acquire(write);
    const ctl = new AbortController();
    const aborted = pacer.acquire(write, 'high', ctl.signal);
    let nextAt = 0;
    const next = pacer.acquire(write, 'high').then(() => (nextAt = clock.now() - start));
    expect(pacer.waiting(write)).toBe(2);
    ctl.abort(new DOMException('stop', 'AbortError'));
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(pacer.waiting(write)).toBe(1);
    await clock.tick(2_000);
    await next;
    expect(nextAt).toBe(1_020);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('Pacer with a shared shutdown signal', () => {
  it('hundreds of waiters share one abort listener, all rejected on abort, none left after grants', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const shutdown = new AbortController();
    const calls = Array.from({ length: 500 }, (_, i) =>
      pacer.acquire(i % 2 ? write : read, i % 3 ? 'low' : 'high', shutdown.signal).then(
        () => 'granted',
        (e: Error) => e.message,
      ),
    );
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    await clock.tick(5_000); // some are granted meanwhile
    shutdown.abort(new Error('SIGTERM'));
    const outcomes = await Promise.all(calls);
    const granted = outcomes.filter((o) => o === 'granted').length;
    expect(granted).toBeGreaterThan(2);
    expect(outcomes.filter((o) => o === 'SIGTERM')).toHaveLength(500 - granted);
    expect(pacer.waiting(write) + pacer.waiting(read)).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('removes its listener once every waiter of a signal is granted', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const ctl = new AbortController();
    const all = Promise.all([1, 2, 3].map(() => pacer.acquire(write, 'high', ctl.signal)));
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(1);
    await clock.tick(3_000);
    await all;
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });
});

describe('Pacer throttling', () => {
  it('halves the rate on a throttle, pauses, and recovers after quiet periods', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock, recoveryMs: 30_000 });
    await pacer.acquire(write);
    pacer.onThrottled(write);
    expect(pacer.intervalMs(write)).toBeCloseTo(2_040, 6);
    // A second throttle from a call in flight at the same time does not compound.
    pacer.onThrottled(write);
    expect(pacer.intervalMs(write)).toBeCloseTo(2_040, 6);
    // The next call waits the slowed interval.
    const t0 = clock.now();
    let grantedAfter = -1;
    const next = pacer.acquire(write).then(() => (grantedAfter = clock.now() - t0));
    await clock.tick(3_000);
    await next;
    expect(grantedAfter).toBeCloseTo(2_040, 6);
    // A throttle one slowed interval later slows it further, to the 8× floor at most.
    for (let i = 0; i < 5; i++) {
      clock.advance(pacer.intervalMs(write));
      pacer.onThrottled(write);
    }
    expect(pacer.intervalMs(write)).toBeCloseTo(8 * 1_020, 6);
    // Quiet: the rate doubles back every 30 s.
    clock.advance(30_000);
    expect(pacer.intervalMs(write)).toBeCloseTo(4 * 1_020, 6);
    clock.advance(60_000);
    expect(pacer.intervalMs(write)).toBeCloseTo(1_020, 6);
    clock.advance(600_000);
    expect(pacer.intervalMs(write)).toBeCloseTo(1_020, 6);
  });

  it('a throttle on one bucket leaves the others at full speed', () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    pacer.onThrottled(write);
    expect(pacer.intervalMs({ ...write, region: 'eu-west-1' })).toBeCloseTo(1_020, 6);
    expect(pacer.intervalMs(read)).toBeCloseTo(204, 6);
  });

  it('counts waits and throttles through its metrics hooks', async () => {
    const clock = new FakeClock();
    const waited: number[] = [];
    const throttled: string[] = [];
    const pacer = new Pacer({ clock, metrics: { waited: (_c, s) => waited.push(s), throttled: (c) => throttled.push(c) } });
    const { all } = acquireAll(pacer, clock, write, 3);
    await clock.tick(5_000);
    await all;
    pacer.onThrottled(write);
    expect(waited).toEqual([0, 1.02, 2.04]);
    expect(throttled).toEqual(['write']);
  });
});

describe('Pacer with the real clock', () => {
  it('never runs ahead of its interval with real timers (which may fire a millisecond early)', async () => {
    const pacer = new Pacer({ readTps: 20 });
    const start = performance.now();
    let last = 0;
    await Promise.all(Array.from({ length: 15 }, () => pacer.acquire(read).then(() => (last = Math.max(last, performance.now())))));
    // 15 calls at 20 TPS (51 ms apart with the margin) span at least 14 intervals. Measured from
    // before the first call to after the last grant, so a busy CPU can only make it look slower.
    expect(last - start).toBeGreaterThanOrEqual(14 * 51);
  });
});

describe('operationClass', () => {
  it('maps the Customer Profiles operations to their quota classes', () => {
    expect(operationClass('PutIntegration')).toBe('write');
    expect(operationClass('DeleteIntegration')).toBe('write');
    expect(operationClass('GetIntegration')).toBe('read');
    expect(operationClass('ListIntegrations')).toBe('read');
    expect(operationClass('TagResource')).toBe('tag');
    expect(operationClass('ListTagsForResource')).toBe('tag');
    expect(operationClass('SomethingNew')).toBe('read');
  });

  it('paces every AWS write as a write or tag call, never as a read (reads skip the write gate)', () => {
    for (const op of WRITE_OPERATIONS) expect([op, operationClass(op)]).not.toEqual([op, 'read']);
    for (const op of ['CreateDomain', 'UpdateDomain', 'DeleteDomain', 'PutProfileObjectType', 'DeleteProfileObjectType']) {
      expect(operationClass(op)).toBe('write');
    }
    for (const op of ['GetDomain', 'ListDomains', 'GetProfileObjectType', 'ListProfileObjectTypes']) expect(operationClass(op)).toBe('read');
  });
});
