// fast-check arbitraries for specs that respect the schema (src/api/schema.ts): lengths,
// patterns, enums, connector keys matching connectorType, Scheduled with its schedule. Every
// property that uses them also checks the generated resource with validateResource, so an
// arbitrary that drifts from the schema fails loudly instead of testing nothing.
import fc from 'fast-check';
import { CONNECTOR_OPERATORS } from '../../../src/api/schema.ts';
import type { FlowDefinition, IntegrationSpec } from '../../../src/api/types.ts';

const lower = 'abcdefghijklmnopqrstuvwxyz';
const word = (min: number, max: number, chars = `${lower}0123456789`) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((a) => a.join(''));

export const name = fc.tuple(fc.constantFrom(...lower), word(0, 12, `${lower}0123456789_-`)).map(([a, b]) => a + b);
export const typeName = fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'), word(0, 10, `${lower}0123456789_-`)).map(([a, b]) => a + b);
/** Whole seconds: the wire carries epoch seconds, so sub-second digits cannot survive a round trip. */
export const timestamp = fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 }).map((s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
const tagKey = fc.tuple(fc.constantFrom(...lower), word(0, 20, `${lower}0123456789+-.=_:/`)).map(([a, b]) => a + b).filter((k) => !k.startsWith('aws:'));
export const tags = fc.dictionary(tagKey, word(0, 20), { minKeys: 1, maxKeys: 6 });
const objectTypeNames = fc.dictionary(fc.constantFrom('SegmentIdentify', 'ShopifyCreateOrders', 'ShopifyUpdateCustomers'), typeName, { minKeys: 1, maxKeys: 3 });
const roleArn = fc.integer({ min: 100000000000, max: 999999999999 }).chain((acct) => name.map((n) => `arn:aws:iam::${acct}:role/${n}`));
const kmsArn = fc.uuid().map((u) => `arn:aws:kms:us-east-1:123456789012:key/${u}`);

const CONNECTORS = [
  { type: 'S3', key: 's3' },
  { type: 'Salesforce', key: 'salesforce' },
  { type: 'Marketo', key: 'marketo' },
  { type: 'Zendesk', key: 'zendesk' },
  { type: 'Servicenow', key: 'serviceNow' },
] as const;

function sourceProperties(key: (typeof CONNECTORS)[number]['key']) {
  const object = name;
  switch (key) {
    case 's3':
      return fc.record({ bucketName: word(3, 20, `${lower}-`), bucketPrefix: word(0, 10) }, { requiredKeys: ['bucketName'] }).map((s3) => ({ s3 }));
    case 'salesforce':
      return fc.record({ object, enableDynamicFieldUpdate: fc.boolean(), includeDeletedRecords: fc.boolean() }, { requiredKeys: ['object'] }).map((salesforce) => ({ salesforce }));
    case 'marketo':
      return object.map((o) => ({ marketo: { object: o } }));
    case 'zendesk':
      return object.map((o) => ({ zendesk: { object: o } }));
    case 'serviceNow':
      return object.map((o) => ({ serviceNow: { object: o } }));
  }
}

const trigger = fc.oneof(
  fc.constant({ triggerType: 'OnDemand' as const }),
  fc.constant({ triggerType: 'Event' as const }),
  fc.record(
    {
      scheduleExpression: fc.constantFrom('rate(1hours)', 'rate(15minutes)', 'rate(1days)'),
      dataPullMode: fc.constantFrom('Incremental' as const, 'Complete' as const),
      scheduleStartTime: timestamp,
      timezone: fc.constantFrom('UTC', 'America/New_York'),
      scheduleOffset: fc.integer({ min: 0, max: 36000 }),
      firstExecutionFrom: timestamp,
    },
    { requiredKeys: ['scheduleExpression'] },
  ).map((scheduled) => ({ triggerType: 'Scheduled' as const, triggerProperties: { scheduled } })),
);

export const flowDefinition: fc.Arbitrary<FlowDefinition> = fc.constantFrom(...CONNECTORS).chain((c) =>
  fc.record(
    {
      flowName: fc.tuple(fc.constantFrom(...lower), word(1, 30, `${lower}0123456789_-`)).map(([a, b]) => a + b),
      kmsArn,
      description: word(0, 30, `${lower} .,_-`),
      sourceFlowConfig: fc.record(
        {
          connectorType: fc.constant(c.type),
          connectorProfileName: c.key === 's3' ? fc.constant(undefined) : name,
          incrementalPullConfig: fc.record({ datetimeTypeFieldName: name }),
          sourceConnectorProperties: sourceProperties(c.key),
        },
        { requiredKeys: ['connectorType', 'sourceConnectorProperties'] },
      ),
      tasks: fc.array(
        fc.record(
          {
            taskType: fc.constantFrom('Arithmetic', 'Filter', 'Map', 'Mask', 'Merge', 'Truncate', 'Validate'),
            sourceFields: fc.array(name, { minLength: 1, maxLength: 3 }),
            connectorOperator: fc.constantFrom(...(CONNECTOR_OPERATORS[c.key] as readonly string[])).map((op) => ({ [c.key]: op })),
            destinationField: name,
            taskProperties: fc.dictionary(fc.constantFrom('DATA_TYPE', 'VALUE', 'SOURCE_DATA_TYPE'), word(1, 10), { minKeys: 1, maxKeys: 2 }),
          },
          { requiredKeys: ['taskType', 'sourceFields'] },
        ),
        { minLength: 1, maxLength: 4 },
      ),
      triggerConfig: trigger,
    },
    { requiredKeys: ['flowName', 'kmsArn', 'sourceFlowConfig', 'tasks', 'triggerConfig'] },
  ).map((fd) => {
    // Optional members generated as undefined are absent, as in a manifest.
    const sfc = fd.sourceFlowConfig as Record<string, unknown>;
    if (sfc.connectorProfileName === undefined) delete sfc.connectorProfileName;
    return fd as unknown as FlowDefinition;
  }),
);

const connectUri = fc.uuid().map((u) => `arn:aws:connect:us-east-1:123456789012:instance/${u}`);

/** The AWS members of a spec (no operator fields). */
export const awsSpec: fc.Arbitrary<IntegrationSpec> = fc
  .record(
    {
      domainName: name,
      uri: connectUri,
      objectTypeName: typeName,
      objectTypeNames,
      tags,
      flowDefinition,
      roleArn,
      eventTriggerNames: name.map((n) => [n]),
      scope: fc.constantFrom('PROFILE' as const, 'DOMAIN' as const),
    },
    { requiredKeys: ['domainName'] },
  )
  .filter((s) => s.uri !== undefined || s.flowDefinition !== undefined) as fc.Arbitrary<IntegrationSpec>;

/** A whole spec: the AWS members plus the operator's own fields. */
export const spec: fc.Arbitrary<IntegrationSpec> = fc
  .tuple(awsSpec, fc.record({
    region: fc.constantFrom('us-east-1', 'eu-west-2'),
    deletionPolicy: fc.constantFrom('Delete' as const, 'Retain' as const),
    managementPolicy: fc.constantFrom('Manage' as const, 'Observe' as const),
  }, { requiredKeys: [] }))
  .map(([a, o]) => ({ ...a, ...o }) as IntegrationSpec);

export const manifest = (s: IntegrationSpec) => ({
  apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
  kind: 'CustomerProfilesIntegration',
  metadata: { name: 'prop' },
  spec: s,
});
