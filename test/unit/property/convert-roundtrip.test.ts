// spec <-> PutIntegration request round-trips for every spec the schema allows (issue 8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromPutIntegrationInput, OPERATOR_FIELDS, toPutIntegrationInput } from '../../../src/api/convert.ts';
import { validateResource } from '../../../src/api/validate.ts';
import { manifest, spec } from './arbitraries.ts';

const withoutOperatorFields = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([k]) => !(OPERATOR_FIELDS as readonly string[]).includes(k)));

describe('spec <-> PutIntegration request', () => {
  it('the generated specs are valid resources (the arbitraries respect the schema)', () => {
    fc.assert(fc.property(spec, (s) => {
      expect(validateResource(manifest(s))).toEqual([]);
    }), { numRuns: 300 });
  });

  it('fromPutIntegrationInput(toPutIntegrationInput(spec)) is the spec without the operator fields', () => {
    fc.assert(fc.property(spec, (s) => {
      expect(fromPutIntegrationInput(toPutIntegrationInput(s))).toEqual(withoutOperatorFields(s as Record<string, unknown>));
    }), { numRuns: 500 });
  });

  it('the request is stable through a round trip, sends no operator field, and carries dates as Dates', () => {
    fc.assert(fc.property(spec, (s) => {
      const request = toPutIntegrationInput(s);
      expect(toPutIntegrationInput(fromPutIntegrationInput(request))).toEqual(request);
      for (const k of Object.keys(request)) expect(k).not.toMatch(/^(Region|DeletionPolicy|ManagementPolicy)$/);
      const scheduled = s.flowDefinition?.triggerConfig.triggerProperties?.scheduled;
      if (scheduled?.scheduleStartTime) {
        const wire = request.FlowDefinition!.TriggerConfig!.TriggerProperties!.Scheduled!.ScheduleStartTime;
        expect(wire).toBeInstanceOf(Date);
        expect((wire as Date).getTime()).toBe(Date.parse(scheduled.scheduleStartTime));
      }
    }), { numRuns: 300 });
  });

  it('empty maps and lists mean the same as absent ones', () => {
    fc.assert(fc.property(spec, (s) => {
      const padded = { ...s, tags: s.tags ?? {}, objectTypeNames: s.objectTypeNames ?? {}, eventTriggerNames: s.eventTriggerNames ?? [] };
      expect(toPutIntegrationInput(padded)).toEqual(toPutIntegrationInput(s));
    }), { numRuns: 200 });
  });
});
