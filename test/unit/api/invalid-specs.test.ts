// At least 40 distinct invalid integrations, and the invalid domains and object types, are rejected
// offline, each with the field path and the reason the fixture names. The same tables are applied
// to a real API server by the e2e tests.
import { describe, expect, it } from 'vitest';
import { validateResource } from '../../../src/api/validate.ts';
import { invalidDomainCases } from '../../fixtures/invalid-domains.ts';
import { invalidObjectTypeCases } from '../../fixtures/invalid-object-types.ts';
import { invalidCases as invalidIntegrationCases } from '../../fixtures/invalid-specs.ts';

const invalidCases = [...invalidIntegrationCases, ...invalidDomainCases, ...invalidObjectTypeCases];

describe('invalid resources', () => {
  it('are at least 40 distinct integration cases, 20 of each other kind', () => {
    expect(invalidIntegrationCases.length).toBeGreaterThanOrEqual(40);
    expect(invalidDomainCases.length).toBeGreaterThanOrEqual(20);
    expect(invalidObjectTypeCases.length).toBeGreaterThanOrEqual(20);
    expect(invalidDomainCases.every((c) => (c.doc as { kind: string }).kind.includes('Domain'))).toBe(true);
    expect(invalidObjectTypeCases.every((c) => (c.doc as { kind: string }).kind === 'CustomerProfilesObjectType')).toBe(true);
    expect(new Set(invalidCases.map((c) => c.name)).size).toBe(invalidCases.length);
    expect(new Set(invalidCases.map((c) => JSON.stringify([c.doc, c.old]))).size).toBe(invalidCases.length);
  });

  it.each(invalidCases.map((c) => [c.name, c] as const))('%s: rejected at its path with its reason', (_name, c) => {
    const problems = validateResource(c.doc, { old: c.old });
    const hit = problems.find((p) => p.path === c.path && p.message.includes(c.reason));
    expect(hit, `expected ${c.path}: ...${c.reason}... in\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`).toBeDefined();
  });

  it('updates are invalid only because of the old object', () => {
    for (const c of invalidCases.filter((x) => x.old !== undefined)) {
      expect(validateResource(c.doc), c.name).toEqual([]);
      expect(validateResource(c.old), c.name).toEqual([]);
    }
  });

  it('messages never leak ajv wording or JSON pointers', () => {
    for (const c of invalidCases) {
      for (const p of validateResource(c.doc, { old: c.old })) {
        expect(p.message, c.name).not.toMatch(/must NOT have|must be equal to one of the allowed values|instancePath|#\/properties/);
        expect(p.path, c.name).not.toMatch(/^\/|\/\d/);
      }
    }
  });
});
