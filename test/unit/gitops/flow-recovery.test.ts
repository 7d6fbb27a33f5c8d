import { describe, expect, it } from 'vitest';
import { toPutIntegrationInput } from '../../../src/api/convert.ts';
import { flowDefinitionHash } from '../../../src/api/hash.ts';
import type { FlowDefinition } from '../../../src/api/types.ts';
import { toAppFlowCase } from '../../../src/emulator/appflow.ts';
import { recoverFlowDefinition } from '../../../src/gitops/flow-recovery.ts';
import { salesforceFlow, serviceNowFlow } from './flows.ts';

/** What AppFlow's DescribeFlow answers for the flow PutIntegration created from `fd`. */
function described(fd: FlowDefinition): Record<string, unknown> {
  const wire = toPutIntegrationInput({ domainName: 'retail', flowDefinition: fd }).FlowDefinition;
  return { flowArn: `arn:aws:appflow:us-east-1:123456789012:flow/${fd.flowName}`, flowStatus: 'Active', ...(toAppFlowCase('FlowDefinition', wire) as object) };
}

describe('flowDefinition recovered from AppFlow DescribeFlow', () => {
  it.each([['Salesforce', salesforceFlow()], ['ServiceNow', serviceNowFlow()]])('%s: the same definition, so the same hash', (_name, fd) => {
    const { flowDefinition, lost } = recoverFlowDefinition(described(fd));
    expect(lost).toEqual([]);
    expect(flowDefinition).toEqual(fd);
    expect(flowDefinitionHash(flowDefinition)).toBe(flowDefinitionHash(fd));
  });

  it('turns AppFlow timestamps (Date or epoch seconds) into RFC 3339', () => {
    const d = described(salesforceFlow()) as { triggerConfig: { triggerProperties: { Scheduled: Record<string, unknown> } } };
    d.triggerConfig.triggerProperties.Scheduled.scheduleStartTime = 1796083200; // 2026-12-01T00:00:00Z
    d.triggerConfig.triggerProperties.Scheduled.firstExecutionFrom = new Date('2026-01-01T00:00:00Z');
    const { flowDefinition } = recoverFlowDefinition(d);
    expect(flowDefinition.triggerConfig.triggerProperties?.scheduled).toMatchObject({ scheduleStartTime: '2026-12-01T00:00:00Z', firstExecutionFrom: '2026-01-01T00:00:00Z' });
  });

  it('names what the resource cannot express instead of dropping it silently', () => {
    const d = described(salesforceFlow()) as Record<string, any>;
    d.sourceFlowConfig.apiVersion = '58.0';
    d.sourceFlowConfig.sourceConnectorProperties.Salesforce.dataTransferApi = 'BULKV2';
    d.triggerConfig.triggerProperties.Scheduled.flowErrorDeactivationThreshold = 5;
    d.destinationFlowConfigList = [{ connectorType: 'CustomerProfiles' }]; // AppFlow's own, not part of a FlowDefinition
    const { lost } = recoverFlowDefinition(d);
    expect(lost.sort()).toEqual([
      'sourceFlowConfig.apiVersion',
      'sourceFlowConfig.sourceConnectorProperties.Salesforce.dataTransferApi',
      'triggerConfig.triggerProperties.Scheduled.flowErrorDeactivationThreshold',
    ]);
  });

  it('keeps task property keys as written', () => {
    const { flowDefinition } = recoverFlowDefinition(described(salesforceFlow()));
    expect(flowDefinition.tasks[2]!.taskProperties).toEqual({ DATA_TYPE: 'string' });
  });
});
