// Request validation driven by the model: required members, lengths, patterns, enums, ranges,
// list and map sizes. Type mismatches are SerializationException (AWS rejects them before
// validation); constraint violations are collected and sent as one BadRequestException with
// AWS's "N validation errors detected" wording.
import { ApiError } from './errors.ts';
import type { ShapeSpec } from './model-types.ts';
import { shapes as modelShapes } from './model.generated.ts';

const regexCache = new Map<string, RegExp>();
/** Smithy patterns are unanchored: a match anywhere in the value satisfies them. */
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) regexCache.set(pattern, (re = new RegExp(pattern)));
  return re;
}

/** Length of a string as Smithy counts it: Unicode code points, not UTF-16 units. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Validator {
  readonly shapes: Record<string, ShapeSpec>;
  constructor(shapes: Record<string, ShapeSpec> = modelShapes) {
    this.shapes = shapes;
  }

  /** Throws SerializationException for a wrong JSON type, BadRequestException for constraint violations. */
  check(shapeName: string, value: unknown): void {
    const problems: string[] = [];
    this.walk(shapeName, value, '', problems, false);
    if (problems.length) {
      const n = problems.length;
      throw new ApiError('BadRequestException', `${n} validation error${n > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
    }
  }

  private shape(name: string): ShapeSpec {
    const s = this.shapes[name];
    if (!s) throw new Error(`emulator model has no shape ${name}`);
    return s;
  }

  /**
   * Checks one of the emulator's own answers against the model's output shape, so a test run
   * proves every response the SDK parsed was also one AWS could send. Empty maps and lists pass:
   * AWS itself answers `"Tags": {}` below TagMap's minimum
   * (docs/design.md#aws-api-facts-the-code-relies-on). Throws a plain Error.
   */
  checkResponse(shapeName: string, value: unknown): void {
    const problems: string[] = [];
    try {
      this.walk(shapeName, value, '', problems, true);
    } catch (err) {
      problems.push((err as Error).message);
    }
    if (problems.length) throw new Error(`response does not match ${shapeName}: ${problems.join('; ')}`);
  }

  private walk(shapeName: string, value: unknown, path: string, problems: string[], response: boolean): void {
    const s = this.shape(shapeName);
    const at = (v: unknown, msg: string) =>
      problems.push(`Value ${v === undefined ? 'null' : `'${show(v)}'`} at '${path}' failed to satisfy constraint: Member must ${msg}`);
    const wrongType = (expected: string): never => {
      throw new ApiError('SerializationException', `Value at '${path || '$'}' must be ${expected}, got ${show(value)}`);
    };
    switch (s.type) {
      case 'structure': {
        if (!isObject(value)) wrongType('an object');
        const obj = value as Record<string, unknown>;
        for (const req of s.required ?? []) {
          if (obj[req] === undefined || obj[req] === null) {
            const p = path ? `${path}.${req}` : req;
            problems.push(`Value null at '${p}' failed to satisfy constraint: Member must not be null`);
          }
        }
        for (const [name, member] of Object.entries(s.members)) {
          const v = obj[name];
          if (v === undefined || v === null) continue;
          this.walk(member.shape, v, path ? `${path}.${name}` : name, problems, response);
        }
        return;
      }
      case 'string': {
        if (typeof value !== 'string') return wrongType('a string');
        const len = codePoints(value);
        if (s.min !== undefined && len < s.min) at(value, `have length greater than or equal to ${s.min}`);
        if (s.max !== undefined && len > s.max) at(value, `have length less than or equal to ${s.max}`);
        if (s.pattern !== undefined && !regex(s.pattern).test(value)) at(value, `satisfy regular expression pattern: ${s.pattern}`);
        if (s.enum !== undefined && !s.enum.includes(value)) at(value, `satisfy enum value set: [${s.enum.join(', ')}]`);
        return;
      }
      case 'integer':
      case 'long':
      case 'double': {
        if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType('a number');
        if (s.type !== 'double' && !Number.isInteger(value)) return wrongType('a whole number');
        if (s.min !== undefined && value < s.min) at(value, `have value greater than or equal to ${s.min}`);
        if (s.max !== undefined && value > s.max) at(value, `have value less than or equal to ${s.max}`);
        return;
      }
      case 'boolean':
        if (typeof value !== 'boolean') wrongType('a boolean');
        return;
      case 'timestamp':
        // restJson1 sends epoch seconds; an ISO string here is the SDK trap of passing a string for a Date.
        if (typeof value !== 'number' || !Number.isFinite(value)) wrongType('a timestamp in epoch seconds (a number)');
        return;
      case 'list': {
        if (!Array.isArray(value)) return wrongType('a list');
        if (s.min !== undefined && !response && value.length < s.min) at(value, `have length greater than or equal to ${s.min}`);
        if (s.max !== undefined && value.length > s.max) at(value, `have length less than or equal to ${s.max}`);
        value.forEach((item, i) => {
          if (item === null || item === undefined) at(item, 'not be null');
          else this.walk(s.member, item, `${path}.${i + 1}.member`, problems, response);
        });
        return;
      }
      case 'map': {
        if (!isObject(value)) return wrongType('a map');
        const entries = Object.entries(value);
        if (s.min !== undefined && !response && entries.length < s.min) at(value, `have length greater than or equal to ${s.min}`);
        if (s.max !== undefined && entries.length > s.max) at(value, `have length less than or equal to ${s.max}`);
        for (const [k, v] of entries) {
          this.walk(s.key, k, `${path}.${k}.key`, problems, response);
          if (v === null || v === undefined) at(v, 'not be null');
          else this.walk(s.value, v, `${path}.${k}.value`, problems, response);
        }
        return;
      }
    }
  }
}
