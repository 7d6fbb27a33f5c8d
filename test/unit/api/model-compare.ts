// Compares a resource schema with the botocore model's shapes, member by member, constraint by
// constraint (the schema-model tests of every kind use it). Deliberate differences, passed in:
//   - map keys are checked by CEL rules (a CRD cannot constrain keys): `keyRules` names them;
//   - list minimums are carried or not (`listMinimums`); map minimums never are (an empty map
//     means none and is never sent);
//   - where the model has no maximum, the schema adds one (the API server needs bounds for CEL cost).
import { expect } from 'vitest';
import type { Rule } from '../../../src/api/rules.ts';
import type { ModelShape } from '../../fixtures/put-integration-model.generated.ts';

export type { ModelShape };

export interface Node {
  type?: string;
  format?: string;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: Node | boolean;
  description?: string;
}

export const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
export const OPERATOR_FIELDS = ['region', 'deletionPolicy', 'managementPolicy'];

export interface CompareOptions {
  shapes: Record<string, ModelShape>;
  rules: readonly Rule[];
  /** Map key shape -> the rules that check the keys. */
  keyRules: Record<string, string[]>;
  /** Whether list minimums of the model are in the schema. */
  listMinimums: boolean;
}

/** Asserts that `node` carries shape `shapeName`; pushes every path it compared onto `seen`. */
export function compareWithModel(o: CompareOptions, shapeName: string, node: Node, path: string, seen: string[]): void {
  const shape = o.shapes[shapeName]!;
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
      for (const m of members) compareWithModel(o, shape.members![m]!.shape, node.properties![lowerFirst(m)]!, `${path}.${lowerFirst(m)}`, seen);
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
    case 'double':
      expect(node.type, path).toBe(shape.type === 'double' ? 'number' : 'integer');
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
      if (o.listMinimums) expect(node.minItems, `${path}: minItems`).toBe(shape.min);
      compareWithModel(o, shape.member!.shape, node.items!, `${path}[]`, seen);
      return;
    case 'map': {
      expect(node.type, path).toBe('object');
      expect(typeof node.additionalProperties, `${path}: a map`).toBe('object');
      if (shape.max !== undefined) expect(node.maxProperties, `${path}: maxProperties`).toBe(shape.max);
      else expect(node.maxProperties, `${path}: bounded`).toBeGreaterThan(0);
      compareWithModel(o, shape.value!.shape, node.additionalProperties as Node, `${path}{}`, seen);
      const ruleNames = o.keyRules[shape.key!.shape];
      expect(ruleNames, `${path}: its keys (${shape.key!.shape}) are checked by a rule`).toBeDefined();
      const rulePath = path.replace(/\[\]/g, '.*');
      for (const name of ruleNames!) {
        const rule = o.rules.find((r) => r.name === name)!;
        expect(rule.at.join('.'), `${name} sits on ${path}`).toBe(rulePath);
      }
      return;
    }
    default:
      throw new Error(`${path}: shape type ${shape.type} not handled`);
  }
}
