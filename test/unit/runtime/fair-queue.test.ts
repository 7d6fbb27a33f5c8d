import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../../src/runtime/fair-queue.ts';

const drain = <T>(q: FairQueue<T>) => {
  const out: T[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
  return out;
};

/** Pushes items named after their flow (the first letter) and priority (low when named so, else high). */
const push = (q: FairQueue<string>, ...items: string[]) => {
  for (const x of items) q.push(x, x[0]!, x.includes('low') ? 'low' : 'high');
  return q;
};

describe('FairQueue', () => {
  it('is first in, first out within one flow', () => {
    const q = push(new FairQueue<string>(), 'a1', 'a2', 'a3');
    expect(drain(q)).toEqual(['a1', 'a2', 'a3']);
  });

  it('takes turns between flows: a late flow with one item waits behind one item of the burst, not all of it', () => {
    const q = push(new FairQueue<string>(), 'a1', 'a2', 'a3', 'a4', 'a5', 'a6');
    expect(q.shift()).toBe('a1');
    push(q, 'b1', 'c1');
    expect(drain(q)).toEqual(['a2', 'b1', 'c1', 'a3', 'a4', 'a5', 'a6']);
  });

  it('gives every flow with items one turn per round, however many each queued', () => {
    const q = push(new FairQueue<string>(), 'a1', 'a2', 'a3', 'b1', 'b2', 'c1');
    expect(drain(q)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('serves every high item before any low one, and takes turns within each', () => {
    const q = push(new FairQueue<string>(), 'a-low1', 'a-low2', 'b-low1', 'a-high1', 'a-high2', 'b-high1');
    expect(q.flows('low')).toEqual(new Map([['a', 2], ['b', 1]]));
    expect(drain(q)).toEqual(['a-high1', 'b-high1', 'a-high2', 'a-low1', 'b-low1', 'a-low2']);
  });

  it('removes an item that gave up, and forgets a flow left empty', () => {
    const q = push(new FairQueue<string>(), 'a1', 'b1', 'a2');
    expect(q.remove('b1', 'b', 'high')).toBe(true);
    expect(q.remove('b1', 'b', 'high')).toBe(false);
    expect(q.remove('a1', 'a', 'low')).toBe(false); // wrong priority: not there
    expect(q.size).toBe(2);
    expect(q.flows('high')).toEqual(new Map([['a', 2]]));
    expect(drain(q)).toEqual(['a1', 'a2']);
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('a flow that emptied and comes back joins the end of the round', () => {
    const q = push(new FairQueue<string>(), 'a1', 'b1', 'b2');
    expect(q.shift()).toBe('a1'); // a is empty now
    push(q, 'a2');
    expect(drain(q)).toEqual(['b1', 'a2', 'b2']);
  });
});
