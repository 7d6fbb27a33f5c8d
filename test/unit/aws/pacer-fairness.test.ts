// The pacer's fair turns between flows (namespaces) within a bucket, its answered() spacing, and
// its per-bucket metrics hooks. The rate contract itself is pinned by pacer.test.ts.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/runtime/clock.ts';
import { Pacer, type BucketKey } from '../../../src/aws/pacer.ts';

const write: BucketKey = { account: '111111111111', region: 'us-east-1', opClass: 'write' };
const otherAccount: BucketKey = { ...write, account: '222222222222' };

function record(pacer: Pacer, clock: FakeClock, key: BucketKey, label: string, grants: Array<{ label: string; at: number }>, prio: 'high' | 'low' = 'high', flow = label.replace(/\d+$/, '')) {
  return pacer.acquire(key, prio, undefined, flow).then(() => grants.push({ label, at: clock.now() }));
}

describe('Pacer fairness between flows', () => {
  it("a namespace's single call waits behind at most one call of another namespace's burst", async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const grants: Array<{ label: string; at: number }> = [];
    const all = Array.from({ length: 20 }, (_, i) => record(pacer, clock, write, `a${i}`, grants));
    await clock.tick(5_000); // a0..a4 granted; a5.. wait
    all.push(record(pacer, clock, write, 'b0', grants));
    await clock.tick(60_000);
    await Promise.all(all);
    const order = grants.map((g) => g.label);
    expect(order.indexOf('b0')).toBeLessThanOrEqual(order.indexOf('a5') + 1);
    expect(order.slice(0, 7)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'b0']);
    // Fairness never bends the rate: grants stay one interval apart.
    for (let i = 1; i < grants.length; i++) expect(grants[i]!.at - grants[i - 1]!.at).toBeGreaterThanOrEqual(1_020 - 1e-9);
  });

  it('interleaves two bursts one for one, high priority first', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const grants: Array<{ label: string; at: number }> = [];
    const all = [
      ...['a0', 'a1', 'a2'].map((l) => record(pacer, clock, write, l, grants)),
      record(pacer, clock, write, 'poll0', grants, 'low', 'c'),
      ...['b0', 'b1', 'b2'].map((l) => record(pacer, clock, write, l, grants)),
    ];
    await clock.tick(30_000);
    await Promise.all(all);
    expect(grants.map((g) => g.label)).toEqual(['a0', 'a1', 'b0', 'a2', 'b1', 'b2', 'poll0']);
  });

  it("another account's bucket is not held up by this one's queue or throttling", async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const grants: Array<{ label: string; at: number }> = [];
    const burst = Array.from({ length: 10 }, (_, i) => record(pacer, clock, write, `a${i}`, grants));
    pacer.onThrottled(write);
    await clock.tick(3_000);
    const start = clock.now();
    await record(pacer, clock, otherAccount, 'x0', grants);
    expect(grants.at(-1)).toEqual({ label: 'x0', at: start }); // at once
    await clock.tick(120_000);
    await Promise.all(burst);
  });
});

describe('Pacer.answered', () => {
  it('moves the next grant to one interval after the answer, never earlier than the grant schedule', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock });
    const grants: Array<{ label: string; at: number }> = [];
    const t0 = clock.now();
    await record(pacer, clock, write, 'a0', grants);
    const next = record(pacer, clock, write, 'a1', grants);
    await clock.tick(300); // the answer to a0 came 300 ms after it was sent
    pacer.answered(write);
    await clock.tick(1_019); // the grant schedule alone would have granted a1 at 1,020 ms
    expect(grants).toHaveLength(1);
    await clock.tick(1);
    await next;
    expect(grants[1]!.at - t0).toBeCloseTo(1_320, 6);
  });
});

describe('Pacer metrics per bucket', () => {
  it('reports the queue depth and each wait with the bucket it belongs to', async () => {
    const clock = new FakeClock();
    const depth: Array<[string, number]> = [];
    const waits: Array<[string, number]> = [];
    const id = (k: BucketKey) => `${k.account}/${k.region}/${k.opClass}`;
    const pacer = new Pacer({ clock, metrics: { waiting: (k, n) => depth.push([id(k), n]), waited: (_c, s, k) => waits.push([id(k), s]) } });
    const all = [0, 1, 2].map(() => pacer.acquire(write, 'high', undefined, 'a'));
    await clock.tick(5_000);
    await Promise.all(all);
    const b = id(write);
    expect(depth).toEqual([[b, 1], [b, 2], [b, 1], [b, 0]]);
    expect(waits).toEqual([[b, 0], [b, 1.02], [b, 2.04]]);
  });

  it('an aborted wait leaves the queue and the depth says so', async () => {
    const clock = new FakeClock();
    const depth: number[] = [];
    const pacer = new Pacer({ clock, metrics: { waiting: (_k, n) => depth.push(n) } });
    await pacer.acquire(write);
    const abort = new AbortController();
    const waiting = pacer.acquire(write, 'high', abort.signal, 'a');
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(pacer.waiting(write)).toBe(0);
    expect(depth).toEqual([1, 0]);
  });
});
