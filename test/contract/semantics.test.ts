// The --semantics switches (issue 13), each in both positions, through the real AWS SDK: the
// emulator answers every open point of the API the convenient way by default and the
// inconvenient way on request. docs/aws-behaviour.md explains each point.
import {
  CreateDomainCommand,
  DeleteDomainCommand,
  DeleteIntegrationCommand,
  GetIntegrationCommand,
  ListAccountIntegrationsCommand,
  ListIntegrationsCommand,
  PutIntegrationCommand,
  type PutIntegrationCommandInput,
} from '@aws-sdk/client-customer-profiles';
import { DeleteFlowCommand, DescribeFlowCommand, UpdateFlowCommand } from '@aws-sdk/client-appflow';
import { describe, expect, it, vi } from 'vitest';
import { ACCOUNT, failure, REGION, salesforceFlow, sharedEmulator } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// Reset before each test also puts every switch back to its startup value (here: the defaults).
const t = sharedEmulator(({ c }) => c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 })));

const FLOW_URI = (name: string) => `arn:aws:appflow:${REGION}:${ACCOUNT}:flow/${name}`;
const S3_URI = 'arn:aws:s3:::profiles-bucket';
const put = (input: Omit<PutIntegrationCommandInput, 'DomainName'>) => t.c.cp.send(new PutIntegrationCommand({ DomainName: 'retail', ...input }));
const get = (uri: string) => t.c.cp.send(new GetIntegrationCommand({ DomainName: 'retail', Uri: uri }));
const describeFlow = (name: string) => t.c.appflow.send(new DescribeFlowCommand({ flowName: name }));

describe('defaults', () => {
  it('every switch starts at its first value, which is the emulator behaviour before the switches existed', async () => {
    const defaults = {
      'flow-resend': 'accept',
      'put-omitted': 'replace',
      'delete-flow': 'delete',
      'workflow-id': 'always',
      'last-updated-after-put': 'stable',
      'object-type-check': 'off',
      'past-start-time': 'accept',
      'update-tags': 'ignore',
      'object-type-in-use': 'allow',
      'template-members': 'use-template',
    };
    expect(await t.admin.semantics()).toEqual(defaults);
    expect((await t.admin.config()).semantics).toEqual(defaults);
  });
});

describe('flow-resend', () => {
  it('accept: a FlowDefinition re-sent for its own integration updates it', async () => {
    const first = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    const again = await put({ ObjectTypeName: 'Account2', FlowDefinition: salesforceFlow('sf') });
    expect(again.Uri).toBe(first.Uri);
    expect(again.ObjectTypeName).toBe('Account2');
    expect(again.WorkflowId).toBe(first.WorkflowId);
  });

  it('reject: a FlowDefinition for a flow that exists is BadRequest "Flow with name X already exists."; a Put without one still updates', async () => {
    await t.admin.setSemantics({ 'flow-resend': 'reject' });
    const first = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    expect(first.Uri).toBe(FLOW_URI('sf'));

    const err = await failure(put({ ObjectTypeName: 'Account2', FlowDefinition: salesforceFlow('sf') }));
    expect(err.name).toBe('BadRequestException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe('Flow with name sf already exists.');
    // the same with the Uri spelled out, as an update would send it
    const byUri = await failure(put({ Uri: first.Uri, ObjectTypeName: 'Account2', FlowDefinition: salesforceFlow('sf') }));
    expect(byUri.message).toBe('Flow with name sf already exists.');
    expect((await get(first.Uri!)).ObjectTypeName).toBe('Account'); // nothing changed

    // what AWS's CloudFormation UpdateHandler sends: no FlowDefinition, the Uri from the create
    const updated = await put({ Uri: first.Uri, ObjectTypeName: 'Account2' });
    expect(updated.ObjectTypeName).toBe('Account2');
    expect(updated.WorkflowId).toBe(first.WorkflowId);
    expect((await describeFlow('sf')).destinationFlowConfigList![0]!.destinationConnectorProperties!.CustomerProfiles!.objectTypeName).toBe('Account');
  });
});

describe('AppFlow UpdateFlow (a way to change a flow when flow-resend=reject)', () => {
  it('replaces the definition of a flow Customer Profiles created; DescribeFlow shows it; kmsArn and the integration stay', async () => {
    await t.admin.setSemantics({ 'flow-resend': 'reject' });
    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    const before = await describeFlow('sf');
    const extraTask = { taskType: 'Map' as const, sourceFields: ['Phone'], destinationField: 'Phone', connectorOperator: { Salesforce: 'NO_OP' as const }, taskProperties: { DATA_TYPE: 'string' } };
    const updated = await t.c.appflow.send(
      new UpdateFlowCommand({
        flowName: 'sf',
        description: 'now with phones',
        triggerConfig: before.triggerConfig,
        sourceFlowConfig: before.sourceFlowConfig,
        destinationFlowConfigList: [
          { connectorType: 'CustomerProfiles', destinationConnectorProperties: { CustomerProfiles: { domainName: 'retail', objectTypeName: 'Account2' } } },
        ],
        tasks: [...before.tasks!, extraTask],
      }),
    );
    expect(updated.flowStatus).toBe('Active');
    const after = await describeFlow('sf');
    expect(after.tasks).toEqual([...before.tasks!, extraTask]);
    expect(after.description).toBe('now with phones');
    expect(after.kmsArn).toBe(before.kmsArn);
    expect(after.sourceFlowConfig).toEqual(before.sourceFlowConfig);
    expect(after.triggerConfig).toEqual(before.triggerConfig);
    expect(after.destinationFlowConfigList![0]!.destinationConnectorProperties!.CustomerProfiles!.objectTypeName).toBe('Account2');
    expect(after.lastUpdatedAt!.getTime()).toBeGreaterThan(before.lastUpdatedAt!.getTime());
    expect((await get(created.Uri!)).ObjectTypeName).toBe('Account');
  });

  it('refuses an unknown flow (404), a missing member or a lost CustomerProfiles destination (ValidationException), and a past start under past-start-time=reject', async () => {
    await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    const d = await describeFlow('sf');
    const input = { flowName: 'sf', triggerConfig: d.triggerConfig, sourceFlowConfig: d.sourceFlowConfig, destinationFlowConfigList: d.destinationFlowConfigList, tasks: d.tasks };
    expect((await failure(t.c.appflow.send(new UpdateFlowCommand({ ...input, flowName: 'nope' })))).name).toBe('ResourceNotFoundException');
    const noTasks = await failure(t.c.appflow.send(new UpdateFlowCommand({ ...input, tasks: undefined })));
    expect(noTasks.name).toBe('ValidationException');
    expect(noTasks.message).toMatch(/'tasks'/);
    const elsewhere = await failure(
      t.c.appflow.send(new UpdateFlowCommand({ ...input, destinationFlowConfigList: [{ connectorType: 'S3', destinationConnectorProperties: { S3: { bucketName: 'b' } } }] })),
    );
    expect(elsewhere.name).toBe('ValidationException');
    expect(elsewhere.message).toMatch(/CustomerProfiles destination/);

    const pastTrigger = { triggerType: 'Scheduled' as const, triggerProperties: { Scheduled: { scheduleExpression: 'rate(1hours)', scheduleStartTime: new Date(Date.now() - 60_000) } } };
    await t.c.appflow.send(new UpdateFlowCommand({ ...input, triggerConfig: pastTrigger })); // accept
    await t.admin.setSemantics({ 'past-start-time': 'reject' });
    const past = await failure(t.c.appflow.send(new UpdateFlowCommand({ ...input, triggerConfig: pastTrigger })));
    expect(past.name).toBe('ValidationException');
    expect(past.$metadata.httpStatusCode).toBe(400);
    expect(past.message).toMatch(/is in the past/);
  });
});

describe('put-omitted', () => {
  const full = {
    Uri: S3_URI,
    ObjectTypeName: 'CTR',
    ObjectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' },
    RoleArn: 'arn:aws:iam::123456789012:role/profiles',
    EventTriggerNames: ['high-value'],
    Scope: 'PROFILE' as const,
  };

  it('replace: optional members a Put omits are cleared', async () => {
    await put(full);
    const second = await put({ Uri: S3_URI, ObjectTypeName: 'CTR2' });
    for (const got of [second, await get(S3_URI)]) {
      expect(got.ObjectTypeName).toBe('CTR2');
      expect(got.ObjectTypeNames).toBeUndefined();
      expect(got.RoleArn).toBeUndefined();
      expect(got.EventTriggerNames).toBeUndefined();
      expect(got.Scope).toBeUndefined();
    }
  });

  it('merge: optional members a Put omits keep their old value; members it sends replace', async () => {
    await t.admin.setSemantics({ 'put-omitted': 'merge' });
    await put(full);
    const second = await put({ Uri: S3_URI, Scope: 'DOMAIN' });
    for (const got of [second, await get(S3_URI)]) {
      expect(got).toMatchObject({
        ObjectTypeName: 'CTR',
        ObjectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' },
        RoleArn: 'arn:aws:iam::123456789012:role/profiles',
        EventTriggerNames: ['high-value'],
        Scope: 'DOMAIN',
      });
    }
    // a member sent replaces the old value whole: maps are not merged key by key
    expect((await put({ Uri: S3_URI, ObjectTypeNames: { SegmentIdentify: 'Segment' } })).ObjectTypeNames).toEqual({ SegmentIdentify: 'Segment' });
  });
});

describe('delete-flow', () => {
  it('delete: DeleteIntegration deletes the flow, so the same FlowDefinition creates again', async () => {
    const first = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: first.Uri }));
    expect((await failure(describeFlow('sf'))).name).toBe('ResourceNotFoundException');
    const again = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    expect(again.Uri).toBe(first.Uri);
  });

  it('keep: the flow outlives its integration and blocks the same FlowDefinition; DescribeFlow still finds it', async () => {
    await t.admin.setSemantics({ 'delete-flow': 'keep' });
    const first = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: first.Uri }));
    expect((await failure(get(first.Uri!))).name).toBe('ResourceNotFoundException');
    expect((await describeFlow('sf')).flowArn).toBe(FLOW_URI('sf'));

    const err = await failure(put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') }));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('Flow with name sf already exists.');
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items).toEqual([]);
  });

  it('keep, way out 1: a Put without FlowDefinition at the flow Uri takes the kept flow up again', async () => {
    await t.admin.setSemantics({ 'delete-flow': 'keep' });
    const first = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: first.Uri }));
    const reused = await put({ Uri: first.Uri, ObjectTypeName: 'Account' });
    expect(reused.WorkflowId).toMatch(/\S/);
    const state = await t.admin.state();
    expect(state.accounts[ACCOUNT]![REGION]!.Domains.retail!.Integrations[first.Uri!]!.FlowName).toBe('sf');
    // attached again, so re-sending its FlowDefinition is an update again (flow-resend=accept)
    expect((await put({ ObjectTypeName: 'Account2', FlowDefinition: salesforceFlow('sf') })).ObjectTypeName).toBe('Account2');
  });

  it('keep, way out 2: AppFlow DeleteFlow removes the kept flow; a flow still in use needs forceDelete', async () => {
    await t.admin.setSemantics({ 'delete-flow': 'keep' });
    const first = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });

    const inUse = await failure(t.c.appflow.send(new DeleteFlowCommand({ flowName: 'sf' })));
    expect(inUse.name).toBe('ConflictException');
    expect(inUse.$metadata.httpStatusCode).toBe(409);
    expect(inUse.message).toMatch(/in use .*forceDelete/);

    await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: first.Uri }));
    await t.c.appflow.send(new DeleteFlowCommand({ flowName: 'sf' }));
    expect((await failure(describeFlow('sf'))).name).toBe('ResourceNotFoundException');
    expect((await failure(t.c.appflow.send(new DeleteFlowCommand({ flowName: 'sf' })))).name).toBe('ResourceNotFoundException');
    expect((await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') })).Uri).toBe(first.Uri);

    // forceDelete takes the flow from its integration, which stays
    await t.c.appflow.send(new DeleteFlowCommand({ flowName: 'sf', forceDelete: true }));
    expect((await failure(describeFlow('sf'))).name).toBe('ResourceNotFoundException');
    expect((await get(first.Uri!)).Uri).toBe(first.Uri);
    expect((await t.admin.requests({ operation: 'DeleteFlow' })).map((e) => e.status)).toEqual([409, 200, 404, 200]);
  });

  it('keep: DeleteDomain leaves the domain\'s flows behind too', async () => {
    await t.admin.setSemantics({ 'delete-flow': 'keep' });
    await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    await t.c.cp.send(new DeleteDomainCommand({ DomainName: 'retail' }));
    expect((await describeFlow('sf')).flowName).toBe('sf');
  });
});

describe('workflow-id', () => {
  it('always: a flow-based integration carries its WorkflowId in every answer', async () => {
    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    expect(created.WorkflowId).toMatch(/\S/);
    expect((await get(created.Uri!)).WorkflowId).toBe(created.WorkflowId);
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items![0]!.WorkflowId).toBe(created.WorkflowId);
  });

  it('never: no answer carries a WorkflowId', async () => {
    await t.admin.setSemantics({ 'workflow-id': 'never' });
    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    const answers = [
      created,
      await put({ ObjectTypeName: 'Account2', FlowDefinition: salesforceFlow('sf') }),
      await get(created.Uri!),
      ...(await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items!,
      ...(await t.c.cp.send(new ListAccountIntegrationsCommand({ Uri: created.Uri }))).Items!,
    ];
    expect(answers).toHaveLength(5);
    for (const a of answers) {
      expect(a.Uri).toBe(created.Uri);
      expect(a.WorkflowId).toBeUndefined();
    }
  });
});

describe('last-updated-after-put', () => {
  it('stable: reads after a Put show the LastUpdatedAt the Put answered', async () => {
    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    expect((await get(created.Uri!)).LastUpdatedAt!.getTime()).toBe(created.LastUpdatedAt!.getTime());
    expect((await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items![0]!.LastUpdatedAt!.getTime()).toBe(
      created.LastUpdatedAt!.getTime(),
    );
  });

  it('bumps: the first read after a Put of a flow-based integration shows a later LastUpdatedAt, once', async () => {
    await t.admin.setSemantics({ 'last-updated-after-put': 'bumps' });
    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    const afterCreate = (await get(created.Uri!)).LastUpdatedAt!.getTime();
    expect(afterCreate).toBeGreaterThan(created.LastUpdatedAt!.getTime());
    expect((await get(created.Uri!)).LastUpdatedAt!.getTime()).toBe(afterCreate); // once

    // a Put without FlowDefinition on the flow-based integration runs the workflow too; List sees it
    const updated = await put({ Uri: created.Uri, ObjectTypeName: 'Account2' });
    expect(updated.LastUpdatedAt!.getTime()).toBeGreaterThan(afterCreate);
    const listed = (await t.c.cp.send(new ListIntegrationsCommand({ DomainName: 'retail' }))).Items![0]!.LastUpdatedAt!.getTime();
    expect(listed).toBeGreaterThan(updated.LastUpdatedAt!.getTime());
    expect((await get(created.Uri!)).LastUpdatedAt!.getTime()).toBe(listed);
  });

  it('bumps: an integration without a flow does not move', async () => {
    await t.admin.setSemantics({ 'last-updated-after-put': 'bumps' });
    const created = await put({ Uri: S3_URI, ObjectTypeName: 'CTR' });
    expect((await get(S3_URI)).LastUpdatedAt!.getTime()).toBe(created.LastUpdatedAt!.getTime());
  });
});

describe('object-type-check', () => {
  it('off: any well-formed object type name is taken', async () => {
    expect((await put({ Uri: S3_URI, ObjectTypeName: 'NoSuchType', ObjectTypeNames: { SegmentIdentify: 'AlsoNone' } })).ObjectTypeName).toBe('NoSuchType');
  });

  it('on: ObjectTypeName and ObjectTypeNames values must be object types of the domain (registered through the admin API)', async () => {
    await t.admin.setSemantics({ 'object-type-check': 'on' });
    const err = await failure(put({ Uri: S3_URI, ObjectTypeName: 'CTR' }));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe('Object type CTR does not exist in domain retail.');
    const flowErr = await failure(put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') }));
    expect(flowErr.message).toBe('Object type Account does not exist in domain retail.');
    expect((await failure(describeFlow('sf'))).name).toBe('ResourceNotFoundException'); // refused before anything was made

    expect(await t.admin.createObjectTypes('retail', ['CTR', 'Account'])).toEqual({ DomainName: 'retail', ObjectTypeNames: ['Account', 'CTR'] });
    expect((await put({ Uri: S3_URI, ObjectTypeName: 'CTR' })).ObjectTypeName).toBe('CTR');
    const many = await failure(put({ Uri: S3_URI, ObjectTypeName: 'CTR', ObjectTypeNames: { A: 'Order', B: 'Segment', C: 'CTR' } }));
    expect(many.message).toBe('Object types Order, Segment do not exist in domain retail.');
    // _unstructured is built in
    expect((await put({ Uri: 'arn:aws:s3:::raw', ObjectTypeName: '_unstructured' })).IsUnstructured).toBe(true);

    await t.admin.deleteObjectType('retail', 'CTR');
    expect((await failure(put({ Uri: S3_URI, ObjectTypeName: 'CTR' }))).message).toMatch(/Object type CTR does not exist/);
    expect((await t.admin.state()).accounts[ACCOUNT]![REGION]!.Domains.retail!.ObjectTypes).toMatchObject({ Account: { ObjectTypeName: 'Account' } });
  });
});

describe('past-start-time', () => {
  const past = new Date(Date.now() - 86_400_000);

  it('accept: a scheduled flow whose start time has passed is taken', async () => {
    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf', past) });
    expect(created.Uri).toBe(FLOW_URI('sf'));
    const start = (await describeFlow('sf')).triggerConfig!.triggerProperties!.Scheduled!.scheduleStartTime!;
    expect(start.getTime()).toBe(Math.floor(past.getTime()));
  });

  it('reject: a past ScheduleStartTime is BadRequest, on create and on a re-send; a future one or an on-demand flow passes', async () => {
    await t.admin.setSemantics({ 'past-start-time': 'reject' });
    const err = await failure(put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf', past) }));
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toBe(`The schedule start time ${past.toISOString()} is in the past; a scheduled flow must start in the future.`);
    expect((await failure(describeFlow('sf'))).name).toBe('ResourceNotFoundException');

    const created = await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') });
    const resent = await failure(put({ Uri: created.Uri, ObjectTypeName: 'Account2', FlowDefinition: salesforceFlow('sf', past) }));
    expect(resent.name).toBe('BadRequestException');
    expect((await get(created.Uri!)).ObjectTypeName).toBe('Account');
    expect((await put({ ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('on-demand', null) })).Uri).toBe(FLOW_URI('on-demand'));
  });
});

describe('all inconvenient answers at once', () => {
  it('the switches combine: each refusal or difference shows up as it does alone', async () => {
    await t.admin.setSemantics({
      'flow-resend': 'reject',
      'put-omitted': 'merge',
      'delete-flow': 'keep',
      'workflow-id': 'never',
      'last-updated-after-put': 'bumps',
      'object-type-check': 'on',
      'past-start-time': 'reject',
    });
    await t.admin.createObjectTypes('retail', ['Account']);
    const created = await put({ ObjectTypeName: 'Account', EventTriggerNames: ['vip'], FlowDefinition: salesforceFlow('sf') });
    expect(created.WorkflowId).toBeUndefined();
    expect((await failure(put({ Uri: created.Uri, ObjectTypeName: 'Account', FlowDefinition: salesforceFlow('sf') }))).message).toBe(
      'Flow with name sf already exists.',
    );
    const updated = await put({ Uri: created.Uri, ObjectTypeName: 'Account' });
    expect(updated.EventTriggerNames).toEqual(['vip']);
    expect((await get(created.Uri!)).LastUpdatedAt!.getTime()).toBeGreaterThan(updated.LastUpdatedAt!.getTime());
    await t.c.cp.send(new DeleteIntegrationCommand({ DomainName: 'retail', Uri: created.Uri }));
    expect((await describeFlow('sf')).flowName).toBe('sf');
  });
});
