// FlowDefinition is write-only in Customer Profiles, but the AppFlow flow it created can be read
// back with AppFlow's DescribeFlow. AppFlow answers in camelCase with connector keys as
// `Salesforce`, `ServiceNow`, `Scheduled`; the resource spells them `salesforce`, `serviceNow`,
// `scheduled`. The walk follows the resource's schema, so every member the resource can express
// is recovered and everything else is named as lost, never silently dropped.
import { flowDefinitionNode, type SchemaNode } from '../api/schema.ts';
import { toRfc3339 } from '../api/convert.ts';
import type { FlowDefinition } from '../api/types.ts';



/** The members of DescribeFlow's answer that make up a FlowDefinition; the rest is AppFlow's own. */
export const DEFINITION_MEMBERS = ['flowName', 'kmsArn', 'description', 'sourceFlowConfig', 'tasks', 'triggerConfig'] as const;

export interface RecoveredFlow {
  flowDefinition: FlowDefinition;
  /** Paths (AppFlow's spelling) of values AppFlow reported that the resource cannot express. */
  lost: string[];
}

function walk(value: unknown, node: SchemaNode | undefined, path: string, lost: string[]): unknown {
  if (value === undefined || value === null) return undefined;
  if (!node) {
    lost.push(path);
    return undefined;
  }
  if (node.format === 'date-time') return toRfc3339(value);
  if (Array.isArray(value)) {
    if (node.type !== 'array') return void lost.push(path);
    return value.map((v, i) => walk(v, node.items, `${path}[${i}]`, lost)).filter((v) => v !== undefined);
  }
  if (typeof value === 'object') {
    if (node.type !== 'object') return void lost.push(path);
    const out: Record<string, unknown> = {};
    const at = (k: string) => (path ? `${path}.${k}` : k);
    const map = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    if (map) {
      for (const [k, v] of Object.entries(value)) {
        const c = walk(v, map, at(k), lost);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    // In the schema's order (the order people read the resource in), matching AppFlow's casing.
    const props = node.properties ?? {};
    const byLower = new Map(Object.keys(value).map((k) => [k.toLowerCase(), k]));
    for (const prop of Object.keys(props)) {
      const k = byLower.get(prop.toLowerCase());
      if (k === undefined) continue;
      byLower.delete(prop.toLowerCase());
      const c = walk((value as Record<string, unknown>)[k], props[prop], at(k), lost);
      if (c !== undefined) out[prop] = c;
    }
    for (const k of byLower.values()) if ((value as Record<string, unknown>)[k] != null) lost.push(at(k));
    return out;
  }
  return value;
}

/** The resource's flowDefinition from a DescribeFlow answer (SDK output or parsed JSON). */
export function recoverFlowDefinition(described: Record<string, unknown>): RecoveredFlow {
  const lost: string[] = [];
  const picked = Object.fromEntries(DEFINITION_MEMBERS.filter((m) => described[m] !== undefined).map((m) => [m, described[m]]));
  const flowDefinition = walk(picked, flowDefinitionNode, '', lost) as FlowDefinition;
  return { flowDefinition, lost };
}
