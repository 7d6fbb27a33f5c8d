// The schema carries every member and every constraint of PutIntegrationRequest in the botocore
// model (test/fixtures/put-integration-model.generated.ts, from scripts/gen-api-model.ts), with the
// deliberate differences model-compare.ts lists. Here: the TagKey lookahead `^(?!aws:)` is not
// RE2, so it is a separate rule, and list minimums (1) are not carried: an empty list means "none"
// and is never sent.
import { describe, expect, it } from 'vitest';
import { OPERATOR_PROPERTY_KEYS, RULES, TAG_KEY_PATTERN } from '../../../src/api/rules.ts';
import { SpecSchema } from '../../../src/api/schema.ts';
import { shapes } from '../../fixtures/put-integration-model.generated.ts';
import { compareWithModel, type Node } from './model-compare.ts';

/** Map keys: which shape constrains them, and the rule that carries it. */
const keyRules: Record<string, string[]> = {
  TagKey: ['tagKeysNotReserved', 'tagKeysShape'],
  string1To255: ['objectTypeNamesKeys'],
  OperatorPropertiesKeys: ['taskPropertiesKeys'],
};
const options = { shapes, rules: RULES, keyRules, listMinimums: false };

describe('schema vs the botocore model of PutIntegrationRequest', () => {
  it('has every member with the model\'s constraints', () => {
    const seen: string[] = [];
    compareWithModel(options, 'PutIntegrationRequest', SpecSchema as unknown as Node, 'spec', seen);
    // All of FlowDefinition's tree is in there, down to the scheduled trigger properties.
    expect(seen).toContain('spec.flowDefinition.triggerConfig.triggerProperties.scheduled.firstExecutionFrom');
    expect(seen).toContain('spec.flowDefinition.tasks[].connectorOperator.serviceNow');
    expect(seen.length).toBe(60);
  });

  it('checks map keys as the model constrains them', () => {
    expect(shapes.TagKey!.pattern).toBe(TAG_KEY_PATTERN.replace('^', '^(?!aws:)'));
    expect(shapes.TagKey!.max).toBe(128);
    expect([...OPERATOR_PROPERTY_KEYS]).toEqual(shapes.OperatorPropertiesKeys!.enum);
    expect(shapes.string1To255).toMatchObject({ min: 1, max: 255 });
    expect(RULES.find((r) => r.name === 'objectTypeNamesKeys')!.rule).toContain('size(k) >= 1 && size(k) <= 255');
    expect(RULES.find((r) => r.name === 'tagKeysShape')!.rule).toContain('size(k) <= 128');
  });
});
