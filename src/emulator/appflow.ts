// AppFlow DescribeFlow and DeleteFlow for the flows PutIntegration created from a FlowDefinition. Customer
// Profiles writes the FlowDefinition in PascalCase; AppFlow answers the same tree in camelCase,
// except that connector-keyed members (`Salesforce`, `ServiceNow`, `Scheduled`) and map keys
// (TaskProperties) keep their spelling. The shapes walked are the model's, so nothing is missed.
import { shapes } from './model.generated.ts';
import { ApiError } from './errors.ts';
import { type FlowRecord, type RegionState, flowAttached } from './state.ts';

/** Structures whose member names are connector or trigger keys that AppFlow spells as they are. */
const KEEP_MEMBER_NAMES = new Set(['SourceConnectorProperties', 'ConnectorOperator', 'TriggerProperties']);

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Converts a Customer Profiles value of `shapeName` into AppFlow's casing. */
export function toAppFlowCase(shapeName: string, value: unknown): unknown {
  const shape = shapes[shapeName];
  if (!shape || value === null || value === undefined) return value;
  if (shape.type === 'structure') {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(shape.members)) {
      const v = (value as Record<string, unknown>)[name];
      if (v === undefined) continue;
      out[KEEP_MEMBER_NAMES.has(shapeName) ? name : lowerFirst(name)] = toAppFlowCase(member.shape, v);
    }
    return out;
  }
  if (shape.type === 'list') return (value as unknown[]).map((v) => toAppFlowCase(shape.member, v));
  if (shape.type === 'map') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toAppFlowCase(shape.value, v)]));
  }
  return value;
}

export function describeFlow(flow: FlowRecord): Record<string, unknown> {
  const def = toAppFlowCase('FlowDefinition', flow.Definition) as Record<string, unknown>;
  const trigger = def.triggerConfig as { triggerType?: string } | undefined;
  const destination: Record<string, unknown> = { domainName: flow.DomainName };
  if (flow.ObjectTypeName !== undefined) destination.objectTypeName = flow.ObjectTypeName;
  const out: Record<string, unknown> = {
    flowArn: flow.FlowArn,
    flowName: flow.FlowName,
    kmsArn: def.kmsArn,
    flowStatus: trigger?.triggerType === 'OnDemand' ? 'Draft' : 'Active',
    sourceFlowConfig: def.sourceFlowConfig,
    destinationFlowConfigList: [
      { connectorType: 'CustomerProfiles', destinationConnectorProperties: { CustomerProfiles: destination } },
    ],
    triggerConfig: def.triggerConfig,
    tasks: def.tasks,
    createdAt: flow.CreatedAt,
    lastUpdatedAt: flow.LastUpdatedAt,
    createdBy: flow.CreatedBy,
    lastUpdatedBy: flow.CreatedBy,
    tags: {},
  };
  if (def.description !== undefined) out.description = def.description;
  return out;
}

/**
 * DeleteFlow: removes a flow, e.g. one that delete-flow=keep left behind. A flow an integration
 * still uses is "in use": refused with ConflictException unless forceDelete, which also takes
 * the flow from its integration (the integration stays, without a flow).
 */
export function deleteFlow(rs: RegionState | undefined, name: string, force: boolean): Record<string, unknown> {
  const flow = rs?.Flows[name];
  if (!rs || !flow) throw new ApiError('ResourceNotFoundException', `Flow ${name} does not exist.`, 404);
  if (flowAttached(rs, flow)) {
    if (!force) {
      throw new ApiError(
        'ConflictException',
        `Flow ${name} is in use by the Customer Profiles integration ${flow.Uri} in domain ${flow.DomainName}; set forceDelete to delete it anyway.`,
        409,
      );
    }
    delete rs.Domains[flow.DomainName]!.Integrations[flow.Uri]!.FlowName;
  }
  delete rs.Flows[name];
  return {};
}
