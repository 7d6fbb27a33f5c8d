// Ownership (issue H): a resource writes to and deletes only what it created (AWS holds its owner
// tag) or what a person asked it to adopt (the adopt annotation). An integration made elsewhere is
// never written, never untagged and never deleted: Stalled AlreadyExists says how to adopt it.
// Two resources that claim one integration: the younger is Stalled Conflict and never writes.
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, GROUP, OWNER_TAG, PLURAL, VERSION } from '../../src/api/group.ts';
import type { IntegrationSpec } from '../../src/api/types.ts';
import { eventsFor } from './harness/events.ts';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { adminKubeConfig, waitFor } from './support/index.ts';

const uri = (n: string) => `arn:aws:connect:us-east-1:123456789012:instance/dddddddd-bbbb-cccc-dddd-${n.padStart(12, '0')}`;
const ADOPT = { [ANNOTATIONS.adopt]: 'true' };

describe('controller: ownership, adoption and conflicts', () => {
  const stack = controllerStack('ctl-adopt', { controllerArgs: ['--poll-interval', '2s'] });

  const putsFor = async (seq: number, u: string) =>
    (await stack.aws.since(seq, 'PutIntegration')).filter((e) => (e.body as { Uri?: string } | undefined)?.Uri === u);

  it('creates with its owner tag in the same Put, records Created, and is never confused by its own tag', async () => {
    const mark = await stack.aws.mark();
    const created = await stack.res.create('mine', { domainName: 'retail', uri: uri('10'), objectTypeName: 'CTR', tags: { team: 'crm' } });
    const obj = await stack.res.waitReady('mine');
    expect(obj.status).toMatchObject({ ownership: 'Created', account: '123456789012', region: 'us-east-1', uri: uri('10') });
    const put = (await putsFor(mark, uri('10')))[0]!;
    expect((put.body as { Tags?: Record<string, string> }).Tags).toEqual({ team: 'crm', [OWNER_TAG]: `${created.metadata.uid} ${stack.ns}/mine` });
    // The owner tag is not the spec's: a tag edit neither removes it nor shows it as drift.
    const m2 = await stack.aws.mark();
    await stack.res.patchSpec('mine', { tags: { team: 'sales' } });
    await waitFor(async () => (await stack.aws.integration('retail', uri('10')))?.Tags?.team === 'sales', { what: 'the tag edit' });
    expect(await stack.aws.writes(m2)).toEqual(['TagResource']);
    expect((await stack.aws.integration('retail', uri('10')))?.Tags).toEqual({ team: 'sales', [OWNER_TAG]: `${created.metadata.uid} ${stack.ns}/mine` });
  });

  it('recognises what it created after its status is lost (a crash between the Put and the status write): zero writes', async () => {
    await stack.res.create('lost-status', { domainName: 'retail', uri: uri('11'), objectTypeName: 'CTR' });
    await stack.res.waitReady('lost-status');
    const mark = await stack.aws.mark();
    const api = adminKubeConfig().makeApiClient(k8s.CustomObjectsApi);
    await api.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, plural: PLURAL, namespace: stack.ns, name: 'lost-status', body: { status: null } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const back = await waitFor(async () => {
      const o = await stack.res.get('lost-status');
      return o?.status?.ownership ? o : undefined;
    }, { what: 'lost-status to record its ownership again' });
    expect(back.status).toMatchObject({ ownership: 'Created', uri: uri('11') });
    expect(condition(back, 'Ready')).toMatchObject({ status: 'True' });
    expect(await stack.aws.writes(mark)).toEqual([]);
  });

  it('never writes to or deletes an integration made elsewhere (a typo, or the same spec) without the adopt annotation', async () => {
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('12'), { ObjectTypeName: 'CTR', Tags: { env: 'prod' } });
    const mark = await stack.aws.mark();
    await stack.res.create('typo', { domainName: 'retail', uri: uri('12'), objectTypeName: 'CTRX' });
    const stalled = await stack.res.waitForCondition('typo', 'Stalled', 'True', { reason: 'AlreadyExists' });
    expect(condition(stalled, 'Ready')).toMatchObject({ status: 'False' });
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'AlreadyExists' });
    expect(condition(stalled, 'Stalled')!.message).toContain(`${ANNOTATIONS.adopt}: "true"`);
    expect(stalled.status?.ownership).toBeUndefined();
    const warning = await waitFor(async () => (await eventsFor(stack.ns, 'typo')).find((e) => e.reason === 'AlreadyExists'), { what: 'an AlreadyExists event' });
    expect(warning.type).toBe('Warning');

    await stack.res.delete('typo');
    await stack.res.waitGone('typo');
    // An identical spec is no more an owner than a typo.
    await stack.res.create('same', { domainName: 'retail', uri: uri('12'), objectTypeName: 'CTR', tags: { env: 'prod' } });
    await stack.res.waitForCondition('same', 'Stalled', 'True', { reason: 'AlreadyExists' });
    await stack.res.delete('same');
    await stack.res.waitGone('same');

    expect(await stack.aws.writes(mark)).toEqual([]);
    expect(await stack.aws.integration('retail', uri('12'))).toMatchObject({ ObjectTypeName: 'CTR', Tags: { env: 'prod' } });
  });

  it('adopts on the annotation: without a write when it matches (said once), with one Put when it differs', async () => {
    const existing = await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('1'), { ObjectTypeName: 'CTR', Tags: { team: 'crm' } });
    const mark = await stack.aws.mark();
    await stack.res.create('matching', { domainName: 'retail', uri: uri('1'), objectTypeName: 'CTR', tags: { team: 'crm' } }, ADOPT);
    const obj = await stack.res.waitReady('matching');
    expect(obj.status?.ownership).toBe('Adopted');
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect(Date.parse(obj.status!.createdAt!)).toBe(existing.CreatedAt * 1000);
    const events = await waitFor(async () => {
      const e = await eventsFor(stack.ns, 'matching');
      return e.some((x) => x.reason === 'Adopted') ? e : undefined;
    }, { what: 'an Adopted event for matching' });
    expect(events.filter((e) => e.reason === 'Adopted')).toHaveLength(1);

    // A stalled resource adopts once a person adds the annotation.
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('2'), { ObjectTypeName: 'Legacy', Tags: { team: 'crm' } });
    await stack.res.create('differing', { domainName: 'retail', uri: uri('2'), objectTypeName: 'CTR', tags: { team: 'crm' } });
    await stack.res.waitForCondition('differing', 'Stalled', 'True', { reason: 'AlreadyExists' });
    const m2 = await stack.aws.mark();
    await stack.res.annotate('differing', ADOPT);
    const adopted = await stack.res.waitReady('differing');
    expect(adopted.status?.ownership).toBe('Adopted');
    expect(await stack.aws.writes(m2)).toEqual(['PutIntegration']);
    expect((await stack.aws.integration('retail', uri('2')))?.ObjectTypeName).toBe('CTR');
  });

  it('keeps a hidden integration it does not own untouched, and a hidden one it owns at rest (IncludeHidden, Get before create)', async () => {
    const flow = (flowName: string): IntegrationSpec => ({
      domainName: 'retail',
      objectTypeName: 'CustomerCsv',
      flowDefinition: {
        flowName,
        kmsArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        sourceFlowConfig: { connectorType: 'S3', sourceConnectorProperties: { s3: { bucketName: 'crm-export' } } },
        tasks: [{ taskType: 'Filter', sourceFields: ['id'], connectorOperator: { s3: 'PROJECTION' } }],
        triggerConfig: { triggerType: 'OnDemand' },
      },
    });
    const hiddenUri = 'arn:aws:appflow:us-east-1:123456789012:flow/hidden-elsewhere';
    await stack.emulator.admin.putIntegrationOutOfBand('retail', hiddenUri, { ObjectTypeName: 'CustomerCsv' }, { hidden: true });
    const mark = await stack.aws.mark();
    await stack.res.create('hidden-theirs', flow('hidden-elsewhere'));
    await stack.res.waitForCondition('hidden-theirs', 'Stalled', 'True', { reason: 'AlreadyExists' });

    await stack.res.create('hidden-mine', flow('hidden-mine'));
    const mine = await stack.res.waitReady('hidden-mine');
    const m1 = await stack.aws.mark();
    await stack.emulator.admin.putIntegrationOutOfBand('retail', mine.status!.uri!, {}, { hidden: true });
    // Hiding it is an out-of-band change: at most one Put corrects it, once a drift check has seen it.
    await waitFor(async () => (await stack.aws.since(m1, 'ListIntegrations')).length >= 1 && (await stack.res.get('hidden-mine'))?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), { what: 'a drift check of the hidden integration' });
    expect((await stack.aws.writes(m1)).length).toBeLessThanOrEqual(1);
    const m2 = await stack.aws.mark();
    // Three poll intervals: each reads the domain (IncludeHidden) and finds it; nothing is written.
    await waitFor(async () => (await stack.aws.since(m2, 'ListIntegrations')).length >= 3, { what: 'three drift checks', timeoutMs: 30_000 });
    const lists = await stack.aws.since(m2, 'ListIntegrations');
    expect(lists.every((l) => (l.body as { IncludeHidden?: boolean }).IncludeHidden === true)).toBe(true);
    expect(await stack.aws.writes(m2)).toEqual([]);
    expect((await stack.aws.since(mark, 'PutIntegration')).filter((p) => (p.body as { FlowDefinition?: { FlowName?: string } }).FlowDefinition?.FlowName === 'hidden-elsewhere')).toEqual([]);
  });

  it('deletes nothing for a resource whose create never succeeded', async () => {
    await stack.res.create('no-domain', { domainName: 'missing', uri: uri('13'), objectTypeName: 'CTR' });
    await stack.res.waitForCondition('no-domain', 'Synced', 'False', { reason: 'DomainNotFound' });
    const mark = await stack.aws.mark();
    await stack.res.delete('no-domain');
    await stack.res.waitGone('no-domain');
    expect((await stack.aws.operations(mark)).filter((o) => o === 'DeleteIntegration')).toEqual([]);
  });

  it('moves Ready\'s transition time forward on an update, never back', async () => {
    await stack.res.create('times', { domainName: 'retail', uri: uri('14'), objectTypeName: 'CTR' });
    const first = await stack.res.waitReady('times');
    const t1 = Date.parse(condition(first, 'Ready')!.lastTransitionTime);
    await waitFor(async () => Date.now() >= t1 + 1_500, { what: 'the next second' }); // timestamps have second resolution
    await stack.res.patchSpec('times', { objectTypeName: 'CTR2' });
    const second = await waitFor(async () => {
      const o = await stack.res.get('times');
      const r = condition(o, 'Ready');
      return o && r?.status === 'True' && r.observedGeneration === 2 ? o : undefined;
    }, { what: 'times Ready at generation 2' });
    expect(Date.parse(condition(second, 'Ready')!.lastTransitionTime)).toBeGreaterThan(t1);
  });

  it('gives the younger of two claimants Stalled Conflict; it never writes, and its deletion keeps the integration', async () => {
    await stack.res.create('a-owner', { domainName: 'retail', uri: uri('3'), objectTypeName: 'CTR' });
    await stack.res.waitReady('a-owner');
    const mark = await stack.aws.mark();

    await stack.res.create('b-younger', { domainName: 'retail', uri: uri('3'), objectTypeName: 'Other' }, ADOPT);
    const stalled = await stack.res.waitForCondition('b-younger', 'Stalled', 'True', { reason: 'Conflict' });
    expect(condition(stalled, 'Stalled')!.message).toContain(`${stack.ns}/a-owner`);
    expect(condition(stalled, 'Synced')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(stalled.metadata.finalizers ?? []).toEqual([]);
    const warning = await waitFor(async () => (await eventsFor(stack.ns, 'b-younger')).find((e) => e.reason === 'Conflict'), { what: 'a Conflict event' });
    expect(warning.type).toBe('Warning');

    await stack.res.patchSpec('b-younger', { objectTypeName: 'Other2' });
    await stack.res.waitForCondition('b-younger', 'Stalled', 'True', { reason: 'Conflict' });
    expect(await putsFor(mark, uri('3'))).toEqual([]);
    expect(condition(await stack.res.get('a-owner'), 'Ready')).toMatchObject({ status: 'True' });

    await stack.res.delete('b-younger');
    await stack.res.waitGone('b-younger');
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect((await stack.aws.integration('retail', uri('3')))?.ObjectTypeName).toBe('CTR');
  });

  it('hands the integration to a younger claimant that asked to adopt it, once the older (Retain) is gone; one without the annotation stays AlreadyExists', async () => {
    await stack.res.create('e-first', { domainName: 'retail', uri: uri('4'), objectTypeName: 'CTR', deletionPolicy: 'Retain' });
    await stack.res.waitReady('e-first');
    await stack.res.create('f-second', { domainName: 'retail', uri: uri('4'), objectTypeName: 'Successor', deletionPolicy: 'Retain' }, ADOPT);
    await stack.res.create('g-third', { domainName: 'retail', uri: uri('4'), objectTypeName: 'Other' });
    await stack.res.waitForCondition('f-second', 'Stalled', 'True', { reason: 'Conflict' });
    const mark = await stack.aws.mark();

    await stack.res.delete('e-first');
    const ready = await stack.res.waitReady('f-second');
    expect(condition(ready, 'Stalled')).toBeUndefined();
    expect(ready.status?.ownership).toBe('Adopted');
    expect(await stack.aws.writes(mark)).toEqual(['PutIntegration']);
    expect((await stack.aws.integration('retail', uri('4')))?.ObjectTypeName).toBe('Successor');
    await stack.res.delete('f-second'); // g-third is next in line, and it did not ask
    await stack.res.waitForCondition('g-third', 'Stalled', 'True', { reason: 'AlreadyExists' });
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
