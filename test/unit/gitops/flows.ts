// Flow definitions for the gitops unit tests, in the resource's spelling.
import type { FlowDefinition } from '../../../src/api/types.ts';
import { KMS_ARN, salesforceFlow as salesforceResource } from '../../fixtures/valid-specs.ts';

/** The Salesforce flow of the valid fixtures: incremental, scheduled, with an end, a time zone and an offset. */
export const salesforceFlow = (): FlowDefinition => salesforceResource().spec.flowDefinition!;

export function serviceNowFlow(): FlowDefinition {
  return {
    flowName: 'retail-sn-incidents',
    kmsArn: KMS_ARN,
    sourceFlowConfig: { connectorType: 'Servicenow', connectorProfileName: 'sn', sourceConnectorProperties: { serviceNow: { object: 'incident' } } },
    tasks: [{ taskType: 'Map', sourceFields: ['number'], destinationField: 'number', connectorOperator: { serviceNow: 'NO_OP' } }],
    triggerConfig: { triggerType: 'OnDemand' },
  };
}
