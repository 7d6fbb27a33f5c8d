// Drift: someone changes an integration behind the operator's back (the emulator's admin API plays
// the AWS console). Manage corrects it at the next poll with one PutIntegration; Observe only
// reports it (Ready=False Drifted) and never writes; Observe of a missing integration says NotFound.
import { describe, expect, it } from 'vitest';
import { controllerStack } from './harness/stack.ts';
import { condition } from './harness/resources.ts';
import { waitFor } from './support/index.ts';

const uri = (n: string) => `arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-${n.padStart(12, '0')}`;

describe('controller: drift', () => {
  const stack = controllerStack('ctl-drift', { controllerArgs: ['--poll-interval', '2s'] });

  /** Resolves once the controller has read the domain again after `seq` (a poll happened). */
  const nextRead = (seq: number) =>
    waitFor(async () => (await stack.aws.since(seq)).find((e) => e.operation === 'ListIntegrations' || e.operation === 'GetIntegration'), {
      what: 'a drift-check read after the mark',
      timeoutMs: 10_000,
    });

  it('Manage: corrects an out-of-band change at the next poll with one PutIntegration', async () => {
    await stack.res.create('managed', { domainName: 'retail', uri: uri('1'), objectTypeName: 'CTR', scope: 'PROFILE' });
    const ready = await stack.res.waitReady('managed');
    const mark = await stack.aws.mark();

    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('1'), { ObjectTypeName: 'Tampered', Scope: 'DOMAIN' });
    const fixed = await waitFor(async () => {
      const i = await stack.aws.integration('retail', uri('1'));
      return i?.ObjectTypeName === 'CTR' && i.Scope === 'PROFILE' ? i : undefined;
    }, { what: 'the integration back to objectTypeName CTR, scope PROFILE', timeoutMs: 10_000 });
    const obj = await waitFor(async () => {
      const o = await stack.res.get('managed');
      return Date.parse(o?.status?.lastUpdatedAt ?? '') === fixed.LastUpdatedAt * 1000 ? o : undefined;
    }, { what: 'status.lastUpdatedAt to show the correcting write' });

    // Then it is at rest again: the next poll after the correction writes nothing.
    const afterFix = await stack.aws.mark();
    await nextRead(afterFix);
    expect(await stack.aws.writes(mark)).toEqual(['PutIntegration']);
    const put = (await stack.aws.since(mark, 'PutIntegration'))[0]!;
    expect(put.body).toMatchObject({ ObjectTypeName: 'CTR', Scope: 'PROFILE', Uri: uri('1') });
    expect(condition(obj, 'Ready')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(obj.metadata.generation).toBe(ready.metadata.generation);
  });

  it('Manage: records a LastUpdatedAt that moved with nothing readable changed, without a write', async () => {
    // A Put without FlowDefinition would restore nothing readable, re-sending FlowDefinition may be
    // refused, and a flow's own workflow runs move LastUpdatedAt too (docs/aws-behaviour.md).
    const mark = await stack.aws.mark();
    const before = (await stack.aws.integration('retail', uri('1')))!;
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('1'), {});
    const now = (await stack.aws.integration('retail', uri('1')))!;
    expect(now.LastUpdatedAt).toBeGreaterThan(before.LastUpdatedAt);
    const obj = await waitFor(async () => {
      const o = await stack.res.get('managed');
      return Date.parse(o?.status?.lastUpdatedAt ?? '') === now.LastUpdatedAt * 1000 ? o : undefined;
    }, { what: 'status.lastUpdatedAt to record the move' });
    await nextRead(await stack.aws.mark());
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect(condition(obj, 'Ready')).toMatchObject({ status: 'True' });
  });

  it('Manage: recreates an integration deleted out of band at the next poll', async () => {
    const before = (await stack.aws.integration('retail', uri('1')))!;
    const mark = await stack.aws.mark();
    await stack.emulator.admin.deleteIntegrationOutOfBand('retail', uri('1'));
    const back = await waitFor(async () => stack.aws.integration('retail', uri('1')), { what: 'the integration recreated', timeoutMs: 10_000 });
    expect(back.CreatedAt).toBeGreaterThanOrEqual(before.CreatedAt);
    expect(back).toMatchObject({ ObjectTypeName: 'CTR', Scope: 'PROFILE' });
    const obj = await waitFor(async () => {
      const o = await stack.res.get('managed');
      return Date.parse(o?.status?.createdAt ?? '') === back.CreatedAt * 1000 ? o : undefined;
    }, { what: 'status.createdAt of the new integration' });
    expect(condition(obj, 'Ready')).toMatchObject({ status: 'True' });
    expect(await stack.aws.okWrites(mark)).toEqual(['PutIntegration']);
  });

  it('Observe: reports Drifted, never writes, and turns Ready again when AWS matches', async () => {
    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('2'), { ObjectTypeName: 'CTR', Tags: { team: 'crm' } });
    const mark = await stack.aws.mark();
    await stack.res.create('observed', { domainName: 'retail', uri: uri('2'), objectTypeName: 'CTR', tags: { team: 'crm' }, managementPolicy: 'Observe' });
    const ready = await stack.res.waitReady('observed');
    expect(ready.status).toMatchObject({ uri: uri('2'), observedGeneration: 1 });
    expect(ready.metadata.finalizers ?? []).toEqual([]); // Observe never deletes, so it holds nothing up

    await stack.emulator.admin.putIntegrationOutOfBand('retail', uri('2'), { ObjectTypeName: 'Other', Tags: { team: 'sales' } });
    const drifted = await stack.res.waitForCondition('observed', 'Ready', 'False', { reason: 'Drifted', timeoutMs: 10_000 });
    expect(condition(drifted, 'Ready')!.message).toContain('objectTypeName');
    expect(condition(drifted, 'Ready')!.message).toContain('tags');
    expect(condition(drifted, 'Synced')).toMatchObject({ status: 'True' });
    expect(condition(drifted, 'Stalled')).toBeUndefined();

    // The spec follows AWS (a person accepts the change): Ready again, still without a write.
    await stack.res.patchSpec('observed', { objectTypeName: 'Other', tags: { team: 'sales' } });
    await stack.res.waitReady('observed');
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect((await stack.aws.integration('retail', uri('2')))?.ObjectTypeName).toBe('Other');
  });

  it('Observe: reports NotFound for a missing integration and deletes nothing', async () => {
    const mark = await stack.aws.mark();
    await stack.res.create('ghost', { domainName: 'retail', uri: uri('3'), objectTypeName: 'CTR', managementPolicy: 'Observe' });
    const obj = await stack.res.waitForCondition('ghost', 'Ready', 'False', { reason: 'NotFound' });
    // Where it looked, for `kubectl get` (URI and REGION columns), but no AWS identity it never saw.
    expect(obj.status).toMatchObject({ uri: uri('3'), region: 'us-east-1' });
    expect(obj.status?.createdAt).toBeUndefined();
    expect(obj.status?.integrationArn).toBeUndefined();
    expect(condition(obj, 'Synced')).toMatchObject({ status: 'True' });
    await stack.res.delete('observed');
    await stack.res.delete('ghost');
    await stack.res.waitGone('observed');
    await stack.res.waitGone('ghost');
    expect(await stack.aws.writes(mark)).toEqual([]);
    expect(await stack.aws.integration('retail', uri('2'))).toBeDefined();
  });
});
