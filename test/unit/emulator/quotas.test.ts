// The token buckets behind the emulator's quotas, edge by edge, on a hand-driven clock.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TPS, Quotas } from '../../../src/emulator/quotas.ts';

function quotas(overrides: Record<string, number> = {}, enabled = true) {
  let now = 0;
  const q = new Quotas({ enabled, overrides }, () => now);
  return { q, advance: (ms: number) => (now += ms) };
}

const takes = (q: Quotas, n: number, op = 'PutIntegration', account = 'a', region = 'r') =>
  Array.from({ length: n }, () => q.take(account, region, op)).filter(Boolean).length;

describe('Quotas', () => {
  it('1 TPS: one call, then one more per second; half a second is not enough', () => {
    const { q, advance } = quotas();
    expect(takes(q, 3)).toBe(1);
    advance(500);
    expect(takes(q, 1)).toBe(0);
    advance(500);
    expect(takes(q, 2)).toBe(1);
  });

  it('5 TPS: burst of 5, refill never exceeds capacity', () => {
    const { q, advance } = quotas();
    expect(takes(q, 10, 'GetIntegration')).toBe(5);
    advance(60_000);
    expect(takes(q, 10, 'GetIntegration')).toBe(5);
  });

  it('buckets are per account, region and operation', () => {
    const { q } = quotas();
    expect(takes(q, 1, 'PutIntegration', 'a', 'r')).toBe(1);
    expect(takes(q, 1, 'PutIntegration', 'b', 'r')).toBe(1);
    expect(takes(q, 1, 'PutIntegration', 'a', 's')).toBe(1);
    expect(takes(q, 1, 'DeleteIntegration', 'a', 'r')).toBe(1);
    expect(takes(q, 1, 'PutIntegration', 'a', 'r')).toBe(0);
  });

  it('overrides replace defaults; 0 throttles everything; fractional TPS refills slowly', () => {
    const { q, advance } = quotas({ PutIntegration: 3, GetDomain: 0, ListDomains: 0.5 });
    expect(takes(q, 5)).toBe(3);
    expect(takes(q, 5, 'GetDomain')).toBe(0);
    expect(takes(q, 2, 'ListDomains')).toBe(1);
    advance(1000);
    expect(takes(q, 1, 'ListDomains')).toBe(0);
    advance(1000);
    expect(takes(q, 1, 'ListDomains')).toBe(1);
  });

  it('disabled passes everything; operations without a quota always pass; set() refills', () => {
    const { q } = quotas({}, false);
    expect(takes(q, 100)).toBe(100);
    q.set({ enabled: true });
    expect(takes(q, 100, 'GetCallerIdentity')).toBe(100);
    expect(takes(q, 2)).toBe(1);
    q.set({ overrides: { PutIntegration: 1 } });
    expect(takes(q, 2)).toBe(1);
    expect(q.current.effective).toEqual(DEFAULT_TPS);
  });
});
