// Resource spec <-> AWS request. Both directions are driven by the schema, so every field the
// schema has is converted and none is forgotten (convertToAws / convertFromAws serve every kind;
// this file also holds the integration's PutIntegration pair):
//   - property names: the camelCase of the AWS name (flowName <-> FlowName, s3 <-> S3, serviceNow <-> ServiceNow);
//   - map keys (tags, objectTypeNames, taskProperties, fields) are kept as written;
//   - RFC 3339 strings (format date-time) <-> Date (the SDK sends epoch seconds);
//   - empty maps, lists and objects are omitted unless the model requires the member;
//   - the operator's own fields (region, deletionPolicy, managementPolicy) are never sent.
import type { PutIntegrationCommandInput } from '@aws-sdk/client-customer-profiles';
import { RFC3339_PATTERN, specNode, type SchemaNode } from './schema.ts';
import type { IntegrationSpec } from './types.ts';

export const OPERATOR_FIELDS = ['region', 'deletionPolicy', 'managementPolicy'] as const;


const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const isMap = (n: SchemaNode): n is SchemaNode & { additionalProperties: SchemaNode } => typeof n.additionalProperties === 'object';
const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && !(v instanceof Date) && Object.keys(v).length === 0);

type Direction = 'toAws' | 'fromAws';

/** A spec value the API server let through but AWS could not be sent: names the field. */
export class ConversionError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ConversionError';
    this.path = path;
  }
}

function convert(value: unknown, node: SchemaNode, dir: Direction, root: SchemaNode, path = 'spec'): unknown {
  if (value === undefined || value === null) return undefined;
  if (node.format === 'date-time') {
    try {
      return dir === 'toAws' ? toDate(value) : toRfc3339(value);
    } catch (err) {
      throw new ConversionError(path, `${(err as Error).message}; use an RFC 3339 date-time such as 2026-12-01T00:00:00Z`);
    }
  }
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    return value.map((v, i) => convert(v, node.items!, dir, root, `${path}[${i}]`)).filter((v) => v !== undefined);
  }
  if (node.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    if (isMap(node)) {
      for (const [k, v] of Object.entries(value)) {
        const c = convert(v, node.additionalProperties, dir, root, `${path}[${k}]`);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    const props = node.properties ?? {};
    const byAwsName = new Map(Object.keys(props).filter((p) => !(node === root && operatorFields.has(p))).map((p) => [upper(p), p]));
    for (const [k, v] of Object.entries(value)) {
      const prop = dir === 'toAws' ? (props[k] ? k : undefined) : byAwsName.get(k);
      if (!prop) continue; // not part of the API (validated resources have no such keys)
      const c = convert(v, props[prop]!, dir, root, `${path}.${dir === 'toAws' ? prop : k}`);
      if (isEmpty(c) && !node.required?.includes(prop)) continue;
      if (c !== undefined) out[dir === 'toAws' ? upper(prop) : prop] = c;
    }
    return out;
  }
  return value;
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(typeof value === 'number' ? value * 1000 : value);
    // Date accepts more than RFC 3339 (and rolls 2026-02-30 over into March): AWS would not.
    if (!Number.isNaN(d.getTime()) && (typeof value === 'number' || (rfc3339.test(value) && sameCalendarDate(value, d)))) return d;
  }
  throw new TypeError(`not an RFC 3339 date-time: ${String(value)}`);
}

const rfc3339 = new RegExp(RFC3339_PATTERN);

/** Whether the date part written in an RFC 3339 string is the date Date parsed (no roll-over). */
function sameCalendarDate(text: string, d: Date): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})/.exec(text);
  if (!m) return false;
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const minutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(d.getTime() + minutes * 60_000);
  return local.getUTCFullYear() === Number(m[1]) && local.getUTCMonth() + 1 === Number(m[2]) && local.getUTCDate() === Number(m[3]);
}

/** RFC 3339 in UTC, without a fraction when there is none (2026-01-01T00:00:00Z). */
export function toRfc3339(value: unknown): string {
  const d = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new TypeError(`not a date-time: ${String(value)}`);
  return d.toISOString().replace('.000Z', 'Z');
}

const operatorFields = new Set<string>(OPERATOR_FIELDS);

/**
 * The AWS request members of a spec whose schema is `specSchema`: every AWS member, converted,
 * and none of the operator's fields. Throws ConversionError naming a field AWS could not be sent.
 */
export function convertToAws(specSchema: SchemaNode, spec: object): unknown {
  const awsPart = Object.fromEntries(Object.entries(spec).filter(([k]) => !operatorFields.has(k)));
  return convert(awsPart, specSchema, 'toAws', specSchema);
}

/** The spec fields of AWS members (a request or an answer); members the spec does not have are dropped. */
export function convertFromAws(specSchema: SchemaNode, members: object): Record<string, unknown> {
  return convert(members, specSchema, 'fromAws', specSchema) as Record<string, unknown>;
}

/** The ConversionError `toAws` throws, or undefined when it converts. */
export function firstConversionProblem(toAws: () => unknown): ConversionError | undefined {
  try {
    toAws();
    return undefined;
  } catch (err) {
    if (err instanceof ConversionError) return err;
    return new ConversionError('spec', (err as Error).message);
  }
}

/** The PutIntegration request for a spec: every AWS member of the spec, nothing else. */
export function toPutIntegrationInput(spec: IntegrationSpec): PutIntegrationCommandInput {
  return convertToAws(specNode, spec) as PutIntegrationCommandInput;
}

/** The first field of a spec that cannot be converted for AWS, or undefined when all can. */
export function conversionProblem(spec: IntegrationSpec): ConversionError | undefined {
  return firstConversionProblem(() => toPutIntegrationInput(spec));
}

/** The spec for a PutIntegration request (the inverse; used by `cpi import` and round-trip tests). */
export function fromPutIntegrationInput(input: PutIntegrationCommandInput): IntegrationSpec {
  return convertFromAws(specNode, input) as IntegrationSpec;
}
