// The switch table behind --semantics: defaults, checking, and the startup summary.
import { describe, expect, it } from 'vitest';
import { SWITCHES, SWITCH_NAMES, checkSemantics, defaultSemantics, describeNonDefault, semanticsProblem } from '../../../src/emulator/semantics.ts';

describe('semantics', () => {
  it('every switch has two values and defaults to the first', () => {
    const d = defaultSemantics();
    for (const name of SWITCH_NAMES) {
      expect(SWITCHES[name]).toHaveLength(2);
      expect(d[name]).toBe(SWITCHES[name][0]);
    }
    expect(describeNonDefault(d)).toEqual([]);
  });

  it('names the switch and its values for a bad value, and lists the switches for a bad name', () => {
    expect(semanticsProblem('put-omitted', 'merge')).toBeUndefined();
    expect(semanticsProblem('put-omitted', 'MERGE')).toBe('put-omitted must be replace or merge, not "MERGE"');
    expect(semanticsProblem('put-omitted', 1)).toBe('put-omitted must be replace or merge, not 1');
    expect(semanticsProblem('toString', 'x')).toMatch(/^unknown switch "toString"; the switches are flow-resend, /);
  });

  it('checkSemantics reports every problem at once and returns a good setting as it is', () => {
    expect(checkSemantics({ 'workflow-id': 'never' })).toEqual({ 'workflow-id': 'never' });
    expect(() => checkSemantics({ 'workflow-id': 'sometimes', nope: 'on' })).toThrow(
      /workflow-id must be always or never, not "sometimes"; unknown switch "nope"/,
    );
  });

  it('describeNonDefault lists the switches changed, in table order', () => {
    expect(describeNonDefault({ ...defaultSemantics(), 'past-start-time': 'reject', 'flow-resend': 'reject' })).toEqual([
      'flow-resend=reject',
      'past-start-time=reject',
    ]);
  });
});
