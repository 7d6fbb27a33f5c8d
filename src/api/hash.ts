// The fingerprint of a flowDefinition. AWS never returns a FlowDefinition, so the operator keeps
// this hash in status.appliedFlowDefinitionHash and re-applies when the spec's hash differs.
// The canonical form makes equal definitions hash equally: keys sorted, empty and absent alike
// (maps, lists, objects, null), timestamps normalised to the same instant in UTC.
import { createHash } from 'node:crypto';
import { flowDefinitionNode, type SchemaNode } from './schema.ts';
import type { FlowDefinition } from './types.ts';



function canonical(value: unknown, node: SchemaNode | undefined): unknown {
  if (value === undefined || value === null) return undefined;
  if (node?.format === 'date-time' && typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : new Date(t).toISOString();
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, node?.items)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const child = typeof node?.additionalProperties === 'object' ? node.additionalProperties : node?.properties?.[k];
      const c = canonical((value as Record<string, unknown>)[k], child);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

/** The canonical JSON of a flowDefinition (undefined when it is absent or empty). */
export function canonicalFlowDefinition(fd: FlowDefinition | undefined): string | undefined {
  const c = canonical(fd, flowDefinitionNode);
  return c === undefined ? undefined : JSON.stringify(c);
}

/** `sha256:<hex>` of the canonical form, or undefined when there is no flowDefinition. */
export function flowDefinitionHash(fd: FlowDefinition | undefined): string | undefined {
  const c = canonicalFlowDefinition(fd);
  return c === undefined ? undefined : `sha256:${createHash('sha256').update(c).digest('hex')}`;
}
