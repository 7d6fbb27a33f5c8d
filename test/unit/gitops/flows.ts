// Flow definitions for the gitops unit tests, in the resource's spelling.
import type { FlowDefinition } from '../../../src/api/types.ts';

export const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

export function salesforceFlow(): FlowDefinition {
  return {
    flowName: 'retail-sf-accounts',
    kmsArn: KMS,
    description: 'Accounts from Salesforce',
    sourceFlowConfig: {
      connectorType: 'Salesforce',
      connectorProfileName: 'sf-prod',
      incrementalPullConfig: { datetimeTypeFieldName: 'LastModifiedDate' },
      sourceConnectorProperties: { salesforce: { object: 'Account', includeDeletedRecords: false, enableDynamicFieldUpdate: true } },
    },
    tasks: [
      { taskType: 'Filter', sourceFields: ['Id', 'Name'], connectorOperator: { salesforce: 'PROJECTION' } },
      { taskType: 'Map', sourceFields: ['Name'], destinationField: 'Name', connectorOperator: { salesforce: 'NO_OP' }, taskProperties: { DATA_TYPE: 'string' } },
    ],
    triggerConfig: {
      triggerType: 'Scheduled',
      triggerProperties: { scheduled: { scheduleExpression: 'rate(1hours)', dataPullMode: 'Incremental', scheduleStartTime: '2026-12-01T00:00:00Z', scheduleOffset: 30 } },
    },
  };
}

export function serviceNowFlow(): FlowDefinition {
  return {
    flowName: 'retail-sn-incidents',
    kmsArn: KMS,
    sourceFlowConfig: { connectorType: 'Servicenow', connectorProfileName: 'sn', sourceConnectorProperties: { serviceNow: { object: 'incident' } } },
    tasks: [{ taskType: 'Map', sourceFields: ['number'], destinationField: 'number', connectorOperator: { serviceNow: 'NO_OP' } }],
    triggerConfig: { triggerType: 'OnDemand' },
  };
}
