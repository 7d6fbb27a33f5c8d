// WriteSpacing: writes of one bucket go one at a time, each sent at least one interval after AWS
// answered the previous one (a 1 TPS quota has no burst to absorb connection-setup jitter).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteSpacing } from '../../../src/aws/gateway.ts';

describe('WriteSpacing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const interval = () => 1000;

  it('lets the first write go at once', async () => {
    const s = new WriteSpacing();
    const done = await s.turn('a', interval);
    expect(typeof done).toBe('function');
  });

  it('sends the next write one interval after the previous answer, not after its send', async () => {
    const s = new WriteSpacing();
    const first = await s.turn('a', interval);
    let sentAt: number | undefined;
    void s.turn('a', interval).then(() => (sentAt = Date.now()));
    await vi.advanceTimersByTimeAsync(300); // the first call is slow: a new TLS connection, say
    expect(sentAt).toBeUndefined();
    const answeredAt = Date.now();
    first(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(sentAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(sentAt).toBe(answeredAt + 1000);
  });

  it('does not wait after a write that was never sent', async () => {
    const s = new WriteSpacing();
    const first = await s.turn('a', interval);
    let sent = false;
    void s.turn('a', interval).then(() => (sent = true));
    first(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(true);
  });

  it('keeps buckets apart', async () => {
    const s = new WriteSpacing();
    const a = await s.turn('a', interval);
    let sent = false;
    void s.turn('b', interval).then(() => (sent = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(true);
    a(true);
  });

  it('serves turns in the order they were asked for (the pacer grant order)', async () => {
    const s = new WriteSpacing();
    const order: string[] = [];
    const first = await s.turn('a', interval);
    const p2 = s.turn('a', interval).then((d) => (order.push('second'), d));
    const p3 = s.turn('a', interval).then((d) => (order.push('third'), d));
    first(true);
    await vi.advanceTimersByTimeAsync(1000);
    (await p2)(true);
    await vi.advanceTimersByTimeAsync(1000);
    (await p3)(true);
    expect(order).toEqual(['second', 'third']);
  });

  it('uses the interval current when the turn comes (a throttled bucket slows down)', async () => {
    const s = new WriteSpacing();
    let current = 1000;
    const first = await s.turn('a', () => current);
    let sentAt: number | undefined;
    void s.turn('a', () => current).then(() => (sentAt = Date.now()));
    current = 2000;
    const answeredAt = Date.now();
    first(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(sentAt).toBe(answeredAt + 2000);
  });

  it('gives up the place in line on abort, and the next write still gets its turn', async () => {
    const s = new WriteSpacing();
    const first = await s.turn('a', interval);
    first(true);
    const ac = new AbortController();
    const aborted = s.turn('a', interval, ac.signal);
    let thirdAt: number | undefined;
    void s.turn('a', interval).then(() => (thirdAt = Date.now()));
    ac.abort(new Error('shutting down'));
    await expect(aborted).rejects.toThrow('shutting down');
    await vi.advanceTimersByTimeAsync(1000);
    expect(thirdAt).toBe(1_000_000 + 1000);
  });
});
