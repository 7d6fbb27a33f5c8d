import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../../src/runtime/fair-queue.ts';

const drain = <T>(q: FairQueue<T>) => {
  const out: T[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
  return out;
};

describe('FairQueue', () => {
  it('is first in, first out within one flow', () => {
    const q = new FairQueue<string>();
    for (const x of ['a1', 'a2', 'a3']) q.push(x, 'a', 'high');
    expect(drain(q)).toEqual(['a1', 'a2', 'a3']);
  });

  it('takes turns between flows: a late flow with one item waits behind one item of the burst, not all of it', () => {
    const q = new FairQueue<string>();
    for (let i = 1; i <= 6; i++) q.push(`a${i}`, 'a', 'high');
    expect(q.shift()).toBe('a1');
    q.push('b1', 'b', 'high');
    q.push('c1', 'c', 'high');
    expect(drain(q)).toEqual(['a2', 'b1', 'c1', 'a3', 'a4', 'a5', 'a6']);
  });

  it('gives every flow with items one turn per round, however many each queued', () => {
    const q = new FairQueue<string>();
    for (let i = 1; i <= 3; i++) q.push(`a${i}`, 'a', 'high');
    for (let i = 1; i <= 2; i++) q.push(`b${i}`, 'b', 'high');
    q.push('c1', 'c', 'high');
    expect(drain(q)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('serves every high item before any low one, and takes turns within each', () => {
    const q = new FairQueue<string>();
    q.push('a-low1', 'a', 'low');
    q.push('a-low2', 'a', 'low');
    q.push('b-low1', 'b', 'low');
    q.push('a-high1', 'a', 'high');
    q.push('a-high2', 'a', 'high');
    q.push('b-high1', 'b', 'high');
    expect(drain(q)).toEqual(['a-high1', 'b-high1', 'a-high2', 'a-low1', 'b-low1', 'a-low2']);
  });

  it('removes an item that gave up, and forgets a flow left empty', () => {
    const q = new FairQueue<string>();
    q.push('a1', 'a', 'high');
    q.push('b1', 'b', 'high');
    q.push('a2', 'a', 'high');
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
    const q = new FairQueue<string>();
    q.push('a1', 'a', 'high');
    q.push('b1', 'b', 'high');
    q.push('b2', 'b', 'high');
    expect(q.shift()).toBe('a1'); // a is empty now
    q.push('a2', 'a', 'high');
    expect(drain(q)).toEqual(['b1', 'a2', 'b2']);
  });
});
