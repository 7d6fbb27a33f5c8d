import { describe, expect, it } from 'vitest';
import { FixedRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, jitter } from '../../../src/runtime/backoff.ts';

describe('jitter', () => {
  it('spreads a delay uniformly over ±factor', () => {
    expect(jitter(1_000, 0.1, () => 0)).toBe(900);
    expect(jitter(1_000, 0.1, () => 0.5)).toBe(1_000);
    expect(jitter(1_000, 0.1, () => 0.999_999)).toBeCloseTo(1_100, 1);
    expect(jitter(1_000, 0, () => 0.7)).toBe(1_000);
  });

  it('stays inside its bounds for random draws', () => {
    for (let i = 0; i < 1_000; i++) {
      const v = jitter(600_000, 0.2);
      expect(v).toBeGreaterThanOrEqual(480_000);
      expect(v).toBeLessThan(720_000);
    }
  });
});

describe('ItemExponentialRateLimiter', () => {
  it('doubles from the base to the cap, per key', () => {
    const rl = new ItemExponentialRateLimiter({ baseMs: 1_000, maxMs: 300_000, jitterFactor: 0 });
    const delays = Array.from({ length: 12 }, () => rl.when('a'));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000]);
    expect(rl.when('b')).toBe(1_000);
    expect(rl.numRequeues('a')).toBe(12);
  });

  it('never exceeds the cap, even after thousands of failures and with jitter', () => {
    const rl = new ItemExponentialRateLimiter({ baseMs: 1_000, maxMs: 300_000, jitterFactor: 0.5, rand: () => 0.999 });
    let last = 0;
    for (let i = 0; i < 2_000; i++) last = rl.when('a');
    expect(last).toBe(300_000);
  });

  it('jitters each delay', () => {
    const rl = new ItemExponentialRateLimiter({ baseMs: 1_000, jitterFactor: 0.1, rand: () => 0 });
    expect(rl.when('a')).toBe(900);
    expect(rl.when('a')).toBe(1_800);
  });

  it('forget starts the key over', () => {
    const rl = new ItemExponentialRateLimiter({ jitterFactor: 0 });
    rl.when('a');
    rl.when('a');
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
    expect(rl.when('a')).toBe(1_000);
  });

  it('the controller default is 1 s doubling to 5 min with ±10 % jitter', () => {
    const rl = defaultControllerRateLimiter();
    const first = rl.when('k');
    expect(first).toBeGreaterThanOrEqual(900);
    expect(first).toBeLessThan(1_100);
    for (let i = 0; i < 20; i++) rl.when('k');
    const late = rl.when('k');
    expect(late).toBeGreaterThanOrEqual(270_000);
    expect(late).toBeLessThanOrEqual(300_000);
  });
});

describe('MaxOfRateLimiter', () => {
  it('answers the longest delay and counts the failure in every limiter', () => {
    const exp = new ItemExponentialRateLimiter({ baseMs: 100, jitterFactor: 0 });
    const fixed = new FixedRateLimiter(350);
    const rl = new MaxOfRateLimiter(exp, fixed);
    expect([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('a')]).toEqual([350, 350, 400, 800]);
    expect(exp.numRequeues('a')).toBe(4);
    expect(fixed.numRequeues('a')).toBe(4);
    expect(rl.numRequeues('a')).toBe(4);
    rl.forget('a');
    expect(exp.numRequeues('a')).toBe(0);
    expect(fixed.numRequeues('a')).toBe(0);
  });

  it('refuses to be built empty', () => {
    expect(() => new MaxOfRateLimiter()).toThrow(/at least one/);
  });
});
