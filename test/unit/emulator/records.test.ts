import { describe, expect, it } from 'vitest';
import { type WriteOptions, pick, stamps, writeRecord } from '../../../src/emulator/records.ts';

const opts = (o: Partial<WriteOptions> = {}): WriteOptions => ({
  members: ['A', 'B', 'C'],
  omitted: 'clear',
  tagsOnChange: 'ignore',
  now: 100,
  later: (p) => p + 1,
  ...o,
});

describe('writeRecord', () => {
  it('creates a record from the identity and the members sent, stamped now, with the tags sent', () => {
    const rec = writeRecord(undefined, { Name: 'n' }, { A: 1, C: { deep: [1] }, X: 'not a member', Tags: { t: 'v' } }, opts());
    expect(rec).toEqual({ Name: 'n', A: 1, C: { deep: [1] }, CreatedAt: 100, LastUpdatedAt: 100, Tags: { t: 'v' } });
  });

  it('on a change keeps CreatedAt, moves LastUpdatedAt on from the old one, and clears omitted members (omitted=clear)', () => {
    const old = { Name: 'n', A: 1, B: 2, CreatedAt: 50, LastUpdatedAt: 150, Tags: { t: 'v' } };
    expect(writeRecord(old, { Name: 'n' }, { B: 3, Tags: { x: 'y' } }, opts())).toEqual({ Name: 'n', B: 3, CreatedAt: 50, LastUpdatedAt: 151, Tags: { t: 'v' } });
  });

  it('omitted=keep keeps what is not sent; emptyClears clears on an empty string; tagsOnChange=merge merges tags', () => {
    const old = { Name: 'n', A: 'a', B: 'b', CreatedAt: 50, Tags: { t: 'v' } };
    const rec = writeRecord(old, { Name: 'n' }, { B: '', C: 'c', Tags: { t: 'w', u: 'x' } }, opts({ omitted: 'keep', emptyClears: ['B'], tagsOnChange: 'merge' }));
    expect(rec).toEqual({ Name: 'n', A: 'a', C: 'c', CreatedAt: 50, LastUpdatedAt: 51, Tags: { t: 'w', u: 'x' } });
  });

  it('copies what it stores: a later change to the request does not reach the record', () => {
    const input = { C: { deep: [1] } };
    const rec = writeRecord<{ C?: { deep: number[] }; CreatedAt: number }>(undefined, {}, input, opts());
    input.C.deep.push(2);
    expect(rec.C).toEqual({ deep: [1] });
  });
});

describe('pick and stamps', () => {
  it('pick copies only the members that are set', () => {
    const rec = { A: [1], B: undefined, Z: 1 };
    const out = pick(rec, ['A', 'B']);
    expect(out).toEqual({ A: [1] });
    expect(out.A).not.toBe(rec.A);
  });

  it('stamps fill LastUpdatedAt and Tags for records from older state files', () => {
    expect(stamps({ CreatedAt: 5 })).toEqual({ CreatedAt: 5, LastUpdatedAt: 5, Tags: {} });
  });
});
