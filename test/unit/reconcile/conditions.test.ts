import { describe, expect, it } from 'vitest';
import { findCondition, removeCondition, setCondition } from '../../../src/reconcile/conditions.ts';

const t0 = new Date('2026-11-30T08:00:00Z');
const t1 = new Date('2026-11-30T09:00:00Z');

describe('setCondition', () => {
  it('adds a condition with observedGeneration and a transition time', () => {
    const c = setCondition([], { type: 'Ready', status: 'True', reason: 'Available', message: 'ok' }, 3, t0);
    expect(c).toEqual([{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok', observedGeneration: 3, lastTransitionTime: '2026-11-30T08:00:00Z' }]);
  });

  it('keeps lastTransitionTime when only reason, message or generation change', () => {
    let c = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: 'a' }, 1, t0);
    c = setCondition(c, { type: 'Ready', status: 'False', reason: 'Throttled', message: 'b' }, 2, t1);
    expect(c[0]).toMatchObject({ reason: 'Throttled', message: 'b', observedGeneration: 2, lastTransitionTime: '2026-11-30T08:00:00Z' });
  });

  it('moves lastTransitionTime when status changes', () => {
    let c = setCondition([], { type: 'Ready', status: 'False', reason: 'Creating', message: '' }, 1, t0);
    c = setCondition(c, { type: 'Ready', status: 'True', reason: 'Available', message: '' }, 1, t1);
    expect(c[0]!.lastTransitionTime).toBe('2026-11-30T09:00:00Z');
  });

  it('orders conditions Ready, Synced, Reconciling, Stalled whatever the insertion order', () => {
    let c = setCondition([], { type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: '' }, 1, t0);
    c = setCondition(c, { type: 'Synced', status: 'False', reason: 'InvalidSpec', message: '' }, 1, t0);
    c = setCondition(c, { type: 'Ready', status: 'False', reason: 'Error', message: '' }, 1, t0);
    expect(c.map((x) => x.type)).toEqual(['Ready', 'Synced', 'Stalled']);
  });

  it('truncates messages to the API limit', () => {
    const c = setCondition([], { type: 'Ready', status: 'False', reason: 'Error', message: 'x'.repeat(40_000) }, 1, t0);
    expect(c[0]!.message.length).toBe(32_768);
  });

  it('removes and finds conditions', () => {
    const c = setCondition([], { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '' }, 1, t0);
    expect(findCondition(c, 'Reconciling')?.status).toBe('True');
    expect(removeCondition(c, 'Reconciling')).toEqual([]);
  });
});
