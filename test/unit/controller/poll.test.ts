import { describe, expect, it } from 'vitest';
import { hashOffset, nextPollDelay } from '../../../src/controller/poll.ts';

describe('nextPollDelay', () => {
  const interval = 600_000;
  it('lands between half and one and a half intervals from now', () => {
    for (let now = 0; now < 3 * interval; now += 7_919) {
      const d = nextPollDelay(now, interval, 'retail');
      expect(d).toBeGreaterThanOrEqual(interval / 2);
      expect(d).toBeLessThanOrEqual(1.5 * interval);
    }
  });
  it('aligns every resource of a domain on the same instant, so one list serves them all', () => {
    const now = 1_764_489_600_123;
    const due = new Set([0, 1_000, 25_000, 90_000].map((dt) => now + dt + nextPollDelay(now + dt, interval, 'retail')));
    expect(due.size).toBe(1);
  });
  it('spreads different domains over the interval', () => {
    const offsets = new Set(['a', 'b', 'c', 'd', 'e'].map((d) => hashOffset(d, interval)));
    expect(offsets.size).toBe(5);
  });
});
