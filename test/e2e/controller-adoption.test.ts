// Integrations that exist before their resource: adopted (Event Adopted; a Put only when the spec
// differs). Two resources that claim one integration: the younger is Stalled Conflict, never writes,
// and deleting it leaves the integration to the older one.
import { describe, expect, it } from 'vitest';
import type { IntegrationSpec } from '../../src/api/types.ts';
import { eventsFor } from './harness/events.ts';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const uri = (n: string) => `arn:aws:connect:us-east-1:123456789012:instance/dddddddd-bbbb-cccc-dddd-${n.padStart(12, '0')}`;

describe('controller: adoption and conflicts', () => {
  const stack = controllerStack('ctl-adopt');

  const putsFor = async (seq: number, u: string) =>
    (await stack.aws.since(seq, 'PutIntegration')).filter((e) => (e.body as { Uri?: string } | undefined)?.Uri === u);

  it('adopts an existing integration that matches the spec without writing', async () => {
    const existing = await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('1'), { ObjectTypeName: 'CTR', Tags: { team: 'crm' } });
    const mark = await stack.aws.mark();
    await stack.res.create('matching', { domainName: 'retail', uri: uri('1'), objectTypeName: 'CTR', tags: { team: 'crm' } });
    const obj = await stack.res.waitReady('matching');
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect(Date.parse(obj.status!.createdAt!)).toBe(existing.CreatedAt * 1000);
    const events = await waitFor(async () => {
      const e = await eventsFor(stack.ns, 'matching');
      return e.some((x) => x.reason === 'Adopted') ? e : undefined;
    }, { what: 'an Adopted event for matching' });
    expect(events.filter((e) => e.reason === 'Adopted')).toHaveLength(1);
    expect(events.find((e) => e.reason === 'Adopted')!.note).toContain(uri('1'));
  });

  it('adopts an existing integration that differs with exactly one PutIntegration', async () => {
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('2'), { ObjectTypeName: 'Legacy', Tags: { team: 'crm' } });
    const mark = await stack.aws.mark();
    await stack.res.create('differing', { domainName: 'retail', uri: uri('2'), objectTypeName: 'CTR', tags: { team: 'crm' } });
    await stack.res.waitReady('differing');
    expect(await stack.aws.writes(mark)).toEqual(['PutIntegration']);
    expect((await stack.aws.integration('retail', uri('2')))?.ObjectTypeName).toBe('CTR');
    const events = await waitFor(async () => {
      const e = await eventsFor(stack.ns, 'differing');
      return e.some((x) => x.reason === 'Adopted') ? e : undefined;
    }, { what: 'an Adopted event for differing' });
    expect(events.find((e) => e.reason === 'Adopted')!.note).toContain('objectTypeName');
    expect(events.map((e) => e.reason)).not.toContain('Created');
  });

  it('gives the younger of two claimants Stalled Conflict; it never writes, and its deletion keeps the integration', async () => {
    await stack.res.create('a-owner', { domainName: 'retail', uri: uri('3'), objectTypeName: 'CTR' });
    await stack.res.waitReady('a-owner');
    const mark = await stack.aws.mark();

    await stack.res.create('b-younger', { domainName: 'retail', uri: uri('3'), objectTypeName: 'Other' });
    const stalled = await stack.res.waitForCondition('b-younger', 'Stalled', 'True', { reason: 'Conflict' });
    expect(condition(stalled, 'Stalled')!.message).toContain(`${stack.ns}/a-owner`);
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(stalled.metadata.finalizers ?? []).toEqual([]);
    const warning = await waitFor(async () => (await eventsFor(stack.ns, 'b-younger')).find((e) => e.reason === 'Conflict'), { what: 'a Conflict event' });
    expect(warning.type).toBe('Warning');

    // The older one stays in charge and at rest, the younger one changes nothing.
    await stack.res.patchSpec('b-younger', { objectTypeName: 'Other2' });
    await stack.res.waitForCondition('b-younger', 'Stalled', 'True', { reason: 'Conflict' });
    expect(await putsFor(mark, uri('3'))).toEqual([]);
    expect(condition(await stack.res.get('a-owner'), 'Ready')).toMatchObject({ status: 'True' });

    await stack.res.delete('b-younger');
    await stack.res.waitGone('b-younger');
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect((await stack.aws.integration('retail', uri('3')))?.ObjectTypeName).toBe('CTR');
    expect(condition(await stack.res.get('a-owner'), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('hands the integration to the younger claimant once the older one is gone', async () => {
    await stack.res.create('e-first', { domainName: 'retail', uri: uri('4'), objectTypeName: 'CTR', deletionPolicy: 'Retain' });
    await stack.res.waitReady('e-first');
    await stack.res.create('f-second', { domainName: 'retail', uri: uri('4'), objectTypeName: 'Successor' });
    await stack.res.waitForCondition('f-second', 'Stalled', 'True', { reason: 'Conflict' });
    const mark = await stack.aws.mark();

    await stack.res.delete('e-first'); // Retain: the integration stays, and now f-second may have it
    const ready = await stack.res.waitReady('f-second');
    expect(condition(ready, 'Stalled')).toBeUndefined();
    expect(await stack.aws.writes(mark)).toEqual(['PutIntegration']);
    expect((await stack.aws.integration('retail', uri('4')))?.ObjectTypeName).toBe('Successor');
  });

  it('sees two flow resources with one flow name as one integration, also after AWS named it', async () => {
    const flow = (description: string): IntegrationSpec => ({
      domainName: 'retail',
      objectTypeName: 'CustomerCsv',
      flowDefinition: {
        flowName: 'shared-flow',
        description,
        kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'crm-export' } } },
        tasks: [{ taskType: 'Filter', sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' } }],
        triggerConfig: { triggerType: 'OnDemand' },
      },
    });
    await stack.res.create('c-flow-owner', flow('first'));
    const owner = await stack.res.waitReady('c-flow-owner');
    const flowUri = owner.status!.uri!;
    const mark = await stack.aws.mark();

    await stack.res.create('d-flow-younger', flow('second'));
    const stalled = await stack.res.waitForCondition('d-flow-younger', 'Stalled', 'True', { reason: 'Conflict' });
    expect(condition(stalled, 'Stalled')!.message).toContain(`${stack.ns}/c-flow-owner`);
    expect(await putsFor(mark, flowUri)).toEqual([]);
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect((await stack.aws.flow('shared-flow'))?.Definition).toMatchObject({ Description: 'first' });
  });
});
