// AppFlow DescribeFlow, UpdateFlow and DeleteFlow for the flows PutIntegration created from a
// FlowDefinition. Customer Profiles writes the FlowDefinition in PascalCase; AppFlow speaks the same
// tree in camelCase, except that connector-keyed members (`Salesforce`, `ServiceNow`, `Scheduled`)
// and map keys (TaskProperties) keep their spelling. The shapes walked are the Customer Profiles
// model's, so nothing it can express is missed (and nothing else is stored).
import { shapes } from './model.generated.ts';
import { ApiError } from './errors.ts';
import { type FlowRecord, type RegionState, flowAttached } from './state.ts';

/** Structures whose member names are connector or trigger keys that AppFlow spells as they are. */
const KEEP_MEMBER_NAMES = new Set(['SourceConnectorProperties', 'ConnectorOperator', 'TriggerProperties']);

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Converts a Customer Profiles value of `shapeName` into AppFlow's casing. */
export const toAppFlowCase = (shapeName: string, value: unknown): unknown => recase(shapeName, value, true);

/** AppFlow's casing back to Customer Profiles' (the inverse of toAppFlowCase); other members are dropped. */
export const fromAppFlowCase = (shapeName: string, value: unknown): unknown => recase(shapeName, value, false);

/** Walks a value of `shapeName`, renaming structure members into AppFlow's casing or back from it. */
function recase(shapeName: string, value: unknown, toAppFlow: boolean): unknown {
  const shape = shapes[shapeName];
  if (!shape || value === null || value === undefined) return value;
  if (shape.type === 'structure') {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(shape.members)) {
      const appFlowName = KEEP_MEMBER_NAMES.has(shapeName) ? name : lowerFirst(name);
      const [from, to] = toAppFlow ? [name, appFlowName] : [appFlowName, name];
      const v = (value as Record<string, unknown>)[from];
      if (v !== undefined) out[to] = recase(member.shape, v, toAppFlow);
    }
    return out;
  }
  if (shape.type === 'list') return (value as unknown[]).map((v) => recase(shape.member, v, toAppFlow));
  if (shape.type === 'map') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, recase(shape.value, v, toAppFlow)]));
  }
  return value;
}

/** A FlowDefinition's ScheduleStartTime (epoch seconds) if its trigger is Scheduled. */
export function scheduleStartTime(definition: Record<string, any>): number | undefined {
  const trigger = definition.TriggerConfig;
  const start = trigger?.TriggerType === 'Scheduled' ? trigger.TriggerProperties?.Scheduled?.ScheduleStartTime : undefined;
  return typeof start === 'number' ? start : undefined;
}

/** past-start-time=reject: why AppFlow would refuse this FlowDefinition's schedule at `now` (epoch seconds). */
export function pastStartProblem(definition: Record<string, any>, now: number): string | undefined {
  const start = scheduleStartTime(definition);
  if (start === undefined || start >= now) return undefined;
  return `The schedule start time ${new Date(start * 1000).toISOString()} is in the past; a scheduled flow must start in the future.`;
}

const validation = (member: string) =>
  new ApiError('ValidationException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`, 400);

/**
 * UpdateFlow on a flow Customer Profiles created: the definition is replaced by the request's
 * (kmsArn is not part of UpdateFlow and stays). The flow must keep its CustomerProfiles
 * destination in the same domain; the objectTypeName there becomes the flow's. The integration
 * itself is not touched: its record is Customer Profiles', not AppFlow's.
 */
export function updateFlow(rs: RegionState | undefined, body: Record<string, any>, now: number, pastStart: 'accept' | 'reject'): Record<string, unknown> {
  const flow = rs?.Flows[body.flowName];
  if (!flow) throw new ApiError('ResourceNotFoundException', `Flow ${body.flowName} does not exist.`, 404);
  for (const member of ['triggerConfig', 'sourceFlowConfig', 'destinationFlowConfigList', 'tasks']) {
    if (body[member] === undefined || body[member] === null) throw validation(member);
  }
  const destinations = Array.isArray(body.destinationFlowConfigList) ? body.destinationFlowConfigList : [];
  const target = destinations.find((d: any) => d?.connectorType === 'CustomerProfiles')?.destinationConnectorProperties?.CustomerProfiles;
  if (target?.domainName !== flow.DomainName) {
    throw new ApiError(
      'ValidationException',
      `Flow ${flow.FlowName} was created by Customer Profiles for domain ${flow.DomainName}: destinationFlowConfigList must keep a CustomerProfiles destination with that domainName.`,
      400,
    );
  }
  const definition: Record<string, unknown> = {
    FlowName: flow.FlowName,
    KmsArn: flow.Definition.KmsArn,
    SourceFlowConfig: fromAppFlowCase('SourceFlowConfig', body.sourceFlowConfig),
    Tasks: fromAppFlowCase('Tasks', body.tasks),
    TriggerConfig: fromAppFlowCase('TriggerConfig', body.triggerConfig),
  };
  if (typeof body.description === 'string') definition.Description = body.description;
  const problem = pastStart === 'reject' ? pastStartProblem(definition, now) : undefined;
  if (problem) throw new ApiError('ValidationException', problem, 400);
  flow.Definition = definition;
  if (typeof target.objectTypeName === 'string') flow.ObjectTypeName = target.objectTypeName;
  else delete flow.ObjectTypeName;
  flow.LastUpdatedAt = Math.max(now, Math.round((flow.LastUpdatedAt + 0.001) * 1000) / 1000);
  return { flowStatus: (definition.TriggerConfig as { TriggerType?: string }).TriggerType === 'OnDemand' ? 'Draft' : 'Active' };
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
