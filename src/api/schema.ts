// The one schema of CustomerProfilesIntegration. From it come the CRD's openAPIV3Schema
// (crd.ts), the offline validator (validate.ts) and the TypeScript types (types.ts).
//
// Constraints are those of the botocore model of PutIntegration (a test compares them shape by
// shape). Smithy patterns are unanchored and stay so. The schema is written so that it is also a
// Kubernetes structural schema: every node has a type, maps use additionalProperties, enums are
// typed strings; `additionalProperties: false` is for the offline validator only (the API server
// rejects unknown fields through kubectl's strict field validation) and crd.ts strips it.
// Map-key constraints and cross-field rules are CEL (rules.ts), attached at the end.
import Type, { type Static, type TSchema } from 'typebox';
import { celValidationsAt, OPERATOR_PROPERTY_KEYS, RULES } from './rules.ts';

// ---- builders: typebox nodes that are also valid in a CRD ----

interface StrOpts {
  min?: number;
  max: number;
  pattern?: string;
  format?: 'date-time';
}
function str(description: string, o: StrOpts) {
  return Type.String({
    description,
    ...(o.min !== undefined ? { minLength: o.min } : {}),
    maxLength: o.max,
    ...(o.pattern !== undefined ? { pattern: o.pattern } : {}),
    ...(o.format ? { format: o.format } : {}),
  });
}
/**
 * RFC 3339 as AWS and Go parse it, stricter than the API server's `format: date-time` (which lets
 * an offset of +24:00 through, and CEL sees such a field only as an already parsed timestamp):
 * hours 00-23, minutes and offset minutes 00-59, seconds 00-60.
 */
export const RFC3339_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)([.][0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';
function timestamp(description: string) {
  // 64 characters is far beyond any valid timestamp and bounds CEL cost.
  return str(`${description} An RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z.`, { max: 64, format: 'date-time', pattern: RFC3339_PATTERN });
}
function enumOf<const T extends readonly string[]>(values: T, description: string, extra: { default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description, ...extra });
}
function stringMap<V extends TSchema>(value: V, description: string, maxProperties: number) {
  return Type.Unsafe<Record<string, Static<V>>>({ type: 'object', description, maxProperties, additionalProperties: value });
}
function keyedMap<const K extends readonly string[], V extends TSchema>(_keys: K, value: V, description: string) {
  return Type.Unsafe<Partial<Record<K[number], Static<V>>>>({ type: 'object', description, maxProperties: _keys.length, additionalProperties: value });
}
function obj<P extends Record<string, TSchema>>(description: string, properties: P) {
  return Type.Object(properties, { description, additionalProperties: false });
}

// ---- shared shapes of the model ----

const NAME_PATTERN = '^[a-zA-Z0-9_-]+$';
const TYPE_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z_0-9-]*$';

const objectName = (connector: string, example: string) => str(`The ${connector} object to read, e.g. ${example}.`, { max: 512, pattern: '\\S+' });

const ALL_OPERATORS = [
  'PROJECTION', 'LESS_THAN', 'CONTAINS', 'GREATER_THAN', 'BETWEEN', 'LESS_THAN_OR_EQUAL_TO', 'GREATER_THAN_OR_EQUAL_TO',
  'EQUAL_TO', 'NOT_EQUAL_TO', 'ADDITION', 'MULTIPLICATION', 'DIVISION', 'SUBTRACTION', 'MASK_ALL', 'MASK_FIRST_N',
  'MASK_LAST_N', 'VALIDATE_NON_NULL', 'VALIDATE_NON_ZERO', 'VALIDATE_NON_NEGATIVE', 'VALIDATE_NUMERIC', 'NO_OP',
] as const;
type Operator = (typeof ALL_OPERATORS)[number];
const without = <const X extends readonly Operator[]>(...excluded: X) =>
  ALL_OPERATORS.filter((o) => !(excluded as readonly string[]).includes(o)) as Exclude<Operator, X[number]>[];

// Each connector has its own operator enum in the model (order as there).
export const CONNECTOR_OPERATORS = {
  salesforce: ALL_OPERATORS,
  serviceNow: ['PROJECTION', 'CONTAINS', ...without('PROJECTION', 'CONTAINS')] as const,
  s3: without('CONTAINS'),
  marketo: without('CONTAINS', 'LESS_THAN_OR_EQUAL_TO', 'GREATER_THAN_OR_EQUAL_TO', 'EQUAL_TO', 'NOT_EQUAL_TO'),
  zendesk: without('CONTAINS', 'LESS_THAN', 'BETWEEN', 'LESS_THAN_OR_EQUAL_TO', 'GREATER_THAN_OR_EQUAL_TO', 'EQUAL_TO', 'NOT_EQUAL_TO'),
} as const;

export const CONNECTOR_TYPES = ['Salesforce', 'Marketo', 'Zendesk', 'Servicenow', 'S3'] as const;
export const TASK_TYPES = ['Arithmetic', 'Filter', 'Map', 'Mask', 'Merge', 'Truncate', 'Validate'] as const;
export const TRIGGER_TYPES = ['Scheduled', 'Event', 'OnDemand'] as const;
export const DATA_PULL_MODES = ['Incremental', 'Complete'] as const;
export const SCOPES = ['PROFILE', 'DOMAIN'] as const;
export const DELETION_POLICIES = ['Delete', 'Retain'] as const;
export const MANAGEMENT_POLICIES = ['Manage', 'Observe'] as const;

/** Tasks has no bound in the model; 500 is far above real flows and keeps CEL cost estimates low. */
export const MAX_TASKS = 500;
/** SourceFields has no bound either; a Filter task lists every CSV column, so be generous. */
export const MAX_SOURCE_FIELDS = 1000;

// ---- FlowDefinition (built by a function: spec and status each get their own copy) ----

function flowDefinitionSchema(description: string) {
  return obj(description, {
    flowName: str(
      'Name of the AppFlow flow that AWS creates. Letters, digits, and ! @ # . _ - (no spaces); at most 256 characters. Immutable: AppFlow flows cannot be renamed.',
      { max: 256, pattern: '[a-zA-Z0-9][\\w!@#.-]+' },
    ),
    kmsArn: str('ARN of the KMS key AppFlow encrypts the flow data with, usually the domain\'s key (arn:aws:kms:REGION:ACCOUNT:key/ID).', {
      min: 20,
      max: 2048,
      pattern: 'arn:aws:kms:.*:[0-9]+:.*',
    }),
    description: Type.Optional(str('What the flow does. Letters, digits, whitespace and ! @ # - . ? , _', { max: 2048, pattern: '[\\w!@#\\-.?,\\s]*' })),
    sourceFlowConfig: obj('Where the flow reads from.', {
      connectorType: enumOf(CONNECTOR_TYPES, 'The source connector. Note the AWS spelling Servicenow. The matching key of sourceConnectorProperties and of every task\'s connectorOperator is: S3: s3, Salesforce: salesforce, Servicenow: serviceNow, Marketo: marketo, Zendesk: zendesk.'),
      connectorProfileName: Type.Optional(
        str('Name of the AppFlow connector profile with the source credentials (not needed for S3).', { max: 256, pattern: '[\\w/!@#+=.-]+' }),
      ),
      incrementalPullConfig: Type.Optional(
        obj('Incremental pulls: which field tells that a record changed.', {
          datetimeTypeFieldName: Type.Optional(str('The source field of type date-time used for incremental pulls, e.g. LastModifiedDate.', { max: 256, pattern: '.*' })),
        }),
      ),
      sourceConnectorProperties: obj('Properties of the source; set exactly the key that matches connectorType.', {
        marketo: Type.Optional(obj('Marketo source.', { object: objectName('Marketo', 'leads') })),
        s3: Type.Optional(
          obj('Amazon S3 source: CSV files in a bucket.', {
            bucketName: str('The S3 bucket name.', { min: 3, max: 63, pattern: '\\S+' }),
            bucketPrefix: Type.Optional(str('Object key prefix (folder) to read, e.g. customers/.', { max: 512, pattern: '.*' })),
          }),
        ),
        salesforce: Type.Optional(
          obj('Salesforce source.', {
            object: objectName('Salesforce', 'Account'),
            enableDynamicFieldUpdate: Type.Optional(Type.Boolean({ description: 'Pick up new fields of the object at each run.' })),
            includeDeletedRecords: Type.Optional(Type.Boolean({ description: 'Also read deleted records.' })),
          }),
        ),
        serviceNow: Type.Optional(obj('ServiceNow source (connectorType Servicenow).', { object: objectName('ServiceNow', 'incident') })),
        zendesk: Type.Optional(obj('Zendesk source.', { object: objectName('Zendesk', 'tickets') })),
      }),
    }),
    tasks: Type.Array(
      obj('One transformation step of the flow.', {
        taskType: enumOf(TASK_TYPES, 'What the task does.'),
        sourceFields: Type.Array(str('A source field name.', { max: 2048, pattern: '.*' }), {
          description: 'Source fields the task reads. A Filter task of an S3 flow lists every CSV column.',
          maxItems: MAX_SOURCE_FIELDS,
        }),
        connectorOperator: Type.Optional(
          obj('The operation on the source fields; exactly one key, the one that matches sourceFlowConfig.connectorType.', {
            marketo: Type.Optional(enumOf(CONNECTOR_OPERATORS.marketo, 'Operator for a Marketo source.')),
            s3: Type.Optional(enumOf(CONNECTOR_OPERATORS.s3, 'Operator for an S3 source.')),
            salesforce: Type.Optional(enumOf(CONNECTOR_OPERATORS.salesforce, 'Operator for a Salesforce source.')),
            serviceNow: Type.Optional(enumOf(CONNECTOR_OPERATORS.serviceNow, 'Operator for a ServiceNow source.')),
            zendesk: Type.Optional(enumOf(CONNECTOR_OPERATORS.zendesk, 'Operator for a Zendesk source.')),
          }),
        ),
        destinationField: Type.Optional(str('The field the result is written to.', { max: 256, pattern: '.*' })),
        taskProperties: Type.Optional(
          keyedMap(
            OPERATOR_PROPERTY_KEYS,
            str('A property value (not empty).', { max: 2048, pattern: '.+' }),
            `Properties of the task, e.g. DATA_TYPE: string. Keys: ${OPERATOR_PROPERTY_KEYS.join(', ')}.`,
          ),
        ),
      }),
      { description: `The transformation steps, at most ${MAX_TASKS}. The model sets no bound; this one keeps the API server's validation cost bounded.`, maxItems: MAX_TASKS },
    ),
    triggerConfig: obj('When the flow runs.', {
      triggerType: enumOf(TRIGGER_TYPES, 'Scheduled (needs triggerProperties.scheduled), Event or OnDemand.'),
      triggerProperties: Type.Optional(
        obj('Trigger settings; only scheduled exists.', {
          scheduled: Type.Optional(
            obj('Schedule of a Scheduled flow.', {
              scheduleExpression: str('How often the flow runs, e.g. rate(1hours) or rate(15minutes) (the minimum for S3).', { max: 256, pattern: '.*' }),
              dataPullMode: Type.Optional(enumOf(DATA_PULL_MODES, 'Incremental (only changed records) or Complete.')),
              scheduleStartTime: Type.Optional(timestamp('When the schedule starts.')),
              scheduleEndTime: Type.Optional(timestamp('When the schedule ends; after scheduleStartTime.')),
              timezone: Type.Optional(str('Time zone of the schedule, e.g. America/New_York.', { max: 256, pattern: '.*' })),
              scheduleOffset: Type.Optional(
                Type.Integer({ description: 'Seconds to wait after each scheduled time before pulling (0-36000).', minimum: 0, maximum: 36000, format: 'int64' }),
              ),
              firstExecutionFrom: Type.Optional(timestamp('The date of the oldest records the first run pulls.')),
            }),
          ),
        }),
      ),
    }),
  });
}

// ---- spec ----

const REGION_PATTERN = '^[a-z]{2,3}(-[a-z]+)+-[0-9]{1,2}$';

export const SpecSchema = obj('The integration as it should be in AWS, plus how the operator manages it.', {
  domainName: str('The Customer Profiles domain of the integration. Immutable.', { min: 1, max: 64, pattern: NAME_PATTERN }),
  uri: Type.Optional(
    str(
      'URI of the source: an Amazon Connect instance ARN, an S3 or AppFlow URI, an event integration ARN. Omit it when flowDefinition creates the flow: AWS then generates it (see status.uri). Immutable once set.',
      { min: 1, max: 255 },
    ),
  ),
  objectTypeName: Type.Optional(str('The object type (mapping template) used to ingest the data, e.g. CTR.', { min: 1, max: 255, pattern: TYPE_NAME_PATTERN })),
  objectTypeNames: Type.Optional(
    stringMap(
      str('An object type name.', { min: 1, max: 255, pattern: TYPE_NAME_PATTERN }),
      'Object type per event type, for sources with several event types: SegmentIdentify, ShopifyCreateCustomers, ShopifyUpdateCustomers, ShopifyCreateDraftOrders, ShopifyUpdateDraftOrders, ShopifyCreateOrders, ShopifyUpdatedOrders.',
      100,
    ),
  ),
  tags: Type.Optional(
    stringMap(
      str('A tag value.', { max: 256 }),
      'Tags of the integration (at most 50). Keys: 1-128 characters of letters, digits and + , - . / : ; < = _, not starting with aws:. Changes are applied with TagResource/UntagResource.',
      50,
    ),
  ),
  flowDefinition: Type.Optional(flowDefinitionSchema('An Amazon AppFlow flow that AWS creates for the integration (S3, Salesforce, ServiceNow, Marketo, Zendesk). AWS never returns it; the operator remembers what it applied (status.appliedFlowDefinitionHash).')),
  roleArn: Type.Optional(str('IAM role the integration uses to make Customer Profiles requests on your behalf.', { max: 512, pattern: 'arn:aws:iam:.*:[0-9]+:.*' })),
  eventTriggerNames: Type.Optional(
    Type.Array(str('Name of an event trigger of the domain.', { min: 1, max: 64, pattern: NAME_PATTERN }), {
      description: 'Event triggers associated with the integration (at most one).',
      maxItems: 1,
    }),
  ),
  scope: Type.Optional(enumOf(SCOPES, 'Whether the integration applies to profile level data (PROFILE, AWS\'s default) or domain level data (DOMAIN).')),
  region: Type.Optional(
    str('AWS region of the domain, e.g. us-east-1. Default: the controller\'s --region (or AWS_REGION). Immutable once set. Not sent to AWS.', { max: 32, pattern: REGION_PATTERN }),
  ),
  deletionPolicy: Type.Optional(
    enumOf(DELETION_POLICIES, 'What deleting the resource does in AWS: Delete the integration, or Retain it. Not sent to AWS.', { default: 'Delete' }),
  ),
  managementPolicy: Type.Optional(
    enumOf(MANAGEMENT_POLICIES, 'Manage: create and update the integration. Observe: never write to AWS, only report whether it exists and matches (Ready reason Drifted or NotFound). Not sent to AWS.', {
      default: 'Manage',
    }),
  ),
});

// ---- status ----

export const ConditionSchema = obj('A metav1.Condition.', {
  type: str('Condition type: Ready, Synced, Reconciling or Stalled.', {
    max: 316,
    pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: enumOf(['True', 'False', 'Unknown'] as const, 'True, False or Unknown.'),
  observedGeneration: Type.Optional(Type.Integer({ description: 'The metadata.generation this condition was set for.', minimum: 0, format: 'int64' })),
  lastTransitionTime: str('When status last changed. An RFC 3339 date-time.', { max: 64, format: 'date-time' }),
  reason: str('One CamelCase word saying why, e.g. Available, Throttled, InvalidSpec.', { min: 1, max: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: str('Details for people.', { max: 32768 }),
});

export const StatusSchema = obj('What the operator observed and did; written by the controller only.', {
  observedGeneration: Type.Optional(Type.Integer({ description: 'The metadata.generation of the last completed reconcile.', minimum: 0, format: 'int64' })),
  conditions: Type.Optional(
    Type.Array(ConditionSchema, {
      description: 'Ready (exists and matches the spec), Synced (the last reconcile reached AWS), Reconciling and Stalled (kstatus).',
      maxItems: 16,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }),
  ),
  uri: Type.Optional(str('The integration\'s URI in AWS, also when AWS generated it for a flow.', { min: 1, max: 255 })),
  integrationArn: Type.Optional(str('ARN of the integration (for tags): arn:PARTITION:profile:REGION:ACCOUNT:domains/DOMAIN/integrations/URI.', { max: 1024 })),
  region: Type.Optional(str('The region the integration is managed in (spec.region or the controller\'s default).', { max: 32 })),
  account: Type.Optional(str('The AWS account the integration lives in. Pinned with region, uri and assumedRoleArn once the integration exists: a change of target is refused (TargetChanged), never followed.', { max: 12 })),
  assumedRoleArn: Type.Optional(str('The IAM role the controller assumed for this resource (its namespace\'s role-arn annotation when the integration was first seen); empty for the controller\'s own identity.', { max: 2048 })),
  ownership: Type.Optional(
    enumOf(['Created', 'Adopted'] as const, 'Why this resource may write to and delete the integration: Created (it created it; AWS holds the owner tag) or Adopted (a person asked with the adopt annotation, or `cpi import`). Absent: it owns nothing.'),
  ),
  workflowId: Type.Optional(str('Workflow id AWS reports for the integration.', { max: 255 })),
  createdAt: Type.Optional(timestamp('When AWS created the integration.')),
  lastUpdatedAt: Type.Optional(timestamp('When AWS last updated the integration.')),
  isUnstructured: Type.Optional(Type.Boolean({ description: 'Whether AWS treats the integration\'s data as unstructured.' })),
  appliedFlowDefinitionHash: Type.Optional(
    str('sha256 of the canonical form of the flowDefinition last applied (AWS never returns a FlowDefinition).', { max: 71, pattern: '^sha256:[0-9a-f]{64}$' }),
  ),
  appliedFlowDefinition: Type.Optional(flowDefinitionSchema('The flowDefinition last applied, so that `cpi plan` can show what changes.')),
  lastSyncTime: Type.Optional(timestamp('When the operator last confirmed AWS matches (or reported it does not).')),
  lastHandledReconcileAt: Type.Optional(str('The value of the reconcile-requested-at annotation last handled.', { max: 4096 })),
});

// ---- the resource ----

export const ResourceSchema = Type.Object(
  {
    apiVersion: Type.String({ description: 'customerprofiles.gitops.dev/v1alpha1', maxLength: 253 }),
    kind: Type.String({ description: 'CustomerProfilesIntegration', maxLength: 63 }),
    metadata: Type.Unsafe<Record<string, unknown>>({ type: 'object' }),
    spec: SpecSchema,
    status: Type.Optional(StatusSchema),
  },
  {
    description: 'An Amazon Connect Customer Profiles integration (PutIntegration), kept by the operator in the state declared here.',
    additionalProperties: false,
  },
);

// ---- CEL rules, attached where rules.ts says ----

function nodeAt(root: TSchema, at: readonly string[]): Record<string, unknown> {
  let node = root as Record<string, unknown>;
  for (const seg of at) {
    const next = seg === '*' ? node.items : (node.properties as Record<string, unknown> | undefined)?.[seg];
    if (!next) throw new Error(`rules.ts: no schema node at ${at.join('.')}`);
    node = next as Record<string, unknown>;
  }
  return node;
}
for (const at of new Set(RULES.map((r) => r.at.join('.')))) {
  const path = at.split('.');
  nodeAt(ResourceSchema, path)['x-kubernetes-validations'] = celValidationsAt(path);
}

/** The schema as plain JSON Schema, for the code that walks it (conversion, hashing, validation messages). */
export interface SchemaNode {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  enum?: string[];
  pattern?: string;
}

export const specNode = SpecSchema as unknown as SchemaNode;
export const flowDefinitionNode: SchemaNode = specNode.properties!.flowDefinition!;
