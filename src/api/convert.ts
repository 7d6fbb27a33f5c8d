// Resource spec <-> PutIntegration request. Both directions are driven by the schema, so every
// field the schema has is converted and none is forgotten:
//   - property names: the camelCase of the AWS name (flowName <-> FlowName, s3 <-> S3, serviceNow <-> ServiceNow);
//   - map keys (tags, objectTypeNames, taskProperties) are kept as written;
//   - RFC 3339 strings (format date-time) <-> Date (the SDK sends epoch seconds);
//   - empty maps, lists and objects are omitted unless the model requires the member;
//   - the operator's own fields (region, deletionPolicy, managementPolicy) are never sent.
import type { PutIntegrationCommandInput } from '@aws-sdk/client-customer-profiles';
import { specNode, type SchemaNode } from './schema.ts';
import type { IntegrationSpec } from './types.ts';

export const OPERATOR_FIELDS = ['region', 'deletionPolicy', 'managementPolicy'] as const;


const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const isMap = (n: SchemaNode): n is SchemaNode & { additionalProperties: SchemaNode } => typeof n.additionalProperties === 'object';
const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && !(v instanceof Date) && Object.keys(v).length === 0);

type Direction = 'toAws' | 'fromAws';

function convert(value: unknown, node: SchemaNode, dir: Direction): unknown {
  if (value === undefined || value === null) return undefined;
  if (node.format === 'date-time') return dir === 'toAws' ? toDate(value) : toRfc3339(value);
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    return value.map((v) => convert(v, node.items!, dir)).filter((v) => v !== undefined);
  }
  if (node.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    if (isMap(node)) {
      for (const [k, v] of Object.entries(value)) {
        const c = convert(v, node.additionalProperties, dir);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    const props = node.properties ?? {};
    const byAwsName = new Map(Object.keys(props).filter((p) => !(node === specNode && operatorFields.has(p))).map((p) => [upper(p), p]));
    for (const [k, v] of Object.entries(value)) {
      const prop = dir === 'toAws' ? (props[k] ? k : undefined) : byAwsName.get(k);
      if (!prop) continue; // not part of the API (validated resources have no such keys)
      const c = convert(v, props[prop]!, dir);
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
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new TypeError(`not an RFC 3339 date-time: ${String(value)}`);
}

/** RFC 3339 in UTC, without a fraction when there is none (2026-01-01T00:00:00Z). */
export function toRfc3339(value: unknown): string {
  const d = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new TypeError(`not a date-time: ${String(value)}`);
  return d.toISOString().replace('.000Z', 'Z');
}

const operatorFields = new Set<string>(OPERATOR_FIELDS);

/** The PutIntegration request for a spec: every AWS member of the spec, nothing else. */
export function toPutIntegrationInput(spec: IntegrationSpec): PutIntegrationCommandInput {
  const awsPart = Object.fromEntries(Object.entries(spec).filter(([k]) => !operatorFields.has(k)));
  return convert(awsPart, specNode, 'toAws') as PutIntegrationCommandInput;
}

/** The spec for a PutIntegration request (the inverse; used by `cpi import` and round-trip tests). */
export function fromPutIntegrationInput(input: PutIntegrationCommandInput): IntegrationSpec {
  return convert(input, specNode, 'fromAws') as IntegrationSpec;
}
