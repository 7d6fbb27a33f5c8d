// The schema carries every member and every constraint of PutIntegrationRequest in the botocore
// model (test/fixtures/put-integration-model.generated.ts, from scripts/gen-api-model.ts).
// Deliberate differences, each asserted here:
//   - map keys are checked by CEL rules (a CRD cannot constrain keys), and the TagKey lookahead
//     `^(?!aws:)` is not RE2, so it is a separate rule;
//   - list and map minimums (1) are not carried: an empty list or map means "none" and is never sent;
//   - where the model has no maximum, the schema adds one (the API server needs bounds for CEL cost).
import { describe, expect, it } from 'vitest';
import { OPERATOR_PROPERTY_KEYS, RULES, TAG_KEY_PATTERN } from '../../../src/api/rules.ts';
import { SpecSchema } from '../../../src/api/schema.ts';
import { shapes, type ModelShape } from '../../fixtures/put-integration-model.generated.ts';

interface Node {
  type?: string;
  format?: string;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  maxProperties?: number;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: Node | boolean;
  description?: string;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const OPERATOR_FIELDS = ['region', 'deletionPolicy', 'managementPolicy'];

/** Map keys: which shape constrains them, and the rule that carries it. */
const keyRules: Record<string, string[]> = {
  TagKey: ['tagKeysNotReserved', 'tagKeysShape'],
  string1To255: ['objectTypeNamesKeys'],
  OperatorPropertiesKeys: ['taskPropertiesKeys'],
};

function compare(shapeName: string, node: Node, path: string, seen: string[]): void {
  const shape: ModelShape = shapes[shapeName]!;
  seen.push(path);
  expect(node, path).toBeDefined();
  expect(node.description, `${path} has a description`).toBeTruthy();
  switch (shape.type) {
    case 'structure': {
      expect(node.type, path).toBe('object');
      const members = Object.keys(shape.members ?? {});
      const expected = members.map(lowerFirst);
      const extra = path === 'spec' ? OPERATOR_FIELDS : [];
      expect(Object.keys(node.properties ?? {}).sort(), `${path}: properties are the model's members`).toEqual([...expected, ...extra].sort());
      expect([...(node.required ?? [])].sort(), `${path}: required`).toEqual((shape.required ?? []).map(lowerFirst).sort());
      for (const m of members) compare(shape.members![m]!.shape, node.properties![lowerFirst(m)]!, `${path}.${lowerFirst(m)}`, seen);
      return;
    }
    case 'string':
      expect(node.type, path).toBe('string');
      if (shape.enum) {
        expect(node.enum, `${path}: enum (values and order)`).toEqual(shape.enum);
        return;
      }
      expect(node.minLength, `${path}: minLength`).toBe(shape.min);
      if (shape.max !== undefined) expect(node.maxLength, `${path}: maxLength`).toBe(shape.max);
      else expect(node.maxLength, `${path}: bounded`).toBeGreaterThan(0);
      expect(node.pattern, `${path}: pattern, unanchored as in the model`).toBe(shape.pattern);
      return;
    case 'timestamp':
      expect(node.type, path).toBe('string');
      expect(node.format, path).toBe('date-time');
      return;
    case 'long':
    case 'integer':
      expect(node.type, path).toBe('integer');
      expect(node.minimum, path).toBe(shape.min);
      expect(node.maximum, path).toBe(shape.max);
      return;
    case 'boolean':
      expect(node.type, path).toBe('boolean');
      return;
    case 'list':
      expect(node.type, path).toBe('array');
      if (shape.max !== undefined) expect(node.maxItems, `${path}: maxItems`).toBe(shape.max);
      else expect(node.maxItems, `${path}: bounded`).toBeGreaterThan(0);
      compare(shape.member!.shape, node.items!, `${path}[]`, seen);
      return;
    case 'map': {
      expect(node.type, path).toBe('object');
      expect(typeof node.additionalProperties, `${path}: a map`).toBe('object');
      if (shape.max !== undefined) expect(node.maxProperties, `${path}: maxProperties`).toBe(shape.max);
      else expect(node.maxProperties, `${path}: bounded`).toBeGreaterThan(0);
      compare(shape.value!.shape, node.additionalProperties as Node, `${path}{}`, seen);
      const ruleNames = keyRules[shape.key!.shape];
      expect(ruleNames, `${path}: its keys (${shape.key!.shape}) are checked by a rule`).toBeDefined();
      const rulePath = path.replace(/\[\]/g, '.*').replace(/^spec/, 'spec');
      for (const name of ruleNames!) {
        const rule = RULES.find((r) => r.name === name)!;
        expect(rule.at.join('.'), `${name} sits on ${path}`).toBe(rulePath);
      }
      return;
    }
    default:
      throw new Error(`${path}: shape type ${shape.type} not handled`);
  }
}

describe('schema vs the botocore model of PutIntegrationRequest', () => {
  it('has every member with the model\'s constraints', () => {
    const seen: string[] = [];
    compare('PutIntegrationRequest', SpecSchema as unknown as Node, 'spec', seen);
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
