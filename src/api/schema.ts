// The one schema of CustomerProfilesIntegration. From it come the CRD's openAPIV3Schema
// (crd.ts), the offline validator (validate.ts) and the TypeScript types (types.ts).
//
// Constraints are those of the botocore model of PutIntegration (a test compares them shape by
// shape). Smithy patterns are unanchored and stay so. The schema is written so that it is also a
// Kubernetes structural schema: every node has a type, maps use additionalProperties, enums are
// typed strings; `additionalProperties: false` is for the offline validator only (the API server
// rejects unknown fields through kubectl's strict field validation) and crd.ts strips it.
// Map-key constraints and cross-field rules are CEL (rules.ts), attached by resourceSchema(). The
// builders and the members all three kinds share are in schema-builders.ts.
import Type from 'typebox';
import { OPERATOR_PROPERTY_KEYS, RULES } from './rules.ts';
import {
  commonStatusMembers,
  DELETION_POLICIES,
  domainNameField,
  enumOf,
  keyedMap,
  MANAGEMENT_POLICIES,
  NAME_PATTERN,
  obj,
  operatorSpecFields,
  resourceSchema,
  str,
  stringMap,
  tagsField,
  timestamp,
  TYPE_NAME_PATTERN,
  type SchemaNode,
} from './schema-builders.ts';

// Kept for the modules that import them from here.
export { ConditionSchema, DELETION_POLICIES, MANAGEMENT_POLICIES, RFC3339_PATTERN, type SchemaNode } from './schema-builders.ts';

// ---- shared shapes of the model ----

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

export const SpecSchema = obj('The integration as it should be in AWS, plus how the operator manages it.', {
  domainName: domainNameField('The Customer Profiles domain of the integration. Immutable.'),
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
  tags: Type.Optional(tagsField('integration')),
  flowDefinition: Type.Optional(flowDefinitionSchema('An Amazon AppFlow flow that AWS creates for the integration (S3, Salesforce, ServiceNow, Marketo, Zendesk). AWS never returns it; the operator remembers what it applied (status.appliedFlowDefinitionHash).')),
  roleArn: Type.Optional(str('IAM role the integration uses to make Customer Profiles requests on your behalf.', { max: 512, pattern: 'arn:aws:iam:.*:[0-9]+:.*' })),
  eventTriggerNames: Type.Optional(
    Type.Array(str('Name of an event trigger of the domain.', { min: 1, max: 64, pattern: NAME_PATTERN }), {
      description: 'Event triggers associated with the integration (at most one).',
      maxItems: 1,
    }),
  ),
  scope: Type.Optional(enumOf(SCOPES, 'Whether the integration applies to profile level data (PROFILE, AWS\'s default) or domain level data (DOMAIN).')),
  ...operatorSpecFields('integration', { default: 'Delete' }),
});

// ---- status ----

const common = commonStatusMembers('integration', 'region, uri and assumedRoleArn');

export const StatusSchema = obj('What the operator observed and did; written by the controller only.', {
  observedGeneration: common.observedGeneration,
  conditions: common.conditions,
  uri: Type.Optional(str('The integration\'s URI in AWS, also when AWS generated it for a flow.', { min: 1, max: 255 })),
  integrationArn: Type.Optional(str('ARN of the integration (for tags): arn:PARTITION:profile:REGION:ACCOUNT:domains/DOMAIN/integrations/URI.', { max: 1024 })),
  region: common.region,
  account: common.account,
  assumedRoleArn: common.assumedRoleArn,
  ownership: common.ownership,
  workflowId: Type.Optional(str('Workflow id AWS reports for the integration.', { max: 255 })),
  createdAt: common.createdAt,
  lastUpdatedAt: common.lastUpdatedAt,
  isUnstructured: Type.Optional(Type.Boolean({ description: 'Whether AWS treats the integration\'s data as unstructured.' })),
  appliedFlowDefinitionHash: Type.Optional(
    str('sha256 of the canonical form of the flowDefinition last applied (AWS never returns a FlowDefinition).', { max: 71, pattern: '^sha256:[0-9a-f]{64}$' }),
  ),
  appliedFlowDefinition: Type.Optional(flowDefinitionSchema('The flowDefinition last applied, so that `cpi plan` can show what changes.')),
  lastSyncTime: common.lastSyncTime,
  lastHandledReconcileAt: common.lastHandledReconcileAt,
});

// ---- the resource ----

export const ResourceSchema = resourceSchema(
  'CustomerProfilesIntegration',
  'An Amazon Connect Customer Profiles integration (PutIntegration), kept by the operator in the state declared here.',
  SpecSchema,
  StatusSchema,
  RULES,
);

export const specNode = SpecSchema as unknown as SchemaNode;
export const flowDefinitionNode: SchemaNode = specNode.properties!.flowDefinition!;
