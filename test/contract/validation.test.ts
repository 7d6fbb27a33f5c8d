// Validation derived from the model: walk PutIntegrationRequest in the generated model, and for
// every constraint (required, length, pattern, enum, range, list/map size, map keys and values)
// send one request through the real SDK that breaks only that constraint of a valid request.
// Each must come back as BadRequestException naming the member.
import { PutIntegrationCommand } from '@aws-sdk/client-customer-profiles';
import { CreateDomainCommand } from '@aws-sdk/client-customer-profiles';
import { describe, expect, it, vi } from 'vitest';
import { salesforceSdkInput } from '../fixtures/salesforce-scheduled-flow.ts';
import { failure, sharedEmulator } from './helpers.ts';
import { messagePath, modelViolations, unsetMembers, violate } from './model-violations.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** A valid request that sets every member of the tree, so every constraint is reachable. */
const baseline = {
  DomainName: 'retail',
  Uri: 'arn:aws:s3:::bucket',
  ObjectTypeName: 'T',
  ObjectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' },
  Tags: { team: 'crm' },
  RoleArn: 'arn:aws:iam::123456789012:role/profiles',
  EventTriggerNames: ['high-value'],
  Scope: 'PROFILE',
  FlowDefinition: {
    Description: 'nightly accounts',
    FlowName: 'flow-1',
    KmsArn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
    SourceFlowConfig: {
      ConnectorProfileName: 'sf-prod',
      ConnectorType: 'Salesforce',
      IncrementalPullConfig: { DatetimeTypeFieldName: 'LastModifiedDate' },
      SourceConnectorProperties: {
        Marketo: { Object: 'leads' },
        S3: { BucketName: 'bucket', BucketPrefix: 'in/' },
        Salesforce: { Object: 'Account', EnableDynamicFieldUpdate: true, IncludeDeletedRecords: false },
        ServiceNow: { Object: 'incident' },
        Zendesk: { Object: 'tickets' },
      },
    },
    Tasks: [
      {
        ConnectorOperator: { Marketo: 'NO_OP', S3: 'NO_OP', Salesforce: 'NO_OP', ServiceNow: 'NO_OP', Zendesk: 'NO_OP' },
        DestinationField: 'Name',
        SourceFields: ['Name'],
        TaskProperties: { DATA_TYPE: 'string' },
        TaskType: 'Map',
      },
    ],
    // A Scheduled trigger with every ScheduledTriggerProperties member.
    TriggerConfig: salesforceSdkInput('retail').FlowDefinition!.TriggerConfig!,
  },
};

// Without the missing DomainName: the SDK refuses to build the path without its label.
const { found, unviolatable } = modelViolations('PutIntegrationRequest', baseline);

const t = sharedEmulator(({ c }) => c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 })));

describe('PutIntegrationRequest constraints from the model', () => {
  it('the baseline request sets every member and is accepted', async () => {
    const missing = unsetMembers('PutIntegrationRequest', baseline);
    expect(missing).toEqual([]);
    const out = await t.c.cp.send(new PutIntegrationCommand(baseline as any));
    expect(out.Uri).toBe(baseline.Uri);
  });

  it('finds the constraints the model declares', () => {
    const kinds = new Set(found.map((v) => v.kind));
    expect([...kinds].sort()).toEqual(['enum', 'max', 'min', 'pattern', 'required']);
    expect(found.length).toBeGreaterThan(60);
    // Patterns that match the empty string are satisfied by every value (Smithy patterns are unanchored).
    for (const u of unviolatable) expect(u).toMatch(/: (\.\*|\[[^\]]+\]\*)$/);
  });

  it('a missing DomainName is refused by the SDK before it reaches the wire', async () => {
    const { DomainName: _, ...rest } = baseline;
    await expect(t.c.cp.send(new PutIntegrationCommand(rest as any))).rejects.toThrow(/DomainName/);
  });

  it.each(found.map((v) => [v.name, v] as const))('%s -> BadRequestException', async (_name, v) => {
    const err = await failure(t.c.cp.send(new PutIntegrationCommand(violate(baseline, v))));
    expect(err.name).toBe('BadRequestException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toContain(`at '${messagePath(v)}'`);
  });
});
